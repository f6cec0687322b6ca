"""Small builders for service tests: people registered through the real walk-in service."""

from __future__ import annotations

from datetime import date

from assembly_desk.domain.assembly import Category
from assembly_desk.services import roll
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW


def add_person(
    db: Database,
    assembly_id: int,
    name: str,
    birth: date = date(1980, 3, 15),
    category: Category = Category.RESIDENT,
    phone: str = "010-1234-5678",
    address: str = "",
    tong: str = "3",
    ban: str = "2",
    guardian_consent: bool = False,
) -> roll.Registration:
    form = roll.WalkIn(
        name=name,
        birth_date=birth,
        category=category,
        address=address or f"성산동 {name}",
        tong=tong,
        ban=ban,
        phone=phone,
        guardian_consent=guardian_consent,
    )
    with db.uow() as uow:
        return roll.register_walk_in(uow, assembly_id, form, "desk-1", FIXED_NOW)
