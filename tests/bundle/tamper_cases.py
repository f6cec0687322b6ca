"""Named ways to tamper with a real bundle, each with the verdict verify must give.

A case mutates a copy of the product's bundle (see :mod:`tamper_bundle`) and may return
another path to verify (a zip, a symlink, a FIFO). ``expect`` is the exit code and the
name of a check that must be among the failures ("files" for unreadable or misshapen
files). ``trust_only``: the forgery is consistent in itself (chain rewritten too), so
only keys trusted from outside the bundle can expose it; without ``--trust`` verify must
then say that identities were not checked and show fingerprints that are not the real
ones. ``harmless``: the change has no meaning, with the reason why it is accepted.

Only APIs that predate the hardened verifier are imported, so the same cases can be
replayed against the old code (the figure in the tamper suite's docstring).
"""

from __future__ import annotations

import json
import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembly_desk.audit.canonical import canonical_hash, canonical_json, loads, sha256_hex
from assembly_desk.audit.canonical_lines import canonical_jsonl
from assembly_desk.audit.chain import entry_hash
from assembly_desk.audit.signing import sign
from tests.bundle.conftest import _signer

FILES = ("manifest.json", "cvrs.jsonl", "audit_log.jsonl", "tally.json")


@dataclass
class Ctx:
    """The bundle copy to mutate, the real signers' keys, and a scratch folder."""

    folder: Path
    keys: list[Any]
    scratch: Path

    @property
    def chair(self) -> Any:
        return self.keys[0]

    @property
    def witness(self) -> Any:
        return self.keys[1]


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Ctx], Path | None]
    exit: int
    check: str
    trust_only: bool = False
    harmless: str = ""


CASES: list[Case] = []


def case(
    exit: int, check: str, *, trust_only: bool = False, harmless: str = ""
) -> Callable[[Callable[[Ctx], Path | None]], Callable[[Ctx], Path | None]]:
    def register(fn: Callable[[Ctx], Path | None]) -> Callable[[Ctx], Path | None]:
        CASES.append(Case(fn.__name__, fn, exit, check, trust_only, harmless))
        return fn

    return register


# --- helpers -------------------------------------------------------------------------


def read(ctx: Ctx, name: str) -> Any:
    return loads((ctx.folder / name).read_bytes())


def write(ctx: Ctx, name: str, value: Any) -> None:
    (ctx.folder / name).write_bytes(canonical_json(value))


def lines(ctx: Ctx, name: str) -> list[dict[str, Any]]:
    return [loads(line) for line in (ctx.folder / name).read_bytes().splitlines()]


def write_lines(ctx: Ctx, name: str, values: list[dict[str, Any]]) -> None:
    (ctx.folder / name).write_bytes(canonical_jsonl(values))


def raw_replace(ctx: Ctx, name: str, old: bytes, new: bytes) -> None:
    data = (ctx.folder / name).read_bytes()
    assert old in data, (name, old)
    (ctx.folder / name).write_bytes(data.replace(old, new, 1))


def rechain(entries: list[dict[str, Any]]) -> None:
    """Recompute every link and hash, as a forger rewriting history would."""
    prev = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        entry.pop("hash", None)
        entry["seq"], entry["prev"] = seq, prev
        entry["hash"] = prev = entry_hash(entry)


def rehash(
    ctx: Ctx,
    signers: list[Any] | None = None,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    body: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Make every hash consistent again; re-sign with ``signers`` (None: keep old sigs)."""
    cvr_bytes = (ctx.folder / "cvrs.jsonl").read_bytes()
    audit_bytes = (ctx.folder / "audit_log.jsonl").read_bytes()
    man = read(ctx, "manifest.json")
    man["files"] = {"cvrs.jsonl": sha256_hex(cvr_bytes), "audit_log.jsonl": sha256_hex(audit_bytes)}
    if manifest:
        manifest(man)
    man_bytes = canonical_json(man)
    tally = read(ctx, "tally.json")
    b = tally["body"]
    b["manifest_hash"], b["cvrs_hash"] = sha256_hex(man_bytes), sha256_hex(cvr_bytes)
    audit = lines(ctx, "audit_log.jsonl")
    if audit:
        b["audit_head"] = audit[-1]["hash"]
    if body:
        body(b)
    if signers is not None:
        tally["signatures"] = [sign(b, key, info) for key, info in signers]
    (ctx.folder / "manifest.json").write_bytes(man_bytes)
    write(ctx, "tally.json", tally)


def fresh_keys(ctx: Ctx) -> list[Any]:
    """New keys under the real signers' names and roles (what a forger would make)."""
    return [_signer(info.name, info.role) for _key, info in ctx.keys]


def with_keys(keys: list[Any]) -> Callable[[dict[str, Any]], None]:
    def put(m: dict[str, Any]) -> None:
        m["policy"]["signers"] = [info.to_dict() for _key, info in keys]

    return put


def recount_all(ctx: Ctx) -> Callable[[dict[str, Any]], None]:
    """A body mutation storing the honest recount of the (changed) CVRs."""
    from assembly_desk.audit.bundle_schema import (
        ballot_from_cvr,
        options_from_json,
        tie_rule_from_json,
    )
    from assembly_desk.counting import count, to_json_dict

    def body(b: dict[str, Any]) -> None:
        for contest in read(ctx, "manifest.json")["contests"]:
            cid = contest["id"]
            cvrs = [c for c in lines(ctx, "cvrs.jsonl") if c["contest"] == cid]
            tie = tie_rule_from_json(contest["tie_rule"], b["seeds"].get(cid))
            options = options_from_json(contest["options"], tie)
            ballots = [ballot_from_cvr(c) for c in cvrs]
            b["results"][cid] = to_json_dict(count(contest["method"], ballots, options))

    return body


def flip_yes_no(ctx: Ctx) -> None:
    cvrs = lines(ctx, "cvrs.jsonl")
    for cvr in cvrs:
        if cvr.get("vote") in ("yes", "no"):
            cvr["vote"] = "no" if cvr["vote"] == "yes" else "yes"
    write_lines(ctx, "cvrs.jsonl", cvrs)


def edit_audit(ctx: Ctx, edit: Callable[[list[dict[str, Any]]], None]) -> None:
    entries = lines(ctx, "audit_log.jsonl")
    edit(entries)
    rechain(entries)
    write_lines(ctx, "audit_log.jsonl", entries)


def zip_of(ctx: Ctx, members: list[tuple[str, bytes]], name: str = "b.zip") -> Path:
    path = ctx.scratch / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return path


def members(ctx: Ctx) -> list[tuple[str, bytes]]:
    return [(name, (ctx.folder / name).read_bytes()) for name in FILES]


# --- manifest.json --------------------------------------------------------------------


@case(1, "files")
def manifest_format_renamed(ctx: Ctx) -> None:
    m = read(ctx, "manifest.json")
    m["format"] = "assembly-desk/bundle-lite"
    write(ctx, "manifest.json", m)


@case(1, "files")
def manifest_version_bumped(ctx: Ctx) -> None:
    m = read(ctx, "manifest.json")
    m["version"] = 2
    write(ctx, "manifest.json", m)


@case(1, "manifest_hash")
def manifest_assembly_title_edited(ctx: Ctx) -> None:
    raw_replace(ctx, "manifest.json", "성산1동 주민총회".encode(), "성산2동 주민총회".encode())


@case(1, "signature")
def manifest_assembly_date_edited_and_rehashed(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["assembly"].update(date="2026-11-29"))


@case(1, "manifest_hash")
def manifest_district_edited(ctx: Ctx) -> None:
    raw_replace(ctx, "manifest.json", b'"district":"', '"district":"마포구 '.encode())


@case(1, "manifest_hash")
def manifest_contest_title_edited(ctx: Ctx) -> None:
    raw_replace(
        ctx, "manifest.json", "주민자치회 위원 선출".encode(), "주민자치회 위원 해임".encode()
    )


@case(1, "signature")
def manifest_method_changed_and_rehashed(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"][0].update(method="plurality"))


@case(1, "policy_commitment")
def manifest_seats_changed_recounted_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)

    def seats(m: dict[str, Any]) -> None:
        m["contests"][0]["options"]["seats"] = 1
        with_keys(keys)(m)

    rehash(ctx, manifest=seats)
    rehash(ctx, keys, body=recount_all(ctx))


@case(1, "signature")
def manifest_tie_priority_added_and_rehashed(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"][0]["tie_rule"].update(priority=["박철수"]))


@case(1, "signature")
def manifest_seed_commitment_replaced(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"][0].update(seed_commitment="ab" * 32))


@case(1, "manifest_hash")
def manifest_checked_in_raised(ctx: Ctx) -> None:
    raw_replace(ctx, "manifest.json", b'"checked_in":8', b'"checked_in":9')


@case(1, "turnout")
def manifest_issued_lowered_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)

    def issued(m: dict[str, Any]) -> None:
        m["counts"]["issued"]["contest-2"] = 7
        with_keys(keys)(m)

    rehash(ctx, keys, manifest=issued)


@case(1, "manifest_hash")
def manifest_cvr_file_hash_replaced(ctx: Ctx) -> None:
    m = read(ctx, "manifest.json")
    m["files"]["cvrs.jsonl"] = "00" * 32
    write(ctx, "manifest.json", m)


@case(1, "manifest_hash")
def manifest_audit_file_hash_replaced(ctx: Ctx) -> None:
    m = read(ctx, "manifest.json")
    m["files"]["audit_log.jsonl"] = "11" * 32
    write(ctx, "manifest.json", m)


@case(1, "files")
def manifest_unknown_top_field(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m.update(notes="counted twice"))


@case(1, "files")
def manifest_unknown_contest_field(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"][0].update(weight=2))


@case(1, "files")
def manifest_unknown_counting_option(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"][0]["options"].update(bonus="김민수"))


@case(1, "files")
def manifest_unknown_policy_field(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["policy"].update(optional=True))


@case(1, "files")
def manifest_unknown_signer_field(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["policy"]["signers"][0].update(title="동장"))


@case(1, "files")
def manifest_signer_fingerprint_dropped(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["policy"]["signers"][1].pop("fingerprint"))


@case(1, "files")
def manifest_signer_key_uppercased(ctx: Ctx) -> None:
    def upper(m: dict[str, Any]) -> None:
        signer = m["policy"]["signers"][0]
        signer["public_key"] = signer["public_key"].upper()

    rehash(ctx, manifest=upper)


@case(1, "signature")
def manifest_contest_deleted_and_rehashed(ctx: Ctx) -> None:
    def drop(m: dict[str, Any]) -> None:
        del m["contests"][1]
        del m["counts"]["issued"]["contest-2"]

    rehash(ctx, manifest=drop)


@case(1, "signature")
def manifest_contests_reordered_and_rehashed(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"].reverse())


@case(1, "files")
def manifest_contest_duplicated(ctx: Ctx) -> None:
    rehash(ctx, manifest=lambda m: m["contests"].append(dict(m["contests"][0])))


@case(1, "policy_commitment")
def manifest_contest_id_renamed_everywhere_fresh_keys(ctx: Ctx) -> None:
    """contest-2 renamed in the manifest, CVRs and results: its count record no longer fits."""
    keys = fresh_keys(ctx)
    cvrs = lines(ctx, "cvrs.jsonl")
    for cvr in cvrs:
        if cvr["contest"] == "contest-2":
            cvr["contest"] = "contest-7"
    write_lines(ctx, "cvrs.jsonl", cvrs)

    def rename(m: dict[str, Any]) -> None:
        m["contests"][1]["id"] = "contest-7"
        m["counts"]["issued"]["contest-7"] = m["counts"]["issued"].pop("contest-2")
        with_keys(keys)(m)

    def results(b: dict[str, Any]) -> None:
        b["results"]["contest-7"] = b["results"].pop("contest-2")

    rehash(ctx, keys, manifest=rename, body=results)


# --- the signature policy ------------------------------------------------------------


def _empty_policy(m: dict[str, Any]) -> None:
    m["policy"] = {
        "min_witnesses": 0,
        "required_roles": [],
        "signers": [],
        "witness_role": "witness",
    }


@case(1, "policy")
def policy_emptied_votes_flipped_signatures_removed(ctx: Ctx) -> None:
    flip_yes_no(ctx)
    rehash(ctx, [], manifest=_empty_policy, body=recount_all(ctx))


@case(1, "policy")
def policy_emptied_signatures_kept(ctx: Ctx) -> None:
    rehash(ctx, manifest=_empty_policy)


@case(1, "policy_commitment")
def policy_chair_role_dropped_signed_by_witness(ctx: Ctx) -> None:
    rehash(ctx, [ctx.witness], manifest=lambda m: m["policy"].update(required_roles=[]))


@case(1, "policy_commitment")
def policy_witnesses_lowered_signed_by_chair(ctx: Ctx) -> None:
    rehash(ctx, [ctx.chair], manifest=lambda m: m["policy"].update(min_witnesses=0))


@case(1, "policy_commitment")
def policy_witness_role_renamed(ctx: Ctx) -> None:
    rehash(ctx, [ctx.chair], manifest=lambda m: m["policy"].update(witness_role="chair"))


@case(1, "policy_commitment")
def policy_extra_witness_key_added(ctx: Ctx) -> None:
    (extra,) = [_signer("박참관", "witness")]

    def add(m: dict[str, Any]) -> None:
        m["policy"]["signers"].append(extra[1].to_dict())

    rehash(ctx, [ctx.chair, extra], manifest=add)


@case(1, "policy")
def policy_signers_removed(ctx: Ctx) -> None:
    rehash(ctx, [], manifest=lambda m: m["policy"].update(signers=[]))


@case(1, "policy_commitment")
def policy_signers_swapped_roles(ctx: Ctx) -> None:
    def swap(m: dict[str, Any]) -> None:
        first, second = m["policy"]["signers"]
        first["role"], second["role"] = second["role"], first["role"]

    chair_key, chair_info = ctx.chair
    witness_key, witness_info = ctx.witness
    from assembly_desk.audit.keys import PublicKeyInfo

    as_witness = PublicKeyInfo(
        chair_info.name, "witness", chair_info.public_key, chair_info.fingerprint
    )
    as_chair = PublicKeyInfo(
        witness_info.name, "chair", witness_info.public_key, witness_info.fingerprint
    )
    rehash(ctx, [(witness_key, as_chair), (chair_key, as_witness)], manifest=swap)


@case(1, "policy_commitment")
def votes_flipped_recounted_resigned_with_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    flip_yes_no(ctx)
    rehash(ctx, keys, manifest=with_keys(keys), body=recount_all(ctx))


def _forge_policy_records(
    entries: list[dict[str, Any]], policy: dict[str, Any], keys: list[Any]
) -> None:
    """Put the forged policy (and each forged key) into every policy record."""
    names = [s["name"] for s in policy["signers"]]
    for entry in entries:
        data = entry["data"]
        if "policy" in data:
            data["policy"] = policy
            if "public_key" in data:
                data.update(keys[names.index(data["name"])][1].to_dict())


@case(1, "identities", trust_only=True)
def votes_flipped_chain_rewritten_with_fresh_keys(ctx: Ctx) -> None:
    """The full forgery: policy records and count hashes in the chain rewritten too."""
    keys = fresh_keys(ctx)
    flip_yes_no(ctx)
    new_policy: dict[str, Any] = {}
    rehash(ctx, manifest=lambda m: (with_keys(keys)(m), new_policy.update(m["policy"])))
    rehash(ctx, body=recount_all(ctx))
    results = read(ctx, "tally.json")["body"]["results"]

    def forge(entries: list[dict[str, Any]]) -> None:
        _forge_policy_records(entries, new_policy, keys)
        for entry in entries:
            data = entry["data"]
            if entry["kind"] == "tally.counted":
                data["result_sha256"] = canonical_hash(results[data["contest_key"]])

    edit_audit(ctx, forge)
    rehash(ctx, keys)


@case(1, "identities", trust_only=True)
def the_whole_bundle_re_signed_with_fresh_keys(ctx: Ctx) -> None:
    """No ballot changed, but the signers are not who the minutes name."""
    keys = fresh_keys(ctx)
    policy: dict[str, Any] = {}
    rehash(ctx, manifest=lambda m: (with_keys(keys)(m), policy.update(m["policy"])))

    def forge(entries: list[dict[str, Any]]) -> None:
        _forge_policy_records(entries, policy, keys)

    edit_audit(ctx, forge)
    rehash(ctx, keys)


# --- tally.json -------------------------------------------------------------------------


@case(1, "manifest_hash")
def tally_manifest_hash_replaced(ctx: Ctx) -> None:
    t = read(ctx, "tally.json")
    t["body"]["manifest_hash"] = "22" * 32
    write(ctx, "tally.json", t)


@case(1, "cvr_file")
def tally_cvrs_hash_replaced(ctx: Ctx) -> None:
    t = read(ctx, "tally.json")
    t["body"]["cvrs_hash"] = "33" * 32
    write(ctx, "tally.json", t)


@case(1, "audit_head")
def tally_audit_head_replaced(ctx: Ctx) -> None:
    t = read(ctx, "tally.json")
    t["body"]["audit_head"] = "44" * 32
    write(ctx, "tally.json", t)


@case(1, "recount")
def tally_winner_replaced_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    rehash(ctx, manifest=with_keys(keys))
    rehash(ctx, keys, body=lambda b: b["results"]["contest-1"].update(elected=["최지원", "박철수"]))


@case(1, "result_commitment")
def tally_result_extra_field_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    rehash(ctx, manifest=with_keys(keys))
    rehash(ctx, keys, body=lambda b: b["results"]["contest-2"].update(note="recounted"))


@case(1, "recount")
def tally_result_for_unknown_contest(ctx: Ctx) -> None:
    rehash(ctx, body=lambda b: b["results"].update({"contest-9": {"method": "yesno"}}))


@case(1, "recount")
def tally_result_removed(ctx: Ctx) -> None:
    rehash(ctx, body=lambda b: b["results"].pop("contest-2"))


@case(1, "seeds")
def tally_seed_changed_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    rehash(ctx, manifest=with_keys(keys))
    rehash(ctx, keys, body=lambda b: b["seeds"].update({"contest-1": "주사위 1-1-1"}))


@case(1, "seeds")
def tally_seed_removed(ctx: Ctx) -> None:
    rehash(ctx, body=lambda b: b["seeds"].clear())


@case(1, "files")
def tally_body_unknown_field(ctx: Ctx) -> None:
    rehash(ctx, body=lambda b: b.update(comment="ok"))


@case(1, "files")
def tally_unknown_top_field(ctx: Ctx) -> None:
    t = read(ctx, "tally.json")
    t["counter_signatures"] = []
    write(ctx, "tally.json", t)


# --- signature records ------------------------------------------------------------------


def _signatures(ctx: Ctx, edit: Callable[[list[dict[str, Any]]], None]) -> None:
    t = read(ctx, "tally.json")
    edit(t["signatures"])
    write(ctx, "tally.json", t)


@case(1, "policy")
def signature_of_chair_removed(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s.pop(0))


@case(1, "policy")
def signatures_all_removed(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s.clear())


@case(1, "signature")
def signature_duplicated(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s.append(dict(s[1])))


@case(1, "signature")
def signature_bit_flipped(ctx: Ctx) -> None:
    def flip(s: list[dict[str, Any]]) -> None:
        sig = s[0]["signature"]
        s[0]["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]

    _signatures(ctx, flip)


@case(1, "signature")
def signature_signer_name_changed(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[0].update(signer="김의장님"))


@case(1, "signature")
def signature_witness_claims_chair(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[1].update(role="chair"))


@case(1, "signature")
def signature_unknown_field(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[0].update(timestamp="2026-11-28T10:00:00Z"))


@case(1, "signature")
def signature_algorithm_renamed(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[0].update(alg="ed448"))


@case(1, "signature")
def signature_fingerprint_of_another_key(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[0].update(fingerprint=s[1]["fingerprint"]))


@case(1, "signature")
def signature_public_key_uppercased(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s[0].update(public_key=s[0]["public_key"].upper()))


@case(1, "signature")
def signature_from_a_stranger_added(ctx: Ctx) -> None:
    key, info = _signer("누군가", "witness")
    body = read(ctx, "tally.json")["body"]
    _signatures(ctx, lambda s: s.append(sign(body, key, info)))


@case(1, "signature")
def signature_moved_to_another_signer(ctx: Ctx) -> None:
    def move(s: list[dict[str, Any]]) -> None:
        s[0]["signature"], s[1]["signature"] = s[1]["signature"], s[0]["signature"]

    _signatures(ctx, move)


@case(0, "", harmless="signature order carries no meaning: each record is checked on its own")
def signatures_reordered(ctx: Ctx) -> None:
    _signatures(ctx, lambda s: s.reverse())


# --- cvrs.jsonl -------------------------------------------------------------------------


@case(1, "cvr_file")
def cvr_vote_flipped(ctx: Ctx) -> None:
    raw_replace(ctx, "cvrs.jsonl", b'"vote":"yes"', b'"vote":"no"')


@case(1, "signature")
def cvr_vote_flipped_and_rehashed(ctx: Ctx) -> None:
    flip_yes_no(ctx)
    rehash(ctx, body=recount_all(ctx))


@case(1, "cvr_file")
def cvr_line_deleted(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes().splitlines(keepends=True)
    (ctx.folder / "cvrs.jsonl").write_bytes(b"".join(data[1:]))


@case(1, "cvr_file")
def cvr_line_duplicated(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes().splitlines(keepends=True)
    (ctx.folder / "cvrs.jsonl").write_bytes(b"".join([data[0], *data]))


@case(1, "cvr_file")
def cvr_lines_reordered(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes().splitlines(keepends=True)
    (ctx.folder / "cvrs.jsonl").write_bytes(b"".join(reversed(data)))


@case(1, "policy_commitment")
def cvr_ballot_stuffed_recounted_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    cvrs = lines(ctx, "cvrs.jsonl")
    cvrs.append({"contest": "contest-2", "id": "f" * 32, "vote": "no"})
    write_lines(ctx, "cvrs.jsonl", cvrs)

    def more(m: dict[str, Any]) -> None:
        m["counts"]["issued"]["contest-2"] += 1
        m["counts"]["checked_in"] += 1
        with_keys(keys)(m)

    rehash(ctx, keys, manifest=more, body=recount_all(ctx))


@case(1, "policy_commitment")
def cvr_ballot_moved_to_the_other_contest_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    cvrs = lines(ctx, "cvrs.jsonl")
    moved = next(c for c in cvrs if c["contest"] == "contest-2")
    moved.pop("vote")
    moved.update(contest="contest-1", choices=["최지원"])
    write_lines(ctx, "cvrs.jsonl", cvrs)
    rehash(ctx, keys, manifest=with_keys(keys), body=recount_all(ctx))


@case(1, "files")
def cvr_unknown_field_voter(ctx: Ctx) -> None:
    cvrs = lines(ctx, "cvrs.jsonl")
    cvrs[0]["voter"] = "주민3"
    write_lines(ctx, "cvrs.jsonl", cvrs)
    rehash(ctx)


@case(1, "files")
def cvr_candidate_name_in_nfd(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    nfd = unicodedata.normalize("NFD", "김민수").encode()
    (ctx.folder / "cvrs.jsonl").write_bytes(data.replace("김민수".encode(), nfd, 1))
    rehash(ctx)


@case(1, "signature")
def cvr_candidate_name_homoglyph(ctx: Ctx) -> None:
    """'이영희' with a Hangul filler-free look-alike: the ballot now names nobody."""
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    (ctx.folder / "cvrs.jsonl").write_bytes(
        data.replace("이영희".encode(), "이영희\u200b".encode(), 1)
    )
    rehash(ctx, body=recount_all(ctx))


@case(2, "files")
def cvr_file_with_bom(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    (ctx.folder / "cvrs.jsonl").write_bytes(b"\xef\xbb\xbf" + data)


@case(1, "files")
def cvr_file_crlf_line_ends(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    (ctx.folder / "cvrs.jsonl").write_bytes(data.replace(b"\n", b"\r\n"))


@case(2, "files")
def cvr_file_last_newline_missing(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    (ctx.folder / "cvrs.jsonl").write_bytes(data[:-1])


@case(1, "files")
def cvr_duplicate_key_vote(ctx: Ctx) -> None:
    raw_replace(ctx, "cvrs.jsonl", b'"vote":"yes"', b'"vote":"no","vote":"yes"')
    rehash(ctx)


@case(1, "cvr_file")
def cvr_id_uppercased_rehashed(ctx: Ctx) -> None:
    cvrs = lines(ctx, "cvrs.jsonl")
    cvrs[0]["id"] = cvrs[0]["id"].upper()
    write_lines(ctx, "cvrs.jsonl", cvrs)
    rehash(ctx)


@case(2, "files")
def cvr_deeply_nested_choices(ctx: Ctx) -> None:
    data = (ctx.folder / "cvrs.jsonl").read_bytes()
    deep = b'{"choices":' + b"[" * 100_000 + b"]" * 100_000 + b',"contest":"contest-1"}\n'
    (ctx.folder / "cvrs.jsonl").write_bytes(deep + data)


# --- JSON tricks in the signed files ---------------------------------------------------


@case(2, "files")
def manifest_with_bom(ctx: Ctx) -> None:
    data = (ctx.folder / "manifest.json").read_bytes()
    (ctx.folder / "manifest.json").write_bytes(b"\xef\xbb\xbf" + data)


@case(2, "files")
def manifest_duplicate_key(ctx: Ctx) -> None:
    raw_replace(ctx, "manifest.json", b'"format":', b'"format":"x","format":')


@case(2, "files")
def tally_float_in_result(ctx: Ctx) -> None:
    raw_replace(ctx, "tally.json", b'"valid":8', b'"valid":8.0')


@case(2, "files")
def manifest_big_integer(ctx: Ctx) -> None:
    raw_replace(ctx, "manifest.json", b'"checked_in":8', b'"checked_in":18446744073709551624')


@case(2, "files")
def tally_nan(ctx: Ctx) -> None:
    raw_replace(ctx, "tally.json", b'"valid":8', b'"valid":NaN')


@case(2, "files")
def tally_trailing_data(ctx: Ctx) -> None:
    data = (ctx.folder / "tally.json").read_bytes()
    (ctx.folder / "tally.json").write_bytes(data + b'{"signatures":[]}')


@case(1, "files")
def manifest_trailing_newline(ctx: Ctx) -> None:
    data = (ctx.folder / "manifest.json").read_bytes()
    (ctx.folder / "manifest.json").write_bytes(data + b"\n")


@case(1, "files")
def manifest_pretty_printed(ctx: Ctx) -> None:
    value = read(ctx, "manifest.json")
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    (ctx.folder / "manifest.json").write_bytes(text.encode())


@case(1, "files")
def manifest_escaped_unicode(ctx: Ctx) -> None:
    raw_replace(
        ctx,
        "manifest.json",
        "성산1동 주민총회".encode(),
        b"\\uc131\\uc0b01\\ub3d9 \\uc8fc\\ubbfc\\ucd1d\\ud68c",
    )


@case(2, "files")
def tally_invalid_utf8(ctx: Ctx) -> None:
    raw_replace(ctx, "tally.json", b'"body"', b'"b\xffdy"')


# --- audit_log.jsonl --------------------------------------------------------------------


@case(1, "audit_chain")
def audit_entry_deleted(ctx: Ctx) -> None:
    data = (ctx.folder / "audit_log.jsonl").read_bytes().splitlines(keepends=True)
    (ctx.folder / "audit_log.jsonl").write_bytes(b"".join(data[:3] + data[4:]))
    rehash(ctx)


@case(1, "audit_chain")
def audit_entries_swapped(ctx: Ctx) -> None:
    data = (ctx.folder / "audit_log.jsonl").read_bytes().splitlines(keepends=True)
    data[2], data[3] = data[3], data[2]
    (ctx.folder / "audit_log.jsonl").write_bytes(b"".join(data))
    rehash(ctx)


@case(1, "signature")
def audit_count_hash_edited_chain_rebuilt(ctx: Ctx) -> None:
    def edit(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if entry["kind"] == "tally.counted":
                entry["data"]["result_sha256"] = "55" * 32

    edit_audit(ctx, edit)
    rehash(ctx)


@case(1, "audit_chain")
def audit_entry_time_edited(ctx: Ctx) -> None:
    entries = lines(ctx, "audit_log.jsonl")
    entries[4]["time"] = "2026-11-28T00:59:59.000Z"
    write_lines(ctx, "audit_log.jsonl", entries)
    rehash(ctx)


@case(1, "audit_chain")
def audit_entry_seal_replaced(ctx: Ctx) -> None:
    """The seal (a digest of the entry's private part) is covered by the entry hash."""
    entries = lines(ctx, "audit_log.jsonl")
    entries[0]["sealed"] = "66" * 32
    write_lines(ctx, "audit_log.jsonl", entries)
    rehash(ctx)


@case(1, "result_commitment")
def audit_count_kind_renamed_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)

    def rename(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if entry["kind"] == "tally.counted":
                entry["kind"] = "tally.recounted"

    edit_audit(ctx, rename)
    rehash(ctx, keys, manifest=with_keys(keys))


@case(1, "audit_chain")
def audit_unknown_entry_field(ctx: Ctx) -> None:
    entries = lines(ctx, "audit_log.jsonl")
    entries[0]["actor"] = "admin"
    write_lines(ctx, "audit_log.jsonl", entries)
    rehash(ctx)


@case(1, "policy_commitment")
def audit_policy_records_removed_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    edit_audit(
        ctx, lambda es: es.__setitem__(slice(None), [e for e in es if "policy" not in e["data"]])
    )
    rehash(ctx, keys, manifest=with_keys(keys))


@case(1, "result_commitment")
def audit_count_records_removed_fresh_keys(ctx: Ctx) -> None:
    keys = fresh_keys(ctx)
    edit_audit(
        ctx, lambda es: es.__setitem__(slice(None), [e for e in es if e["kind"] != "tally.counted"])
    )
    rehash(ctx, keys, manifest=with_keys(keys))


@case(1, "audit_head")
def audit_tail_cut(ctx: Ctx) -> None:
    data = (ctx.folder / "audit_log.jsonl").read_bytes().splitlines(keepends=True)
    (ctx.folder / "audit_log.jsonl").write_bytes(b"".join(data[:-1]))
    m = read(ctx, "manifest.json")
    m["files"]["audit_log.jsonl"] = sha256_hex((ctx.folder / "audit_log.jsonl").read_bytes())
    write(ctx, "manifest.json", m)
    t = read(ctx, "tally.json")
    t["body"]["manifest_hash"] = sha256_hex((ctx.folder / "manifest.json").read_bytes())
    write(ctx, "tally.json", t)


@case(1, "files")
def audit_line_not_canonical(ctx: Ctx) -> None:
    data = (ctx.folder / "audit_log.jsonl").read_bytes()
    (ctx.folder / "audit_log.jsonl").write_bytes(data.replace(b'{"data":', b'{ "data":', 1))
    rehash(ctx)


@case(2, "files")
def audit_line_split_by_a_carriage_return(ctx: Ctx) -> None:
    data = (ctx.folder / "audit_log.jsonl").read_bytes()
    (ctx.folder / "audit_log.jsonl").write_bytes(data.replace(b',"hash":', b',\r"hash":', 1))


# --- files, folders and zips -----------------------------------------------------------


@case(2, "files")
def file_tally_missing(ctx: Ctx) -> None:
    (ctx.folder / "tally.json").unlink()


@case(2, "files")
def file_manifest_is_a_symlink(ctx: Ctx) -> None:
    outside = ctx.scratch / "elsewhere.json"
    outside.write_bytes((ctx.folder / "manifest.json").read_bytes())
    (ctx.folder / "manifest.json").unlink()
    (ctx.folder / "manifest.json").symlink_to(outside)


@case(2, "files")
def file_cvrs_symlink_to_dev_zero(ctx: Ctx) -> None:
    (ctx.folder / "cvrs.jsonl").unlink()
    (ctx.folder / "cvrs.jsonl").symlink_to("/dev/zero")


@case(2, "files")
def file_audit_log_is_a_fifo(ctx: Ctx) -> None:
    (ctx.folder / "audit_log.jsonl").unlink()
    os.mkfifo(ctx.folder / "audit_log.jsonl")


@case(2, "files")
def file_cvrs_huge_sparse(ctx: Ctx) -> None:
    with open(ctx.folder / "cvrs.jsonl", "r+b") as handle:
        handle.truncate(8 << 30)


@case(2, "files")
def bundle_folder_is_a_symlink(ctx: Ctx) -> Path:
    link = ctx.scratch / "link"
    link.symlink_to(ctx.folder)
    return link


@case(2, "files")
def zip_entry_with_dotdot(ctx: Ctx) -> Path:
    return zip_of(ctx, [*members(ctx)[:3], ("../tally.json", members(ctx)[3][1])])


@case(2, "files")
def zip_entry_absolute(ctx: Ctx) -> Path:
    return zip_of(ctx, [*members(ctx)[:3], ("/tmp/tally.json", members(ctx)[3][1])])


@case(2, "files")
def zip_duplicate_names(ctx: Ctx) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zip_of(ctx, [*members(ctx), ("tally.json", b"{}")])


@case(2, "files")
def zip_extra_entry(ctx: Ctx) -> Path:
    return zip_of(ctx, [*members(ctx), ("README.txt", "서명된 결과입니다".encode())])


@case(2, "files")
def zip_too_many_entries(ctx: Ctx) -> Path:
    return zip_of(ctx, [*members(ctx), *((f"pad/{i}.txt", b"") for i in range(5000))])


@case(2, "files")
def zip_decompression_bomb(ctx: Ctx) -> Path:
    """cvrs.jsonl inflates to 320 MiB of spaces (over its cap) from about 300 KiB."""
    path = ctx.scratch / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(ctx):
            if name != "cvrs.jsonl":
                archive.writestr(name, data)
        with archive.open("cvrs.jsonl", "w", force_zip64=False) as handle:
            chunk = b" " * (1 << 20)
            for _ in range(320):
                handle.write(chunk)
    return path


@case(2, "files")
def zip_member_compressed_with_bzip2(ctx: Ctx) -> Path:
    path = ctx.scratch / "bz.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for name, data in members(ctx):
            archive.writestr(name, data)
    return path


@case(2, "files")
def zip_folder_name_in_nfd(ctx: Ctx) -> Path:
    folder = unicodedata.normalize("NFD", "성산1동")
    return zip_of(ctx, [(f"{folder}/{name}", data) for name, data in members(ctx)])


@case(2, "files")
def zip_homoglyph_file_name(ctx: Ctx) -> Path:
    entries = members(ctx)
    entries[0] = ("manifest.js\u03bfn", entries[0][1])  # Greek omicron
    return zip_of(ctx, entries)


@case(2, "files")
def zip_trailing_data(ctx: Ctx) -> Path:
    path = zip_of(ctx, members(ctx))
    with open(path, "ab") as handle:
        handle.write(b"PK\x05\x06" + b"\x00" * 40)
    return path


@case(2, "files")
def zip_symlink_entry(ctx: Ctx) -> Path:
    path = ctx.scratch / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members(ctx)[:3]:
            archive.writestr(name, data)
        info = zipfile.ZipInfo("tally.json")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    return path


@case(2, "files")
def zip_two_folders(ctx: Ctx) -> Path:
    entries = members(ctx)
    return zip_of(
        ctx, [(f"a/{n}", d) for n, d in entries[:2]] + [(f"b/{n}", d) for n, d in entries[2:]]
    )


@case(2, "files")
def zip_truncated(ctx: Ctx) -> Path:
    path = zip_of(ctx, members(ctx))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
