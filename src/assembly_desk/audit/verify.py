"""Verify a signed tally bundle: every check an independent auditor would make.

:func:`verify_bundle` returns a :class:`VerifyReport`: a list of named checks, in
this order (a check with a subject, e.g. one per signature or contest, may repeat):

1. ``files``              the four files are regular, within the size caps, strict
                          canonical JSON, shaped as v1, with no unknown field
2. ``manifest_hash``      SHA-256 of manifest.json equals ``body.manifest_hash``
3. ``signature``          each signature record (valid / invalid / unknown key / ...)
4. ``policy``             the policy is not empty or weak, and is met (names what lacks)
5. ``cvr_file``           cvrs.jsonl hash (manifest and tally), ids 32 hex, sorted, unique
6. ``cvr_contests``       every CVR names a contest of the manifest
7. ``recount``            per contest: counting.count reproduces the signed result exactly
8. ``turnout``            counted <= issued <= checked in, per contest
9. ``seeds``              each revealed tie-break seed matches its commitment
10. ``audit_chain``       audit_log.jsonl hash and hash chain (``audit_since``: with ``since``)
11. ``audit_head``        ``body.audit_head`` equals the chain head
12. ``policy_commitment`` the manifest's policy and keys equal what the chain recorded
                          before each contest's first count
13. ``result_commitment`` each signed result hashes to what the chain logged at counting
14. ``identities``        only with trust anchors: the signers are exactly those keys

Without trust anchors the report carries ``identities_checked = False`` and the signers'
fingerprints, which every rendering shows. If check 1 fails nothing else can be judged
and the report ends there. Exit code: 0 valid, 1 invalid, 2 unreadable (missing file,
not a regular file, over a size cap, broken zip, malformed JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle_schema import SchemaError
from assembly_desk.audit.verify_checks import (
    check_audit,
    check_cvr_contests,
    check_cvr_file,
    check_manifest_hash,
    check_seeds,
    check_signatures,
    check_turnout,
)
from assembly_desk.audit.verify_commit import (
    TrustAnchor,
    TrustError,
    check_identities,
    check_policy_commitment,
    check_result_commitment,
    parse_trust,
    signer_identities,
)
from assembly_desk.audit.verify_parse import Parsed, parse_bundle
from assembly_desk.audit.verify_read import LIMITS, BundleUnreadable, Limits, read_bundle_files
from assembly_desk.audit.verify_recount import check_recounts, first_difference
from assembly_desk.audit.verify_report import (
    EXIT_INVALID,
    EXIT_UNREADABLE,
    EXIT_VALID,
    Check,
    Msg,
    SignerIdentity,
    VerifyReport,
    render_report,
)
from assembly_desk.audit.verify_rules import check_rules_commitment

__all__ = [
    "EXIT_INVALID",
    "EXIT_UNREADABLE",
    "EXIT_VALID",
    "Check",
    "SignerIdentity",
    "TrustAnchor",
    "TrustError",
    "VerifyReport",
    "first_difference",
    "parse_trust",
    "render_report",
    "verify_bundle",
]


def verify_bundle(
    path: str | Path,
    since_head: str | None = None,
    trust: Sequence[TrustAnchor] | None = None,
    limits: Limits = LIMITS,
) -> VerifyReport:
    """Run every check on the bundle folder or zip at ``path``; never raises for bad input.

    ``trust``: keys obtained outside the bundle (see :func:`parse_trust`); when given,
    the signers must be exactly these. ``limits``: the size caps for reading.
    """
    source = str(path)
    try:
        files = read_bundle_files(path, limits)
        parsed = parse_bundle(files.raw)
    except BundleUnreadable as error:
        params: dict[str, Any] = {"reason": str(error)}
        return VerifyReport(
            source, [Check("files", False, "verify.files.unreadable", params)], True
        )
    except SchemaError as error:
        params = {"reason": str(error)}
        return VerifyReport(source, [Check("files", False, "verify.files.schema", params)])
    except Exception as error:  # an unforeseen shape: report it, never a traceback or a pass
        params = {"reason": f"{type(error).__name__}: {error}"}
        return VerifyReport(source, [Check("files", False, "verify.internal_error", params)], True)
    params = {
        "kind": Msg("verify.kind.zip" if files.is_zip else "verify.kind.folder"),
        "cvrs": len(parsed.ids),
        "entries": len(parsed.audit),
        "signatures": len(parsed.tally["signatures"]),
    }
    checks = [Check("files", True, "verify.files.ok", params)]
    steps: list[tuple[str, Callable[[], list[Check]]]] = [
        ("manifest_hash", lambda: [check_manifest_hash(parsed)]),
        ("policy", lambda: check_signatures(parsed)),
        ("cvr_file", lambda: [check_cvr_file(parsed)]),
        ("cvr_contests", lambda: [check_cvr_contests(parsed)]),
        ("recount", lambda: check_recounts(parsed)),
        ("turnout", lambda: [check_turnout(parsed)]),
        ("seeds", lambda: [check_seeds(parsed)]),
        ("audit_chain", lambda: check_audit(parsed, since_head)),
        ("policy_commitment", lambda: check_policy_commitment(parsed)),
        ("result_commitment", lambda: check_result_commitment(parsed)),
        ("rules_commitment", lambda: check_rules_commitment(parsed)),
    ]
    if trust is not None:
        anchors = list(trust)
        steps.append(("identities", lambda: [check_identities(parsed, anchors)]))
    for name, step in steps:
        checks.extend(_guarded(name, step))
    return VerifyReport(
        source,
        checks,
        identities_checked=trust is not None,
        signers=_identities(parsed, trust),
    )


def _guarded(name: str, step: Callable[[], list[Check]]) -> list[Check]:
    """A bug or an unforeseen shape is reported as a failed check, never as a pass."""
    try:
        return step()
    except Exception as error:
        params = {"reason": f"{type(error).__name__}: {error}"}
        return [Check(name, False, "verify.internal_error", params)]


def _identities(parsed: Parsed, trust: Sequence[TrustAnchor] | None) -> list[SignerIdentity]:
    try:
        return signer_identities(parsed.manifest, trust)
    except (KeyError, TypeError):
        return []
