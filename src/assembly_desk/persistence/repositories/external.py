"""Totals from other channels (an online or mobile pre-vote), kept apart from ballots.

They are per-option totals in their own table, never rows of ``ballot``, so the on-site
ballots stay exactly what was cast on site and a recount of the CVRs stays a recount.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from assembly_desk.persistence.models_count import ExternalTotalsRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def source_taken(uow: UnitOfWork, contest_id: int, source: str) -> bool:
    """Whether this source has already been entered for the contest."""
    found = uow.session.execute(
        select(ExternalTotalsRow.id).where(
            ExternalTotalsRow.contest_id == contest_id, ExternalTotalsRow.source == source
        )
    ).first()
    return found is not None


def add(
    uow: UnitOfWork,
    contest_id: int,
    source: str,
    weight: str,
    totals_json: str,
    entered_at: datetime,
) -> None:
    uow.session.add(
        ExternalTotalsRow(
            contest_id=contest_id,
            source=source,
            weight=weight,
            totals_json=totals_json,
            entered_at=entered_at,
        )
    )


def of_contest(uow: UnitOfWork, contest_id: int) -> list[ExternalTotalsRow]:
    """A contest's external totals, in the order entered."""
    return list(
        uow.session.execute(
            select(ExternalTotalsRow)
            .where(ExternalTotalsRow.contest_id == contest_id)
            .order_by(ExternalTotalsRow.id)
        ).scalars()
    )
