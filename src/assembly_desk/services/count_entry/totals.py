"""What paper has been counted so far: the papers stored, and the committed tally totals.

Both the one-by-one papers and the totals batches are stored as ballots (a totals batch
is turned into ballots at its commit), so each paper counts once; the totals are kept
beside them only as the record of what was tallied, never added on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from assembly_desk.domain.contests import YES_NO_VOTES, BallotType
from assembly_desk.persistence.repositories import count_sheets
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row, definition_of, poll_counts
from assembly_desk.services.count_entry.batches import BatchKind, BatchState


def paper_counted(uow: UnitOfWork, contest_id: int) -> tuple[int, int]:
    """(paper ballots typed or recorded one by one, papers committed as tally totals).

    Both are stored as ballots (a totals batch is turned into ballots at commit), so the
    two add up to the paper ballots stored: papers counted, each once.
    """
    counts = poll_counts(uow, contest_id)
    totals = count_sheets.papers_in(
        uow, contest_id, BatchKind.TOTALS.value, BatchState.COMMITTED.value
    )
    return counts.paper_recorded - int(totals), int(totals)


@dataclass(frozen=True, slots=True)
class PaperTotals:
    """The committed totals batches of a contest, summed: the record of what was tallied.

    The same papers are stored as ballots (and counted as such); never add these to them.
    """

    options: dict[str, int]
    blank: int
    invalid: int
    papers: int
    batches: int


def paper_totals(uow: UnitOfWork, contest_id: int) -> PaperTotals:
    defn = definition_of(uow, contest_row(uow, contest_id))
    names = YES_NO_VOTES if defn.ballot_type is BallotType.YES_NO else defn.names
    votes = count_sheets.totals_by_option(uow, contest_id)
    agg = count_sheets.batch_sums(
        uow, contest_id, BatchKind.TOTALS.value, BatchState.COMMITTED.value
    )
    return PaperTotals(
        {n: int(votes.get(n, 0)) for n in names}, int(agg[2]), int(agg[3]), int(agg[1]), agg[0]
    )
