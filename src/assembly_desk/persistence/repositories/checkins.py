"""Check-ins as stored: at most one per (assembly, person), which the database enforces.

``UNIQUE(assembly_id, person_id)`` decides which desk was first: ``insert`` tries the row
in a savepoint and answers None when another desk's row won, leaving the caller's
transaction alive and able to read the winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def of_person(uow: UnitOfWork, assembly_id: int, person_id: int) -> CheckInRow | None:
    return uow.session.execute(
        select(CheckInRow).where(
            CheckInRow.assembly_id == assembly_id, CheckInRow.person_id == person_id
        )
    ).scalar_one_or_none()


def of_people(
    uow: UnitOfWork, assembly_id: int, person_ids: Sequence[int]
) -> dict[int, CheckInRow]:
    rows = uow.session.execute(
        select(CheckInRow).where(
            CheckInRow.assembly_id == assembly_id, CheckInRow.person_id.in_(list(person_ids))
        )
    )
    return {c.person_id: c for c in rows.scalars()}


def insert(
    uow: UnitOfWork, assembly_id: int, person_id: int, desk: str, at: datetime
) -> CheckInRow | None:
    """Record the check-in; None when the constraint says someone was already checked in."""
    row = CheckInRow(assembly_id=assembly_id, person_id=person_id, desk=desk, at=at)
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        # Another desk won the race between our read and our insert; the savepoint is gone,
        # our transaction lives on and now sees the winner's row.
        return None
    return row


def delete(uow: UnitOfWork, row: CheckInRow) -> None:
    uow.session.delete(row)


def count(uow: UnitOfWork, assembly_id: int) -> int:
    """Check-ins of the assembly, eligible or not: an index range count, cheap per scan."""
    return int(
        uow.session.execute(
            select(func.count())
            .select_from(CheckInRow)
            .where(CheckInRow.assembly_id == assembly_id)
        ).scalar_one()
    )


def eligible_count(uow: UnitOfWork, assembly_id: int) -> int:
    """Eligible people checked in: the number quorum is measured against."""
    return int(
        uow.session.execute(
            select(func.count())
            .select_from(CheckInRow)
            .join(PersonRow, PersonRow.id == CheckInRow.person_id)
            .where(CheckInRow.assembly_id == assembly_id, PersonRow.eligible.is_(True))
        ).scalar_one()
    )


def eligible_person_ids(uow: UnitOfWork, assembly_id: int) -> list[int]:
    """Ids of the eligible people checked in, ascending (who may vote)."""
    return sorted(
        uow.session.execute(
            select(CheckInRow.person_id)
            .join(PersonRow, PersonRow.id == CheckInRow.person_id)
            .where(CheckInRow.assembly_id == assembly_id, PersonRow.eligible.is_(True))
        ).scalars()
    )
