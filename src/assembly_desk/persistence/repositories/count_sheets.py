"""Paper batches at the count table: batches, their two typed entries, settled differences.

The typed entries keep the stack order of the papers, so they live only until the batch
is committed: ``forget_typing`` deletes entries and resolutions in the committing
transaction, once the papers are stored as shuffled ballots (``ballots.insert_ballots``).
The kind and state values ("ballots"/"totals", "open"/"committed") are the service's;
they are passed in, not decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from assembly_desk.persistence.models_count import (
    PaperBatchRow,
    PaperEntryRow,
    PaperResolutionRow,
    PaperTotalsRow,
)
from assembly_desk.persistence.unit_of_work import UnitOfWork

# --- batches ----------------------------------------------------------------------------


def batch(uow: UnitOfWork, batch_id: int) -> PaperBatchRow | None:
    return uow.session.get(PaperBatchRow, batch_id)


def reread(uow: UnitOfWork, row: PaperBatchRow) -> None:
    """Read the batch again from the database (after taking a lock another desk waited on)."""
    uow.session.refresh(row)


def batches_of(uow: UnitOfWork, contest_id: int) -> list[PaperBatchRow]:
    """A contest's batches in the order they were created."""
    return list(
        uow.session.execute(
            select(PaperBatchRow)
            .where(PaperBatchRow.contest_id == contest_id)
            .order_by(PaperBatchRow.id)
        ).scalars()
    )


def label_taken(uow: UnitOfWork, contest_id: int, label: str) -> bool:
    found = uow.session.execute(
        select(PaperBatchRow.id).where(
            PaperBatchRow.contest_id == contest_id, PaperBatchRow.label == label
        )
    ).first()
    return found is not None


def add_batch(
    uow: UnitOfWork,
    *,
    contest_id: int,
    label: str,
    kind: str,
    expected_size: int | None,
    state: str,
    created_at: datetime,
) -> PaperBatchRow:
    """A new, empty batch, flushed so it has its id."""
    row = PaperBatchRow(
        contest_id=contest_id,
        label=label,
        kind=kind,
        expected_size=expected_size,
        state=state,
        created_at=created_at,
        papers=0,
        blank=0,
        invalid=0,
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def count_in_state(uow: UnitOfWork, contest_id: int, state: str) -> int:
    """How many of a contest's batches are in this state."""
    return int(
        uow.session.execute(
            select(func.count()).where(
                PaperBatchRow.contest_id == contest_id, PaperBatchRow.state == state
            )
        ).scalar_one()
    )


def batch_sums(
    uow: UnitOfWork, contest_id: int, kind: str, state: str
) -> tuple[int, int, int, int]:
    """(batches, papers, blank, invalid) summed over a contest's batches of kind and state."""
    agg = uow.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(PaperBatchRow.papers), 0),
            func.coalesce(func.sum(PaperBatchRow.blank), 0),
            func.coalesce(func.sum(PaperBatchRow.invalid), 0),
        ).where(
            PaperBatchRow.contest_id == contest_id,
            PaperBatchRow.kind == kind,
            PaperBatchRow.state == state,
        )
    ).one()
    return int(agg[0]), int(agg[1] or 0), int(agg[2] or 0), int(agg[3] or 0)


def papers_in(uow: UnitOfWork, contest_id: int, kind: str, state: str) -> int:
    """Papers of a contest's batches of one kind and state (e.g. committed totals)."""
    total = uow.session.execute(
        select(func.coalesce(func.sum(PaperBatchRow.papers), 0)).where(
            PaperBatchRow.contest_id == contest_id,
            PaperBatchRow.kind == kind,
            PaperBatchRow.state == state,
        )
    ).scalar_one()
    return int(total or 0)


# --- entries ----------------------------------------------------------------------------


def sides(uow: UnitOfWork, batch_id: int) -> list[str]:
    """Which entries ("A", "B") a batch has, in order."""
    return list(
        uow.session.execute(
            select(PaperEntryRow.side)
            .where(PaperEntryRow.batch_id == batch_id)
            .order_by(PaperEntryRow.side)
        ).scalars()
    )


def entry(uow: UnitOfWork, batch_id: int, side: str) -> PaperEntryRow | None:
    return uow.session.get(PaperEntryRow, (batch_id, side))


def entries_of(uow: UnitOfWork, batch_id: int) -> list[PaperEntryRow]:
    return list(
        uow.session.execute(
            select(PaperEntryRow).where(PaperEntryRow.batch_id == batch_id)
        ).scalars()
    )


def add_entry(
    uow: UnitOfWork, batch_id: int, side: str, volunteer: str, payload_json: str, at: datetime
) -> None:
    uow.session.add(
        PaperEntryRow(
            batch_id=batch_id,
            side=side,
            volunteer=volunteer,
            payload_json=payload_json,
            updated_at=at,
        )
    )


# --- resolutions ------------------------------------------------------------------------


def resolutions_of(uow: UnitOfWork, batch_id: int) -> list[PaperResolutionRow]:
    return list(
        uow.session.execute(
            select(PaperResolutionRow).where(PaperResolutionRow.batch_id == batch_id)
        ).scalars()
    )


def resolution(uow: UnitOfWork, batch_id: int, item: str) -> PaperResolutionRow | None:
    return uow.session.get(PaperResolutionRow, (batch_id, item))


def add_resolution(
    uow: UnitOfWork, batch_id: int, item: str, value_json: str, resolved_by: str, at: datetime
) -> None:
    uow.session.add(
        PaperResolutionRow(
            batch_id=batch_id,
            item=item,
            value_json=value_json,
            resolved_by=resolved_by,
            resolved_at=at,
        )
    )


def clear_resolutions(uow: UnitOfWork, batch_id: int) -> None:
    uow.session.execute(delete(PaperResolutionRow).where(PaperResolutionRow.batch_id == batch_id))


def forget_typing(uow: UnitOfWork, batch_id: int) -> None:
    """Delete a batch's entries and resolutions: the stack order must not outlive the commit."""
    uow.session.execute(delete(PaperEntryRow).where(PaperEntryRow.batch_id == batch_id))
    clear_resolutions(uow, batch_id)


# --- committed totals -------------------------------------------------------------------


def add_totals(uow: UnitOfWork, batch_id: int, contest_id: int, votes: Mapping[str, int]) -> None:
    """Keep a totals batch's per-option votes, the record of what was tallied."""
    uow.session.execute(
        insert(PaperTotalsRow),
        [
            {"batch_id": batch_id, "option": name, "contest_id": contest_id, "votes": n}
            for name, n in votes.items()
        ],
    )


def totals_by_option(uow: UnitOfWork, contest_id: int) -> dict[str, int]:
    """Committed totals of a contest, summed per option."""
    rows = uow.session.execute(
        select(PaperTotalsRow.option, func.sum(PaperTotalsRow.votes))
        .where(PaperTotalsRow.contest_id == contest_id)
        .group_by(PaperTotalsRow.option)
    ).all()
    return {str(name): int(n or 0) for name, n in rows}
