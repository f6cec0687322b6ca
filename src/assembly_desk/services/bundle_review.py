"""What the auditor window shows, computed without Qt so it can be tested and reused.

The verifier (:func:`assembly_desk.audit.verify.verify_bundle`) answers *whether* a
bundle holds; an auditor also wants to *see* what was signed: the contests, the rounds
and who signed. :func:`audit` runs the verifier and then reads ``manifest.json`` and
``tally.json`` once more for display. The displayed numbers are the signed claims; the
window says next to each contest whether the recount reproduced them, so a tampered
bundle's figures are never presented as confirmed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle import load_json_file, read_bundle_files
from assembly_desk.audit.bundle_schema import MANIFEST_FILE, TALLY_FILE
from assembly_desk.audit.verify import Check, TrustAnchor, VerifyReport, verify_bundle
from assembly_desk.i18n import t

#: ``verify(path)``, or ``verify(path, trust=anchors)`` when trust anchors are given.
Verifier = Callable[..., VerifyReport]

_FRACTION = re.compile(r"-?[0-9]+/[0-9]+")
_PLACES = 5


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    """One verification: the report plus the parsed files for display (``None`` if unreadable)."""

    path: str
    report: VerifyReport
    manifest: Mapping[str, Any] | None
    tally: Mapping[str, Any] | None
    seconds: float

    @property
    def verdict(self) -> str:
        """``valid``, ``invalid`` or ``unreadable``: the banner's three colours."""
        if self.report.unreadable:
            return "unreadable"
        return "valid" if self.report.ok else "invalid"


def audit(
    path: str | Path,
    verify: Verifier = verify_bundle,
    trust: Sequence[TrustAnchor] | None = None,
) -> AuditOutcome:
    """Verify ``path`` and load what the window displays; meant for a worker thread.

    ``verify`` is a parameter so tests can slow it down and prove the window stays live.
    Display data is read defensively: a bundle that fails its schema still verifies to a
    report, and whatever of it parses is shown. ``trust``: keys the auditor got from
    outside the bundle (the minutes); the signers must then be exactly those.
    """
    started = time.perf_counter()
    report = verify(str(path)) if trust is None else verify(str(path), trust=list(trust))
    manifest: Mapping[str, Any] | None = None
    tally: Mapping[str, Any] | None = None
    if not report.unreadable:
        try:
            raw = read_bundle_files(path).raw
            loaded_manifest = load_json_file(MANIFEST_FILE, raw[MANIFEST_FILE])
            loaded_tally = load_json_file(TALLY_FILE, raw[TALLY_FILE])
        except Exception:  # the report already says what is wrong; show what we can
            pass
        else:
            manifest = loaded_manifest if isinstance(loaded_manifest, Mapping) else None
            tally = loaded_tally if isinstance(loaded_tally, Mapping) else None
    return AuditOutcome(str(path), report, manifest, tally, time.perf_counter() - started)


# --- numbers -----------------------------------------------------------------------------


def number_text(value: Any) -> tuple[str, str | None]:
    """(what a cell shows, the exact value for its tooltip or ``None`` when already exact).

    Results carry fractions as ``"num/den"`` strings (no floats anywhere); a table of
    ``"1234567/100000"`` is unreadable, so they show as decimals to 5 places (the STV
    transfer precision) while the tooltip keeps the exact value.
    """
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value).lower(), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, str) and _FRACTION.fullmatch(value):
        num, den = value.split("/")
        if int(den) == 0:
            return value, None
        return decimal_text(Fraction(int(num), int(den))), value
    return str(value), None


def decimal_text(value: Fraction) -> str:
    """``value`` rounded to 5 decimal places, computed exactly (no float on the way)."""
    scaled = round(value * 10**_PLACES)
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**_PLACES)
    return f"{sign}{whole}.{part:0{_PLACES}d}"


# --- names -------------------------------------------------------------------------------


def contest_titles(manifest: Mapping[str, Any] | None) -> dict[str, str]:
    """Contest id -> title as printed on the ballot (the id when there is no title)."""
    titles: dict[str, str] = {}
    for contest in _contests(manifest):
        cid = contest.get("id")
        if isinstance(cid, str):
            title = contest.get("title")
            titles[cid] = title if isinstance(title, str) and title else cid
    return titles


def role_text(role: str | None) -> str:
    """Chair and witness in words; any other role as written in the file."""
    if role in ("chair", "witness"):
        return t(f"gui.auditor.role.{role}")
    return role or "?"


def method_text(method: str | None) -> str:
    key = f"gui.auditor.method.{(method or '').replace('-', '_')}"
    text = t(key)
    return f"{text} ({method})" if text != key else (method or "?")


def option_text(name: str) -> str:
    """Yes/no tallies are keyed ``yes``/``no``/``abstain``: show 찬성/반대/기권."""
    if name in ("yes", "no", "abstain"):
        return t(f"gui.auditor.vote.{name}")
    return name


def check_title(check: Check, manifest: Mapping[str, Any] | None, tally: Any = None) -> str:
    """A check's name in plain words, with its subject: "재개표: 동장 후보 선호 투표"."""
    key = f"gui.auditor.check.{check.name}"
    title = t(key)
    if title == key:
        title = check.name
    if check.subject is None:
        return title
    if check.name == "signature":
        signer = str(check.params.get("signer", "?"))
        role = role_text(str(check.params.get("role", "")) or None)
        return t("gui.auditor.check.signature_of", signer=signer, role=role)
    subject = contest_titles(manifest).get(check.subject, check.subject)
    return t("gui.auditor.check.with_subject", check=title, subject=subject)


def verdict_reason(outcome: AuditOutcome) -> str:
    """The banner's one line: how many checks passed, or which failed (details are below).

    Only names, not details: a failed hash check's detail holds two 64-digit hashes,
    which would turn the one-line verdict into a paragraph.
    """
    report = outcome.report
    if outcome.verdict == "valid":
        return t("gui.auditor.reason.valid", count=len(report.checks))
    first = report.failures[0] if report.failures else None
    if first is None:
        return t("gui.auditor.reason.empty")
    if outcome.verdict == "unreadable":
        return first.detail()
    names = [check_title(check, outcome.manifest) for check in report.failures]
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return t(
        "gui.auditor.reason.invalid",
        failed=len(report.failures),
        count=len(report.checks),
        names=shown,
    )


# --- contests and signers --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContestView:
    """One contest as signed, and whether the independent recount reproduced it."""

    id: str
    title: str
    method: str
    result: Mapping[str, Any]
    recount: Check | None


def contest_views(outcome: AuditOutcome) -> list[ContestView]:
    """Contests in ballot-paper order (the manifest's), then any extra signed results."""
    results = _results(outcome.tally)
    recounts = {c.subject: c for c in outcome.report.checks if c.name == "recount"}
    titles = contest_titles(outcome.manifest)
    order = [c["id"] for c in _contests(outcome.manifest) if isinstance(c.get("id"), str)]
    order += [cid for cid in results if cid not in order]
    views: list[ContestView] = []
    for cid in order:
        result = results.get(cid)
        if not isinstance(result, Mapping):
            continue
        method = result.get("method")
        views.append(
            ContestView(
                cid,
                titles.get(cid, cid),
                method if isinstance(method, str) else "?",
                result,
                recounts.get(cid),
            )
        )
    return views


@dataclass(frozen=True, slots=True)
class SignerRow:
    """A signer allowed by the policy (or a stray signature record) and what became of it."""

    name: str
    role: str
    fingerprint: str
    status: str  # "valid", "bad", "missing" (allowed but did not sign) or "unchecked"
    detail: str = ""

    def status_text(self) -> str:
        text = t(f"gui.auditor.signer.{self.status}")
        return f"{text} — {self.detail}" if self.detail else text


def signer_rows(outcome: AuditOutcome) -> list[SignerRow]:
    """Every key in the policy with its signature status; unknown signers are appended."""
    policy = outcome.manifest.get("policy") if outcome.manifest else None
    allowed = policy.get("signers", []) if isinstance(policy, Mapping) else []
    records = outcome.tally.get("signatures", []) if outcome.tally else []
    records = records if isinstance(records, Sequence) else []
    checks = {c.subject: c for c in outcome.report.checks if c.name == "signature"}
    checked = bool(checks)
    used: set[int] = set()
    rows: list[SignerRow] = []
    for signer in allowed:
        if not isinstance(signer, Mapping):
            continue
        fp = str(signer.get("fingerprint", ""))
        mine = [
            i
            for i, r in enumerate(records)
            if isinstance(r, Mapping)
            and (r.get("fingerprint") == fp or r.get("public_key") == signer.get("public_key"))
        ]
        used.update(mine)
        status, detail = "missing", ""
        if mine and not checked:
            status = "unchecked"
        elif mine:
            found = [checks.get(str(i)) for i in mine]
            if any(c is not None and c.ok for c in found):
                status = "valid"
            else:
                status, detail = "bad", _bad_detail(next((c for c in found if c), None))
        rows.append(
            SignerRow(
                str(signer.get("name", "?")), str(signer.get("role", "?")), fp, status, detail
            )
        )
    for i, record in enumerate(records):
        if i in used or not isinstance(record, Mapping):
            continue
        check = checks.get(str(i))
        if check is None:
            status, detail = "unchecked", ""
        elif check.ok:
            status, detail = "valid", ""
        else:
            status, detail = "bad", _bad_detail(check)
        rows.append(
            SignerRow(
                str(record.get("signer", "?")),
                str(record.get("role", "?")),
                str(record.get("fingerprint", "")),
                status,
                detail,
            )
        )
    return rows


def policy_text(manifest: Mapping[str, Any] | None) -> str:
    """The signature policy in a sentence: "필수: 의장 · 참관인 최소 1명"."""
    policy = manifest.get("policy") if manifest else None
    if not isinstance(policy, Mapping):
        return ""
    roles = policy.get("required_roles") or []
    required = ", ".join(role_text(str(r)) for r in roles) or "-"
    return t(
        "gui.auditor.signers.policy",
        roles=required,
        witness=role_text(str(policy.get("witness_role", "witness"))),
        need=policy.get("min_witnesses", 0),
    )


def _bad_detail(check: Check | None) -> str:
    if check is None:
        return ""
    status = check.params.get("status")
    key = getattr(status, "key", None)
    text = t(key) if isinstance(key, str) else ""
    reason = str(check.params.get("reason", "") or "")
    return " — ".join(part for part in (text, reason) if part)


def _contests(manifest: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    contests = manifest.get("contests") if manifest else None
    if not isinstance(contests, list):
        return []
    return [c for c in contests if isinstance(c, Mapping)]


def _results(tally: Mapping[str, Any] | None) -> Mapping[str, Any]:
    body = tally.get("body") if tally else None
    results = body.get("results") if isinstance(body, Mapping) else None
    return results if isinstance(results, Mapping) else {}
