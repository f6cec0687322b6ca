"""Builders for count-entry tests: a closed contest with paper ballots issued."""

from __future__ import annotations

from assembly_desk.domain.contests import Contest, ContestDefinition
from assembly_desk.services import count_entry, voting
from assembly_desk.services.count_entry import Side
from assembly_desk.services.database import Database
from tests.ballots.helpers import close_poll, setup, yes_no
from tests.conftest import FIXED_NOW


def closed_with_paper(
    db: Database,
    defn: ContestDefinition | None = None,
    *,
    paper: int = 10,
    station: int = 0,
) -> Contest:
    """A contest with ``station`` votes cast at stations and ``paper`` papers issued, closed."""
    _aid, contest, voters = setup(db, defn or yes_no(), people=paper + station)
    for v in voters[:station]:
        with db.uow() as uow:
            voting.cast(uow, contest.id, v.id, {"vote": "yes"} if defn is None else None)
    for v in voters[station : station + paper]:
        with db.uow() as uow:
            voting.issue_paper(uow, contest.id, v.id)
    close_poll(db, contest.id)
    return contest


def batch(db: Database, contest_id: int, label: str = "상자 1", **kw: object) -> int:
    with db.uow() as uow:
        return count_entry.create_batch(uow, contest_id, label, FIXED_NOW, **kw).id  # type: ignore[arg-type]


def enter(db: Database, batch_id: int, side: Side, marks: list, name: str = "") -> None:
    with db.uow() as uow:
        count_entry.save_entry(uow, batch_id, side, name or f"자원봉사자 {side}", marks, FIXED_NOW)


YES, NO, ABST = {"vote": "yes"}, {"vote": "no"}, {"vote": "abstain"}
