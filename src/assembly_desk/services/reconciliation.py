"""Paper reconciliation per contest: every paper handed out is accounted for.

    issued (paper) = counted + spoiled + not returned

``counted`` is the paper ballots stored, shown as those typed one by one plus those from
committed totals batches (stored as ballots at commit, so each paper counts once);
``spoiled`` is entered by the chair as a count with a reason; ``not returned`` is what is
left. A negative remainder means more papers were accounted for than were issued: an
error the chair must explain before results are published, so it is flagged, not hidden.
Station ballots are shown beside it (issued at stations = cast at stations, one
transaction each), so the sheet covers the whole turnout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assembly_desk.domain.contests import PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.repositories import reconciliation as spoiled_rows
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.chair_passphrase import check_chair
from assembly_desk.services.contests import contest_row, list_contests, poll_counts
from assembly_desk.services.count_entry import open_batches, paper_counted

MAX_REASON = 200

OVER_COUNTED = "reconcile.over_counted"
NEGATIVE = "reconcile.negative_not_returned"


@dataclass(frozen=True, slots=True)
class Figures:
    """The paper equation of one contest; pure numbers so it can be checked on its own."""

    issued_paper: int
    paper_ballots: int  # typed (or recorded) one by one
    paper_totals: int  # from committed totals batches; stored as ballots too, not again
    spoiled: int

    @property
    def counted(self) -> int:
        return self.paper_ballots + self.paper_totals

    @property
    def not_returned(self) -> int:
        return self.issued_paper - self.counted - self.spoiled

    @property
    def problems(self) -> tuple[str, ...]:
        found = []
        if self.counted > self.issued_paper:
            found.append(OVER_COUNTED)
        if self.not_returned < 0:
            found.append(NEGATIVE)
        return tuple(found)

    @property
    def ok(self) -> bool:
        return not self.problems

    def equation(self) -> str:
        """``issued = counted + spoiled + not returned`` with the numbers, for the screen."""
        return f"{self.issued_paper} = {self.counted} + {self.spoiled} + {self.not_returned}"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    contest_id: int
    title: str
    state: PollState
    issued_station: int
    cast_station: int
    figures: Figures
    open_batches: int
    spoiled_reasons: tuple[tuple[int, str], ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return self.figures.problems

    @property
    def ok(self) -> bool:
        return self.figures.ok


def spoiled_entries(uow: UnitOfWork, contest_id: int) -> tuple[tuple[int, str], ...]:
    """(papers, reason) of each spoiled entry, in the order the chair entered them."""
    return tuple(spoiled_rows.spoiled_entries(uow, contest_id))


def reconcile(uow: UnitOfWork, contest_id: int) -> Reconciliation:
    row = contest_row(uow, contest_id)
    counts = poll_counts(uow, contest_id)
    ballots, totals = paper_counted(uow, contest_id)
    spoiled = spoiled_entries(uow, contest_id)
    return Reconciliation(
        contest_id=row.id,
        title=row.title,
        state=PollState(row.state),
        issued_station=counts.issued_station,
        # Every station issue stores its ballot in the same transaction.
        cast_station=counts.issued_station,
        figures=Figures(counts.issued_paper, ballots, totals, sum(n for n, _ in spoiled)),
        open_batches=open_batches(uow, contest_id),
        spoiled_reasons=spoiled,
    )


def reconcile_assembly(uow: UnitOfWork, assembly_id: int) -> list[Reconciliation]:
    """Every contest past its draft, in order: the sheet the chair reads out."""
    return [
        reconcile(uow, c.id)
        for c in list_contests(uow, assembly_id)
        if c.state is not PollState.DRAFT
    ]


def enter_spoiled(
    uow: UnitOfWork,
    contest_id: int,
    spoiled: int,
    reason: str,
    passphrase: str,
    now: datetime,
) -> Reconciliation:
    """The chair records ``spoiled`` papers for a contest, with a reason (audited).

    Needs the chair's passphrase: the figure changes the equation the minutes report.
    Not refused when it makes "not returned" negative — the paper count is a fact to
    record; the reconciliation flags the error instead.
    """
    row = contest_row(uow, contest_id, lock="update")
    if row.state == PollState.DRAFT.value:
        raise Refused("reconcile.draft")
    # The same gate as opening and closing: wrong tries are audited and slowed down.
    check_chair(uow, row.assembly_id, passphrase, "spoiled", now)
    if isinstance(spoiled, bool) or not isinstance(spoiled, int) or not 0 < spoiled <= 10**6:
        raise InvalidInput("reconcile.bad_spoiled")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reconcile.reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidInput("reconcile.reason_too_long", max=MAX_REASON)
    spoiled_rows.add_spoiled(uow, row.id, spoiled, reason, now)
    total = spoiled_rows.spoiled_total(uow, row.id)
    audit_log.append(
        uow,
        "paper.spoiled_entered",
        {"contest": row.id, "spoiled": spoiled, "spoiled_total": int(total)},
        now,
        {"reason": reason},  # free text: sealed, for the officials
    )
    uow.commit()
    return reconcile(uow, row.id)
