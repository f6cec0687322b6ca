"""Batches: one box or stack of papers (``"상자 1"``) of one contest, typed twice.

A batch is created open, with a label unique within its contest and optionally the size
written on the box; it is typed as entry A and entry B and, once they agree, committed.
A committed batch keeps only its counts (papers, blank, invalid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from assembly_desk.domain.contests import BallotType
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence.models_count import PaperBatchRow
from assembly_desk.persistence.repositories import count_sheets
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row

MAX_LABEL = 60
MAX_NAME = 100
MAX_BATCH = 20_000


class Side(StrEnum):
    A = "A"
    B = "B"


class BatchKind(StrEnum):
    BALLOTS = "ballots"  # paper by paper
    TOTALS = "totals"  # per-option totals from tally marks (찬반 only)


class BatchState(StrEnum):
    OPEN = "open"
    COMMITTED = "committed"


TOTALS_TYPES = frozenset({BallotType.YES_NO})
"""Ballot types whose totals turn into ballots exactly: one mark per paper."""


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    contest_id: int
    label: str
    kind: BatchKind
    expected_size: int | None
    state: BatchState
    papers: int
    blank: int
    invalid: int
    entered: tuple[Side, ...] = ()  # which entries exist (open batches)


def batch_row(uow: UnitOfWork, batch_id: int) -> PaperBatchRow:
    row = count_sheets.batch(uow, batch_id)
    if row is None:
        raise NotFound("count_entry.batch_not_found", id=batch_id)
    return row


def to_batch(uow: UnitOfWork, row: PaperBatchRow) -> Batch:
    return Batch(
        row.id,
        row.contest_id,
        row.label,
        BatchKind(row.kind),
        row.expected_size,
        BatchState(row.state),
        row.papers,
        row.blank,
        row.invalid,
        tuple(Side(s) for s in count_sheets.sides(uow, row.id)),
    )


def create_batch(
    uow: UnitOfWork,
    contest_id: int,
    label: str,
    now: datetime,
    *,
    expected_size: int | None = None,
    kind: BatchKind = BatchKind.BALLOTS,
) -> Batch:
    """A new batch to type; the label is unique within the contest."""
    row = contest_row(uow, contest_id)
    label = " ".join(label.split())
    if not label:
        raise InvalidInput("count_entry.label_required")
    if len(label) > MAX_LABEL:
        raise InvalidInput("count_entry.label_too_long", max=MAX_LABEL)
    if expected_size is not None and not 0 < expected_size <= MAX_BATCH:
        raise InvalidInput("count_entry.bad_expected", max=MAX_BATCH)
    if kind is BatchKind.TOTALS and BallotType(row.ballot_type) not in TOTALS_TYPES:
        raise Refused("count_entry.totals_yes_no_only")
    if count_sheets.label_taken(uow, contest_id, label):
        raise Refused("count_entry.label_taken", label=label)
    batch = count_sheets.add_batch(
        uow,
        contest_id=contest_id,
        label=label,
        kind=kind.value,
        expected_size=expected_size,
        state=BatchState.OPEN.value,
        created_at=now,
    )
    uow.commit()
    return to_batch(uow, batch)


def list_batches(uow: UnitOfWork, contest_id: int) -> list[Batch]:
    return [to_batch(uow, r) for r in count_sheets.batches_of(uow, contest_id)]


def get_batch(uow: UnitOfWork, batch_id: int) -> Batch:
    return to_batch(uow, batch_row(uow, batch_id))


def open_batch_row(uow: UnitOfWork, batch_id: int) -> PaperBatchRow:
    """The batch, refused once committed: a committed batch is never typed or settled again."""
    row = batch_row(uow, batch_id)
    if row.state != BatchState.OPEN.value:
        raise Refused("count_entry.batch_committed", label=row.label)
    return row


def volunteer_name(name: str) -> str:
    """The name of whoever typed or settled, tidied; required, and of a bounded length."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("count_entry.name_required")
    if len(name) > MAX_NAME:
        raise InvalidInput("count_entry.name_too_long", max=MAX_NAME)
    return name


def open_batches(uow: UnitOfWork, contest_id: int) -> int:
    """Batches of a contest still being typed (the reconciliation sheet shows them)."""
    return count_sheets.count_in_state(uow, contest_id, BatchState.OPEN.value)
