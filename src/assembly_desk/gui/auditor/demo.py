"""A small, realistic signed bundle for the auditor window's screenshots and demos.

Three contests chosen to exercise what the window must show: an STV election whose
surplus transfer yields fractional tallies (decimals with exact tooltips), an instant
runoff with a tie settled by lot from the committed seed, and a yes/no motion. The chair
and one witness sign; a second witness is allowed by the policy but has not signed yet,
so the signers panel shows all three states an auditor meets on the day.

Keys are generated in memory (no passphrase files, no scrypt): this bundle is for
pictures and trying the window, not for an assembly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle import write_bundle
from assembly_desk.audit.bundle_schema import ballot_from_cvr, contest_entry
from assembly_desk.audit.canonical import canonical_hash
from assembly_desk.audit.chain import GENESIS, make_entry
from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.counting import CountOptions, TieRule, count, seed_commitment, to_json_dict

SEED = "공개추첨 주사위 4-1-6"
_T0 = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)

STV_ID, IRV_ID, MOTION_ID = "council-2026", "chair-pref", "motion-1"
STV_NAMES = ("김민수", "이영희", "박철수", "최지은", "정다은")
IRV_NAMES = ("홍길동", "성춘향", "이몽룡")


def _signer(name: str, role: str) -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    key = Ed25519PrivateKey.generate()
    public = public_key_hex(key)
    return key, PublicKeyInfo(name, role, public, fingerprint(public))


def demo_cvrs() -> list[dict[str, Any]]:
    """60 ballots per contest; yes/no marks in ASCII so one byte can flip a vote."""
    kim, lee, park, choi, jung = STV_NAMES
    stv = (
        [[kim, lee]] * 21
        + [[kim, park]] * 10
        + [[lee]] * 12
        + [[park, lee]] * 8
        + [[choi, park]] * 5
        + [[jung, choi, lee]] * 4
    )
    hong, sung, lee2 = IRV_NAMES
    irv = (
        [[hong, sung]] * 24
        + [[sung, hong]] * 10
        + [[sung, lee2]] * 8
        + [[lee2, sung]] * 12
        + [[lee2]] * 6
    )
    motion = ["yes"] * 41 + ["no"] * 15 + ["abstain"] * 4
    cvrs: list[dict[str, Any]] = [{"contest": STV_ID, "ranking": r} for r in stv]
    cvrs += [{"contest": IRV_ID, "ranking": r} for r in irv]
    cvrs += [{"contest": MOTION_ID, "vote": v} for v in motion]
    return cvrs


def write_demo_bundle(out: Path) -> Path:
    """Write the demo bundle folder at ``out`` (which must not exist yet)."""
    chair = _signer("김의장", "chair")
    witness = _signer("이참관", "witness")
    late = _signer("박참관", "witness")
    options = {
        STV_ID: ("stv", CountOptions(seats=2, candidates=STV_NAMES)),
        IRV_ID: ("irv", CountOptions(candidates=IRV_NAMES, tie=TieRule(seed=SEED))),
        MOTION_ID: ("yesno", CountOptions(threshold="absolute", base="valid")),
    }
    titles = {
        STV_ID: "주민자치위원 선출 (2명)",
        IRV_ID: "동장 후보 선호 투표",
        MOTION_ID: "안건 1: 마을 도서관 운영시간 연장",
    }
    cvrs = demo_cvrs()
    contests = [contest_entry(cid, titles[cid], m, o) for cid, (m, o) in options.items()]
    results = {
        cid: count(method, [ballot_from_cvr(c) for c in cvrs if c["contest"] == cid], opts)
        for cid, (method, opts) in options.items()
    }
    policy = SignaturePolicy(signers=(chair[1], witness[1], late[1]))
    # What verify holds the bundle to: the policy recorded before the counts, and each
    # count's result hash, as the services log them.
    events: list[tuple[str, dict[str, Any]]] = [
        ("signature.policy_set", {"assembly": 1, "policy": policy.to_dict()}),
        ("seed.committed", {"contest": IRV_ID, "commitment": seed_commitment(SEED)}),
    ]
    for cid in options:
        events.append(("poll.opened", {"contest": cid}))
        events.append(("poll.closed", {"contest": cid, "cast": 60}))
    for cid, result in results.items():
        digest = canonical_hash(to_json_dict(result))
        counted = {"assembly": 1, "contest_key": cid, "result_sha256": digest}
        events.append(("tally.counted", counted))
    entries, prev = [], GENESIS
    for seq, (kind, data) in enumerate(events, start=1):
        entry = make_entry(prev, seq, _T0.replace(minute=seq), kind, data)
        entries.append(entry)
        prev = entry["hash"]
    manifest = {
        "assembly": {"title": "성산1동 주민총회", "date": "2026-11-28", "district": "성산1동"},
        "contests": contests,
        "policy": policy.to_dict(),
        "counts": {"checked_in": 64, "issued": dict.fromkeys(options, 62)},
    }
    return write_bundle(out, manifest, cvrs, entries, results, {IRV_ID: SEED}, [chair, witness])


def tamper_one_vote(bundle: Path) -> None:
    """Change one byte of cvrs.jsonl: a "no" becomes "n0", as a careless edit would."""
    path = bundle / "cvrs.jsonl"
    data = path.read_bytes()
    at = data.index(b'"vote":"no"') + len(b'"vote":"n')
    path.write_bytes(data[:at] + b"0" + data[at + 1 :])
