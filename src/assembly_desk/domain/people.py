"""A person on the roll, as the desk sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from assembly_desk.domain.assembly import Category


@dataclass(frozen=True, slots=True)
class Person:
    """A roll entry. Never holds a 주민등록번호; the phone is kept only as its last four digits."""

    id: int
    name: str
    birth_date: date
    category: Category
    card_code: str
    address: str = ""
    tong: str = ""
    ban: str = ""
    phone_last4: str = ""
    eligible: bool = True
    ineligible_reason: str = ""
    guardian_consent: bool = False


@dataclass(frozen=True, slots=True)
class CheckIn:
    """When and where a person was checked in."""

    person_id: int
    at: datetime
    desk: str
