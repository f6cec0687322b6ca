"""Each contest's count: its seed and result (``contest_tally``), and what a bundle needs.

A contest has no ``contest_tally`` row until a seed is committed or it is counted (its
counting rule is on the contest row itself).
"""

from __future__ import annotations

from sqlalchemy import func, select

from assembly_desk.persistence.models import CheckInRow
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def get(uow: UnitOfWork, contest_id: int) -> ContestTallyRow | None:
    return uow.session.get(ContestTallyRow, contest_id)


def get_or_create(uow: UnitOfWork, contest_id: int) -> ContestTallyRow:
    """The contest's tally row, made (empty, flushed) when there is none."""
    row = get(uow, contest_id)
    if row is None:
        row = ContestTallyRow(contest_id=contest_id)
        uow.session.add(row)
        uow.session.flush()
    return row


def counted_of_assembly(
    uow: UnitOfWork, assembly_id: int
) -> list[tuple[ContestRow, ContestTallyRow]]:
    """The assembly's contests that have a result, with their tally rows, in contest order."""
    rows = uow.session.execute(
        select(ContestRow, ContestTallyRow)
        .join(ContestTallyRow, ContestTallyRow.contest_id == ContestRow.id)
        .where(ContestRow.assembly_id == assembly_id, ContestTallyRow.result_hash.is_not(None))
        .order_by(ContestRow.id)
    ).all()
    return [(c, t) for c, t in rows]


def checked_in_count(uow: UnitOfWork, assembly_id: int) -> int:
    """People checked in at the assembly: the turnout figure a bundle's manifest carries."""
    return int(
        uow.session.execute(
            select(func.count())
            .select_from(CheckInRow)
            .where(CheckInRow.assembly_id == assembly_id)
        ).scalar_one()
    )
