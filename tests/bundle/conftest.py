"""Fixtures for the signed tally bundle: keys made once per session, a small valid bundle."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle import write_bundle
from assembly_desk.audit.bundle_schema import ballot_from_cvr, contest_entry
from assembly_desk.audit.canonical import canonical_hash
from assembly_desk.audit.chain import GENESIS, make_entry
from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.audit.verify_rules import rules_of_entry
from assembly_desk.counting import CountOptions, TieRule, count, seed_commitment, to_json_dict

SEED = "주사위 3-5-2"
T0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _signer(name: str, role: str) -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    key = Ed25519PrivateKey.generate()
    public = public_key_hex(key)
    return key, PublicKeyInfo(name, role, public, fingerprint(public))


@pytest.fixture(scope="session")
def chair() -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    return _signer("김의장", "chair")


@pytest.fixture(scope="session")
def witness() -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    return _signer("이참관", "witness")


def sample_cvrs() -> list[dict[str, Any]]:
    """IRV contest "chair-election" with a round of elimination, and a yes/no motion."""
    rankings = (
        [["A", "B"]] * 5 + [["B", "A"]] * 4 + [["C", "B"]] * 3 + [["C"]] * 1 + [["A", ["B", "C"]]]
    )
    cvrs: list[dict[str, Any]] = [{"contest": "chair-election", "ranking": r} for r in rankings]
    cvrs += [{"contest": "motion-1", "vote": v} for v in ["찬성"] * 7 + ["반대"] * 3 + ["기권"]]
    return cvrs


def commitment_entries(
    policy: dict[str, Any],
    results: dict[str, Any],
    contests: list[dict[str, Any]],
    *,
    start: int = 1,
    prev: str = GENESIS,
) -> list[dict[str, Any]]:
    """Audit entries as the app writes them: the policy set up, each poll opened with its
    rule frozen (``contests``: the manifest's), then each contest counted.

    ``results`` maps contest id to a :class:`Result` or its JSON form; each count logs
    the hash of that JSON, which verify compares with the signed result.
    """
    number = {c["id"]: n for n, c in enumerate(contests, start=1)}
    events: list[tuple[str, dict[str, Any]]] = [
        ("signature.policy_set", {"assembly": 1, "policy": policy})
    ]
    for contest in contests:
        data = {"assembly": 1, "contest": number[contest["id"]], "rules": rules_of_entry(contest)}
        events.append(("poll.opened", data))
    for cid, result in results.items():
        plain = result if isinstance(result, dict) else to_json_dict(result)
        data = {
            "assembly": 1,
            "contest": number.get(cid),
            "contest_key": cid,
            "result_sha256": canonical_hash(plain),
        }
        events.append(("tally.counted", data))
    entries = []
    for seq, (kind, data) in enumerate(events, start=start):
        entry = make_entry(prev, seq, T0.replace(minute=seq), kind, data)
        entries.append(entry)
        prev = entry["hash"]
    return entries


def build_bundle(
    out: Path,
    signers: list[tuple[Ed25519PrivateKey, PublicKeyInfo]],
    policy_signers: list[PublicKeyInfo],
    *,
    cvrs: list[dict[str, Any]] | None = None,
) -> Path:
    cvrs = sample_cvrs() if cvrs is None else cvrs
    irv = CountOptions(candidates=("A", "B", "C"), tie=TieRule(priority=("A",), seed=SEED))
    motion = CountOptions(threshold="absolute", base="valid")
    contests = [
        contest_entry("chair-election", "동장 후보 선호 투표", "irv", irv),
        contest_entry("motion-1", "주민자치 안건 1", "yesno", motion),
    ]
    options = {"chair-election": ("irv", irv), "motion-1": ("yesno", motion)}
    results = {}
    for cid, (method, opts) in options.items():
        ballots = [ballot_from_cvr(c) for c in cvrs if c["contest"] == cid]
        results[cid] = count(method, ballots, opts)
    policy = SignaturePolicy(signers=tuple(policy_signers)).to_dict()
    opened = [
        ("poll.opened", {"assembly": 1, "contest": n, "rules": rules_of_entry(c)})
        for n, c in enumerate(contests, start=1)
    ]
    counted = [
        (
            "tally.counted",
            {
                "assembly": 1,
                "contest": n,
                "contest_key": cid,
                "result_sha256": canonical_hash(to_json_dict(result)),
            },
        )
        for n, (cid, result) in enumerate(results.items(), start=1)
    ]
    entries = []
    prev = GENESIS
    for seq, (kind, data) in enumerate(
        [
            ("signature.policy_set", {"assembly": 1, "policy": policy}),
            *opened,
            ("seed.committed", {"contest": 1, "commitment": seed_commitment(SEED)}),
            ("poll.closed", {"contest": 1, "cast": 14}),
            ("poll.closed", {"contest": 2, "cast": 11}),
            *counted,
        ],
        start=1,
    ):
        entry = make_entry(prev, seq, T0.replace(minute=seq), kind, data)
        entries.append(entry)
        prev = entry["hash"]
    manifest = {
        "assembly": {"title": "성산1동 주민총회", "date": "2026-11-28", "district": "성산1동"},
        "contests": contests,
        "policy": policy,
        "counts": {"checked_in": 20, "issued": {"chair-election": 15, "motion-1": 12}},
    }
    return write_bundle(out, manifest, cvrs, entries, results, {"chair-election": SEED}, signers)


@pytest.fixture(scope="session")
def _master_bundle(tmp_path_factory: pytest.TempPathFactory, chair: Any, witness: Any) -> Path:
    out = tmp_path_factory.mktemp("master") / "bundle"
    return build_bundle(out, [chair, witness], [chair[1], witness[1]])


@pytest.fixture
def bundle(tmp_path: Path, _master_bundle: Path) -> Path:
    """A fresh copy of a valid bundle signed by chair and witness."""
    target = tmp_path / "bundle"
    shutil.copytree(_master_bundle, target)
    return target


def rewrite(
    folder: Path,
    signers: list[tuple[Ed25519PrivateKey, PublicKeyInfo]],
    *,
    manifest: Any = None,
    body: Any = None,
    cvrs: Any = None,
    audit: Any = None,
) -> None:
    """Change a bundle *consistently* (hashes recomputed, re-signed by ``signers``).

    Each argument is a function mutating the parsed manifest / tally body / list of CVR
    dicts / list of audit entries in place. This isolates one check: only what the
    mutation breaks semantically (recount, turnout, seed, ...) can fail.
    """
    from assembly_desk.audit.canonical import canonical_json, loads, sha256_hex
    from assembly_desk.audit.canonical_lines import canonical_jsonl
    from assembly_desk.audit.signing import sign

    man = loads((folder / "manifest.json").read_bytes())
    tally = loads((folder / "tally.json").read_bytes())
    cvr_list = [loads(line) for line in (folder / "cvrs.jsonl").read_bytes().splitlines()]
    entries = [loads(line) for line in (folder / "audit_log.jsonl").read_bytes().splitlines()]
    if cvrs:
        cvrs(cvr_list)
    if audit:
        audit(entries)
    cvr_bytes = canonical_jsonl(cvr_list)
    audit_bytes = canonical_jsonl(entries)
    man["files"] = {"cvrs.jsonl": sha256_hex(cvr_bytes), "audit_log.jsonl": sha256_hex(audit_bytes)}
    if manifest:
        manifest(man)
    man_bytes = canonical_json(man)
    b = tally["body"]
    b["manifest_hash"] = sha256_hex(man_bytes)
    b["cvrs_hash"] = sha256_hex(cvr_bytes)
    if entries:
        b["audit_head"] = entries[-1]["hash"]
    if body:
        body(b)
    tally["signatures"] = [sign(b, key, info) for key, info in signers]
    (folder / "manifest.json").write_bytes(man_bytes)
    (folder / "cvrs.jsonl").write_bytes(cvr_bytes)
    (folder / "audit_log.jsonl").write_bytes(audit_bytes)
    (folder / "tally.json").write_bytes(canonical_json(tally))
