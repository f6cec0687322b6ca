"""What ties a bundle to the assembly: its own audit chain, and keys trusted from outside.

A bundle is self-contained, so whoever holds it can change ballots, recount, and sign
again with fresh keys under the same names: every internal check then passes. Two
things stop that:

* **The chain as commitment.** The signature policy, with every signer's key, is
  recorded in the audit chain when it is set up (:data:`signing.POLICY_EVENTS`), and
  each count logs the hash of its result (:data:`signing.COUNT_EVENT`). The manifest's
  policy must equal the policy recorded last before the contest's *first* count (keys
  registered after anyone knew a result do not count), and the signed result must hash
  to what the *last* count logged. Rewriting that history means rewriting the chain,
  which changes every hash after the edit: a head published earlier (``--since``, the
  minutes) then no longer appears.
* **Trust anchors.** ``--trust KEYFILE|FINGERPRINT``: the manifest's signers must be
  exactly the keys the auditor obtained elsewhere (the printed minutes, the notice
  board). Without anchors the report says the identities were not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle_schema import is_hex
from assembly_desk.audit.canonical import CanonicalizationError, canonical_hash
from assembly_desk.audit.keys import PublicKeyInfo, fingerprint
from assembly_desk.audit.signing import (
    COUNT_EVENT,
    POLICY_EVENTS,
    SignaturePolicy,
    policy_shape_problem,
)
from assembly_desk.audit.verify_parse import Parsed
from assembly_desk.audit.verify_read import BundleUnreadable, read_small_file
from assembly_desk.audit.verify_report import Check, Msg, SignerIdentity

__all__ = [
    "TrustAnchor",
    "TrustError",
    "check_identities",
    "check_policy_commitment",
    "check_result_commitment",
    "committed_policy",
    "parse_trust",
    "signer_identities",
]


class TrustError(ValueError):
    """A ``--trust`` value is neither a fingerprint, a public key nor a readable key file."""


@dataclass(frozen=True, slots=True)
class TrustAnchor:
    """One key the auditor trusts, by fingerprint; ``given`` is what they typed."""

    fingerprint: str
    given: str


_SEPARATORS = re.compile(r"[\s:\-]")


def _grouped(hex32: str) -> str:
    return "-".join(hex32[i : i + 4] for i in range(0, 32, 4))


def parse_trust(value: str) -> TrustAnchor:
    """A fingerprint (``3f2a-9c01-…``, any case, dashes optional), a 64-hex public key,
    or a ``.pub.json`` key file as written by ``assembly-desk keys create``."""
    text = value.strip()
    compact = _SEPARATORS.sub("", text).lower()
    if re.fullmatch(r"[0-9a-f]{32}", compact):
        return TrustAnchor(_grouped(compact), value)
    if re.fullmatch(r"[0-9a-f]{64}", compact):
        return TrustAnchor(fingerprint(compact), value)
    path = Path(text)
    try:
        data = json.loads(read_small_file(path).decode("utf-8"))
        info = PublicKeyInfo.from_dict(data)
    except BundleUnreadable as error:
        raise TrustError(f"{value}: {error.problem}") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise TrustError(f"{value}: not a public key file ({error})") from None
    return TrustAnchor(info.fingerprint, value)


def signer_identities(
    manifest: Mapping[str, Any] | None, anchors: Sequence[TrustAnchor] | None
) -> list[SignerIdentity]:
    """The manifest's signers, each marked trusted or not (None without anchors)."""
    if manifest is None:
        return []
    trusted = None if anchors is None else {a.fingerprint for a in anchors}
    out = []
    for item in manifest["policy"]["signers"]:
        mark = None if trusted is None else item["fingerprint"] in trusted
        out.append(SignerIdentity(item["name"], item["role"], item["fingerprint"], mark))
    return out


def check_identities(p: Parsed, anchors: Sequence[TrustAnchor]) -> Check:
    """The signers the policy allows must be exactly the trusted keys."""
    listed = {item["fingerprint"]: item for item in p.manifest["policy"]["signers"]}
    trusted = {anchor.fingerprint for anchor in anchors}
    problems: list[Msg] = []
    for fp, item in listed.items():
        if fp not in trusted:
            params = {"name": item["name"], "role": item["role"], "fingerprint": fp}
            problems.append(Msg("verify.identities.untrusted", params))
    for fp in sorted(trusted - set(listed)):
        problems.append(Msg("verify.identities.absent", {"fingerprint": fp}))
    if problems:
        return Check("identities", False, "verify.identities.bad", {"problems": problems})
    return Check("identities", True, "verify.identities.ok", {"count": len(trusted)})


# --- the chain as commitment ------------------------------------------------------------


def _first_count(audit: Sequence[Mapping[str, Any]], cid: str) -> int | None:
    for index, entry in enumerate(audit):
        if entry["kind"] == COUNT_EVENT and entry["data"].get("contest_key") == cid:
            return index
    return None


def _last_count(audit: Sequence[Mapping[str, Any]], cid: str) -> int | None:
    for index in range(len(audit) - 1, -1, -1):
        entry = audit[index]
        if entry["kind"] == COUNT_EVENT and entry["data"].get("contest_key") == cid:
            return index
    return None


def _recorded_policy(
    audit: Sequence[Mapping[str, Any]], before: int, assembly: Any
) -> Mapping[str, Any] | None:
    """The last policy event of this assembly before entry ``before``."""
    for index in range(before - 1, -1, -1):
        entry = audit[index]
        if entry["kind"] in POLICY_EVENTS and entry["data"].get("assembly") == assembly:
            return entry
    return None


def committed_policy(audit: Sequence[Mapping[str, Any]], cid: str) -> Any:
    """The policy the chain recorded before contest ``cid`` was first counted (or None).

    The same rule verify applies; the export uses it to refuse a bundle that could
    never verify (signers changed after the count) with a message that says why.
    """
    first = _first_count(audit, cid)
    if first is None:
        return None
    event = _recorded_policy(audit, first, audit[first]["data"].get("assembly"))
    return None if event is None else event["data"].get("policy")


def _differences(recorded: Mapping[str, Any], stated: Mapping[str, Any]) -> list[Msg]:
    """How the manifest's policy departs from the recorded one, most serious first."""
    out: list[Msg] = []
    dropped = [r for r in recorded["required_roles"] if r not in stated["required_roles"]]
    for role in dropped:
        out.append(Msg("verify.policy_commitment.role_dropped", {"role": role}))
    if stated["min_witnesses"] < recorded["min_witnesses"]:
        params = {"recorded": recorded["min_witnesses"], "stated": stated["min_witnesses"]}
        out.append(Msg("verify.policy_commitment.fewer_witnesses", params))
    old = {s["fingerprint"]: s for s in recorded["signers"]}
    new = {s["fingerprint"]: s for s in stated["signers"]}
    for fp in new.keys() - old.keys():
        params = {"name": new[fp]["name"], "role": new[fp]["role"], "fingerprint": fp}
        out.append(Msg("verify.policy_commitment.key_added", params))
    for fp in old.keys() - new.keys():
        params = {"name": old[fp]["name"], "role": old[fp]["role"], "fingerprint": fp}
        out.append(Msg("verify.policy_commitment.key_removed", params))
    if not out:
        out.append(Msg("verify.policy_commitment.other_change"))
    return out


def check_policy_commitment(p: Parsed) -> list[Check]:
    """The manifest's policy equals the one the chain recorded before each first count."""
    name = "policy_commitment"
    if not p.audit or not p.chain.ok:
        return [Check(name, False, "verify.commitment.no_chain")]
    stated = p.manifest["policy"]
    failures: list[Check] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        first = _first_count(p.audit, cid)
        if first is None:
            failures.append(
                Check(name, False, "verify.commitment.not_counted", {"contest": cid}, cid)
            )
            continue
        event = _recorded_policy(p.audit, first, p.audit[first]["data"].get("assembly"))
        if event is None:
            failures.append(
                Check(name, False, "verify.policy_commitment.not_recorded", {"contest": cid}, cid)
            )
            continue
        recorded = event["data"].get("policy")
        problem = policy_shape_problem(recorded)
        if problem is not None:
            params = {"contest": cid, "seq": event["seq"], "reason": problem}
            failures.append(Check(name, False, "verify.commitment.bad_record", params, cid))
            continue
        assert isinstance(recorded, Mapping)
        if dict(recorded) != dict(stated):
            params = {
                "contest": cid,
                "seq": event["seq"],
                "changes": _differences(recorded, stated),
            }
            failures.append(Check(name, False, "verify.policy_commitment.differs", params, cid))
    if failures:
        return failures
    policy = SignaturePolicy.from_dict(stated)
    return [Check(name, True, "verify.policy_commitment.ok", {"signers": len(policy.signers)})]


def check_result_commitment(p: Parsed) -> list[Check]:
    """Each signed result hashes to the ``result_sha256`` its last count logged."""
    name = "result_commitment"
    if not p.audit or not p.chain.ok:
        return [Check(name, False, "verify.commitment.no_chain")]
    results = p.tally["body"]["results"]
    failures: list[Check] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        last = _last_count(p.audit, cid)
        if last is None:
            failures.append(
                Check(name, False, "verify.commitment.not_counted", {"contest": cid}, cid)
            )
            continue
        event = p.audit[last]
        logged = event["data"].get("result_sha256")
        if not is_hex(logged, 64):
            params = {"contest": cid, "seq": event["seq"], "reason": "result_sha256 missing"}
            failures.append(Check(name, False, "verify.commitment.bad_record", params, cid))
            continue
        try:
            actual = canonical_hash(results[cid]) if cid in results else None
        except CanonicalizationError:
            actual = None
        if actual != logged:
            params = {
                "contest": cid,
                "seq": event["seq"],
                "logged": logged,
                "actual": actual or "-",
            }
            failures.append(Check(name, False, "verify.result_commitment.differs", params, cid))
    if failures:
        return failures
    return [
        Check(name, True, "verify.result_commitment.ok", {"count": len(p.manifest["contests"])})
    ]
