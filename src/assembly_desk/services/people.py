"""How a person is shown at a desk: enough to tell two 김민수 apart, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assembly_desk.domain.assembly import Assembly, Category
from assembly_desk.domain.eligibility import age_on
from assembly_desk.i18n import t
from assembly_desk.persistence.models import PersonRow


@dataclass(frozen=True, slots=True)
class PersonView:
    """A roll entry for display. Birth shows as year and month; the phone as its last four."""

    id: int
    name: str
    birth_date: date
    category: Category
    tong: str
    ban: str
    phone_last4: str
    eligible: bool
    reason_key: str
    reason_params: dict[str, str]

    def birth_hint(self) -> str:
        return f"{self.birth_date.year}.{self.birth_date.month:02d}"

    def place_hint(self) -> str:
        parts = []
        if self.tong:
            parts.append(f"{self.tong}{t('unit.tong')}")
        if self.ban:
            parts.append(f"{self.ban}{t('unit.ban')}")
        return " ".join(parts)

    def reason(self, lang: str | None = None) -> str:
        return t(self.reason_key, lang, **self.reason_params) if self.reason_key else ""


def reason_params(row: PersonRow, assembly: Assembly) -> dict[str, str]:
    """Fill in the numbers a reason message quotes (age, minimum age, category)."""
    return {
        "age": str(age_on(row.birth_date, assembly.held_on)),
        "min_age": str(assembly.rules.min_age),
        "category": t(f"category.{row.category}"),
    }


def view(row: PersonRow, assembly: Assembly) -> PersonView:
    return PersonView(
        id=row.id,
        name=row.name,
        birth_date=row.birth_date,
        category=Category(row.category),
        tong=row.tong,
        ban=row.ban,
        phone_last4=row.phone_last4,
        eligible=row.eligible,
        reason_key=row.ineligible_reason,
        reason_params=reason_params(row, assembly) if row.ineligible_reason else {},
    )
