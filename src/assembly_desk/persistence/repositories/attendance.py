"""The live counts behind the status page: roll and check-ins grouped, three cheap queries."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select

from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


class RollGroup(NamedTuple):
    category: str
    eligible: bool
    people: int


def roll_groups(uow: UnitOfWork, assembly_id: int) -> list[RollGroup]:
    """How many people per (category, eligible)."""
    rows = uow.session.execute(
        select(PersonRow.category, PersonRow.eligible, func.count())
        .where(PersonRow.assembly_id == assembly_id)
        .group_by(PersonRow.category, PersonRow.eligible)
    ).all()
    return [RollGroup(category, bool(eligible), int(n)) for category, eligible, n in rows]


def present_by_category(uow: UnitOfWork, assembly_id: int) -> dict[str, int]:
    """Eligible people checked in, per category."""
    rows = uow.session.execute(
        select(PersonRow.category, func.count())
        .select_from(CheckInRow)
        .join(PersonRow, PersonRow.id == CheckInRow.person_id)
        .where(CheckInRow.assembly_id == assembly_id, PersonRow.eligible.is_(True))
        .group_by(PersonRow.category)
    ).all()
    return {category: int(n) for category, n in rows}


def per_desk(uow: UnitOfWork, assembly_id: int) -> dict[str, int]:
    """Check-ins recorded at each desk (eligible or not)."""
    rows = uow.session.execute(
        select(CheckInRow.desk, func.count())
        .where(CheckInRow.assembly_id == assembly_id)
        .group_by(CheckInRow.desk)
    ).all()
    return {desk: int(n) for desk, n in rows}
