"""The verifier's report: named checks, the verdict, and whose keys were trusted.

Kept apart from the checks so the command line, ``--json`` and the auditor's window
render one and the same object. Messages come from the i18n catalogue (``verify.*``),
Korean or English. A bundle's signer identities are part of the report, not a check,
when no trust anchor was given: the bundle can then be internally consistent (VALID)
while nothing ties its keys to the people named, and the report says so in every form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assembly_desk.i18n import t

__all__ = [
    "EXIT_INVALID",
    "EXIT_UNREADABLE",
    "EXIT_VALID",
    "Check",
    "Msg",
    "SignerIdentity",
    "VerifyReport",
    "render_report",
]

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True, slots=True)
class Msg:
    """A catalogue message used inside another check's detail (rendered per language)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _render(value: Any, lang: str | None) -> Any:
    if isinstance(value, Msg):
        return t(value.key, lang, **value.params)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return "; ".join(t(v.key, lang, **v.params) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Check:
    """One named check; ``detail`` is rendered from a catalogue key in either language."""

    name: str
    ok: bool
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    subject: str | None = None

    def detail(self, lang: str | None = None) -> str:
        params = {name: _render(value, lang) for name, value in self.params.items()}
        return t(self.key, lang, **params)

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "ok": self.ok, "detail": self.detail(lang)}
        if self.subject is not None:
            out["subject"] = self.subject
        return out


@dataclass(frozen=True, slots=True)
class SignerIdentity:
    """One signer listed in the manifest, with the fingerprint to compare in the minutes.

    ``trusted``: None when no trust anchor was given (identity not checked), else
    whether this key is one of the trusted keys.
    """

    name: str
    role: str
    fingerprint: str
    trusted: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "fingerprint": self.fingerprint,
            "trusted": self.trusted,
        }


@dataclass(slots=True)
class VerifyReport:
    """All checks of one bundle, in order; ``unreadable`` when the files could not be read.

    ``identities_checked``: trust anchors were given and the ``identities`` check
    compared the signers with them. ``signers``: the manifest's signers, for the
    fingerprints to be read out against the printed minutes.
    """

    source: str
    checks: list[Check]
    unreadable: bool = False
    identities_checked: bool = False
    signers: list[SignerIdentity] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unreadable and bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return EXIT_UNREADABLE
        return EXIT_VALID if self.ok else EXIT_INVALID

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        key = (
            "verify.identities.checked"
            if self.identities_checked
            else ("verify.identities.unchecked")
        )
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "bundle": self.source,
            "checks": [check.to_dict(lang) for check in self.checks],
            "identities": {
                "checked": self.identities_checked,
                "note": t(key, lang),
                "signers": [signer.to_dict() for signer in self.signers],
            },
        }


_NAME_KEYS = {
    name: f"verify.name.{name}"
    for name in (
        "files",
        "manifest_hash",
        "signature",
        "policy",
        "cvr_file",
        "cvr_contests",
        "recount",
        "turnout",
        "seeds",
        "audit_chain",
        "audit_since",
        "audit_head",
        "policy_commitment",
        "result_commitment",
        "identities",
    )
}


def render_report(report: VerifyReport, lang: str | None = None) -> str:
    """The human report: each check with ✓/✗ and what failed, then the verdict."""
    lines = [t("verify.title", lang, bundle=report.source)]
    for check in report.checks:
        mark = "✓" if check.ok else "✗"
        title = t(_NAME_KEYS.get(check.name, check.name), lang)
        lines.append(f"  {mark} {title}: {check.detail(lang)}")
    if not report.unreadable:
        lines.extend(_identity_lines(report, lang))
    if report.unreadable:
        lines.append(t("verify.verdict.unreadable", lang))
    elif report.ok:
        lines.append(t("verify.verdict.valid", lang))
    else:
        lines.append(t("verify.verdict.invalid", lang, failed=len(report.failures)))
    return "\n".join(lines)


def _identity_lines(report: VerifyReport, lang: str | None) -> list[str]:
    """Whether the signers' keys were checked against trusted ones, and their fingerprints."""
    if report.identities_checked:
        lines = [t("verify.identities.checked", lang)]
    else:
        lines = ["  ! " + t("verify.identities.unchecked", lang)]
    for signer in report.signers:
        lines.append(
            "      "
            + t(
                "verify.identities.signer",
                lang,
                role=signer.role,
                name=signer.name,
                fingerprint=signer.fingerprint,
            )
        )
    return lines
