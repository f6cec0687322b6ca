"""Eligibility: a verdict with its reason, the same at import, at the desk and at the station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assembly_desk.domain.assembly import Category, EligibilityRules


def age_on(birth: date, day: date) -> int:
    """Age in full years (만 나이) on ``day``; a 29 February birthday counts from 1 March."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


@dataclass(frozen=True, slots=True)
class Verdict:
    """``eligible`` with a catalogue key for the reason when not (or when consent is needed)."""

    eligible: bool
    reason: str = ""
    needs_guardian_consent: bool = False


def judge(
    rules: EligibilityRules,
    birth: date,
    category: Category,
    on: date,
    guardian_consent: bool = False,
) -> Verdict:
    """Decide eligibility on the assembly date; the first failing rule is the reason."""
    if category not in rules.allowed:
        return Verdict(False, "reason.category")
    age = age_on(birth, on)
    if age < 0:
        return Verdict(False, "reason.birth_future")
    if age < rules.min_age:
        return Verdict(False, "reason.age")
    # Consent is its own range above the minimum age (``rules.consent_under``), so a
    # 13-year-old with consent takes part when the rules say "from 12, consent under 14".
    if rules.needs_consent(age) and not guardian_consent:
        return Verdict(False, "reason.guardian", needs_guardian_consent=True)
    return Verdict(True)
