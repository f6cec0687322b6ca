"""The integrity checks: hashes, signatures and policy, CVR file, turnout, seeds, chain.

Each function takes the :class:`Parsed` bundle and returns one or more named
:class:`Check`; none raises for bad input (the caller reports any bug as a failed
check). The checks that compare the bundle with what its audit chain committed to,
and with trust anchors from outside, are in :mod:`.verify_commit`.
"""

from __future__ import annotations

import operator
import re
from itertools import islice
from typing import Any

from assembly_desk.audit.bundle_schema import AUDIT_FILE, CVR_FILE, MANIFEST_FILE, is_hex
from assembly_desk.audit.canonical import sha256_hex
from assembly_desk.audit.chain import contains_head
from assembly_desk.audit.signing import SignaturePolicy, check_policy
from assembly_desk.audit.verify_parse import Parsed
from assembly_desk.audit.verify_report import Check, Msg
from assembly_desk.counting import seed_commitment

__all__ = [
    "check_audit",
    "check_cvr_contests",
    "check_cvr_file",
    "check_manifest_hash",
    "check_seeds",
    "check_signatures",
    "check_turnout",
    "policy_weakness",
]


def policy_weakness(policy: SignaturePolicy) -> list[Msg]:
    """Why a policy is too weak to mean anything, whatever signatures a bundle carries.

    A policy that requires nobody (no role, no witness) is met by zero signatures, so
    a bundle stripped of its signatures and its policy would verify; each required role
    must also have a key that can sign for it.
    """
    problems: list[Msg] = []
    if not policy.required_roles and policy.min_witnesses == 0:
        problems.append(Msg("verify.policy.empty"))
    if not policy.signers:
        problems.append(Msg("verify.policy.no_signers"))
    for role in policy.required_roles:
        if not any(signer.role == role for signer in policy.signers):
            problems.append(Msg("verify.policy.no_key_for_role", {"role": role}))
    keys = sum(1 for signer in policy.signers if signer.role == policy.witness_role)
    if keys < policy.min_witnesses:
        params = {"role": policy.witness_role, "need": policy.min_witnesses, "have": keys}
        problems.append(Msg("verify.policy.too_few_witness_keys", params))
    return problems


def check_manifest_hash(p: Parsed) -> Check:
    actual = sha256_hex(p.raw[MANIFEST_FILE])
    signed = p.tally["body"]["manifest_hash"]
    if actual == signed:
        return Check("manifest_hash", True, "verify.manifest_hash.ok", {"hash": actual})
    return Check(
        "manifest_hash", False, "verify.manifest_hash.bad", {"signed": signed, "actual": actual}
    )


def check_signatures(p: Parsed) -> list[Check]:
    policy = SignaturePolicy.from_dict(p.manifest["policy"])
    report = check_policy(p.tally["body"], p.tally["signatures"], policy)
    checks: list[Check] = []
    for sig in report.checks:
        params: dict[str, Any] = {
            "signer": sig.signer or "?",
            "role": sig.role or "?",
            "fingerprint": sig.fingerprint or "?",
        }
        subject = str(sig.index)
        if sig.status == "valid":
            checks.append(Check("signature", True, "verify.signature.ok", params, subject))
        else:
            status = Msg("verify.status." + sig.status.replace("-", "_"))
            params |= {"status": status, "reason": sig.reason}
            checks.append(Check("signature", False, "verify.signature.bad", params, subject))
    valid = [
        signer
        for sig in report.checks
        if sig.status == "valid"
        for signer in policy.signers
        if signer.fingerprint == sig.fingerprint
    ]
    roles = {signer.role for signer in valid}
    missing: list[Msg] = []
    for role in policy.required_roles:
        if role not in roles:
            missing.append(Msg("verify.policy.missing_role", {"role": role}))
    witnesses = sum(1 for signer in valid if signer.role == policy.witness_role)
    if witnesses < policy.min_witnesses:
        params = {"role": policy.witness_role, "need": policy.min_witnesses, "have": witnesses}
        missing.append(Msg("verify.policy.missing_witnesses", params))
    missing.extend(policy_weakness(policy))
    if not missing:
        params = {
            "roles": ", ".join(policy.required_roles) or "-",
            "witnesses": witnesses,
            "need": policy.min_witnesses,
        }
        checks.append(Check("policy", True, "verify.policy.ok", params))
    else:
        checks.append(Check("policy", False, "verify.policy.bad", {"missing": missing}))
    return checks


def check_cvr_file(p: Parsed) -> Check:
    actual = sha256_hex(p.raw[CVR_FILE])
    listed = p.manifest["files"][CVR_FILE]
    signed = p.tally["body"]["cvrs_hash"]
    if actual != listed:
        return Check(
            "cvr_file", False, "verify.cvr_file.hash_manifest", {"listed": listed, "actual": actual}
        )
    if actual != signed:
        return Check(
            "cvr_file", False, "verify.cvr_file.hash_tally", {"signed": signed, "actual": actual}
        )
    ids = p.ids
    if not _ids_fine(ids):
        previous = ""
        for number, cvr_id in enumerate(ids, start=1):
            if not is_hex(cvr_id, 32):
                return Check("cvr_file", False, "verify.cvr_file.bad_id", {"line": number})
            if cvr_id == previous:
                return Check("cvr_file", False, "verify.cvr_file.duplicate", {"line": number})
            if cvr_id < previous:
                return Check("cvr_file", False, "verify.cvr_file.unsorted", {"line": number})
            previous = cvr_id
    return Check("cvr_file", True, "verify.cvr_file.ok", {"count": len(ids), "hash": actual})


_HEX_RUN = re.compile(r"[0-9a-f]*")


def _ids_fine(ids: list[str]) -> bool:
    """Every id 32 lowercase hex digits and each greater than the one before, checked in C.

    False sends the caller through the loop that names the first bad line.
    """
    return (
        (not ids or set(map(len, ids)) == {32})
        and _HEX_RUN.fullmatch("".join(ids)) is not None
        and all(map(operator.lt, ids, islice(ids, 1, None)))
    )


def check_cvr_contests(p: Parsed) -> Check:
    known = {c["id"] for c in p.manifest["contests"]}
    per = p.per_contest
    if not per.keys() <= known:
        for number, contest in enumerate(p.contests, start=1):
            if contest not in known:
                return Check(
                    "cvr_contests",
                    False,
                    "verify.cvr_contests.bad",
                    {"line": number, "contest": contest},
                )
    summary = ", ".join(f"{c['id']}={per.get(c['id'], 0)}" for c in p.manifest["contests"])
    return Check("cvr_contests", True, "verify.cvr_contests.ok", {"summary": summary})


def check_turnout(p: Parsed) -> Check:
    counts = p.manifest["counts"]
    checked_in = counts["checked_in"]
    per = p.per_contest
    problems: list[dict[str, Any]] = []
    parts: list[str] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        counted, issued = per.get(cid, 0), counts["issued"][cid]
        parts.append(f"{cid}: {counted} <= {issued} <= {checked_in}")
        if not counted <= issued <= checked_in:
            problems.append(
                {"contest": cid, "counted": counted, "issued": issued, "checked_in": checked_in}
            )
    if problems:
        first = problems[0]
        key = (
            "verify.turnout.over_issued"
            if first["counted"] > first["issued"]
            else "verify.turnout.over_checked_in"
        )
        return Check("turnout", False, key, first, first["contest"])
    return Check("turnout", True, "verify.turnout.ok", {"summary": "; ".join(parts)})


def check_seeds(p: Parsed) -> Check:
    seeds = p.tally["body"]["seeds"]
    known = {c["id"] for c in p.manifest["contests"]}
    revealed = 0
    for contest in p.manifest["contests"]:
        cid, commitment = contest["id"], contest["seed_commitment"]
        seed = seeds.get(cid)
        if commitment is None and seed is not None:
            return Check("seeds", False, "verify.seeds.uncommitted", {"contest": cid}, cid)
        if commitment is not None and seed is None:
            return Check("seeds", False, "verify.seeds.not_revealed", {"contest": cid}, cid)
        if commitment is not None:
            actual = seed_commitment(seed)
            if actual != commitment:
                params = {"contest": cid, "commitment": commitment, "actual": actual}
                return Check("seeds", False, "verify.seeds.mismatch", params, cid)
            revealed += 1
    for cid in sorted(set(seeds) - known):
        return Check("seeds", False, "verify.seeds.unknown", {"contest": cid}, cid)
    return Check("seeds", True, "verify.seeds.ok", {"count": revealed})


def check_audit(p: Parsed, since_head: str | None) -> list[Check]:
    checks: list[Check] = []
    actual = sha256_hex(p.raw[AUDIT_FILE])
    listed = p.manifest["files"][AUDIT_FILE]
    chain = p.chain
    if actual != listed:
        checks.append(
            Check(
                "audit_chain",
                False,
                "verify.audit_chain.hash",
                {"listed": listed, "actual": actual},
            )
        )
    elif not chain.ok:
        checks.append(
            Check("audit_chain", False, "verify.audit_chain.bad", {"reason": chain.reason})
        )
    else:
        checks.append(
            Check(
                "audit_chain",
                True,
                "verify.audit_chain.ok",
                {"count": chain.count, "head": chain.head},
            )
        )
    if since_head is not None:
        if not is_hex(since_head, 64):
            checks.append(
                Check("audit_since", False, "verify.audit_since.bad_hash", {"head": since_head})
            )
        elif chain.ok and contains_head(p.audit, since_head):
            checks.append(Check("audit_since", True, "verify.audit_since.ok", {"head": since_head}))
        else:
            checks.append(
                Check("audit_since", False, "verify.audit_since.missing", {"head": since_head})
            )
    signed = p.tally["body"]["audit_head"]
    if chain.ok and signed == chain.head:
        checks.append(Check("audit_head", True, "verify.audit_head.ok", {"head": signed}))
    else:
        checks.append(
            Check(
                "audit_head",
                False,
                "verify.audit_head.bad",
                {"signed": signed, "actual": chain.head},
            )
        )
    return checks
