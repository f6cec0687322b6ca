"""Spoiled papers per contest: the chair's counts and reasons, for the paper equation.

Each entry is its own row (a count and a reason, never a person), so the sheet can show
every reason and the audit log the running total.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from assembly_desk.persistence.models_count import PaperSpoiledRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def spoiled_entries(uow: UnitOfWork, contest_id: int) -> list[tuple[int, str]]:
    """(papers, reason) of each spoiled entry of a contest, in the order entered."""
    rows = uow.session.execute(
        select(PaperSpoiledRow.spoiled, PaperSpoiledRow.reason)
        .where(PaperSpoiledRow.contest_id == contest_id)
        .order_by(PaperSpoiledRow.id)
    ).all()
    return [(int(n), str(r)) for n, r in rows]


def add_spoiled(
    uow: UnitOfWork, contest_id: int, spoiled: int, reason: str, entered_at: datetime
) -> None:
    """One more spoiled entry, flushed so the total below includes it."""
    uow.session.add(
        PaperSpoiledRow(
            contest_id=contest_id, spoiled=spoiled, reason=reason, entered_at=entered_at
        )
    )
    uow.session.flush()


def spoiled_total(uow: UnitOfWork, contest_id: int) -> int:
    """Papers spoiled for a contest, all entries together."""
    total = uow.session.execute(
        select(func.sum(PaperSpoiledRow.spoiled)).where(PaperSpoiledRow.contest_id == contest_id)
    ).scalar_one()
    return int(total or 0)
