"""Issues and ballots: what the voting station, paper issue and paper entry read and write.

Ballot secrecy rests on what is stored here (docs/architecture.md, "Ballot secrecy in
storage"): ``ballot_issue`` says who received a ballot for which contest and by which
channel, nothing more; ``ballot`` holds a random id, the contest and the selection, never
a person. Nothing in this module writes both in one statement, and a station's ballots
reach ``ballot`` only through ``ballot_store.deliver``, after the close.

The station's statements are built once at import: a station casts thousands of times,
and building a statement costs more than running it on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, exists, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.models_ballots import (
    BallotIssueRow,
    BallotRow,
    ContestRow,
    PanelMemberRow,
)
from assembly_desk.persistence.repositories.contests import ContestFields
from assembly_desk.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Voter:
    """Everything the station needs to know about one voter for one contest."""

    assembly_id: int
    eligible: bool
    checked_in: bool
    on_panel: bool


_CONTEST = cast(Table, ContestRow.__table__)
_CONTEST_FOR_SHARE = (
    select(_CONTEST).where(_CONTEST.c.id == bindparam("contest_id")).with_for_update(read=True)
)
_VOTER = select(
    PersonRow.assembly_id,
    PersonRow.eligible,
    exists()
    .where(CheckInRow.assembly_id == PersonRow.assembly_id)
    .where(CheckInRow.person_id == PersonRow.id),
    exists()
    .where(PanelMemberRow.contest_id == bindparam("contest_id"))
    .where(PanelMemberRow.person_id == PersonRow.id),
).where(PersonRow.id == bindparam("person_id"))
_ISSUE = cast(Table, BallotIssueRow.__table__)
_ISSUE_PG = pg_insert(_ISSUE).on_conflict_do_nothing().returning(_ISSUE.c.person_id)
_ISSUE_SQLITE = sqlite_insert(_ISSUE).on_conflict_do_nothing().returning(_ISSUE.c.person_id)
_BALLOT = insert(cast(Table, BallotRow.__table__))


def contest_for_share(uow: UnitOfWork, contest_id: int) -> ContestFields | None:
    """The contest as a plain row, share-locked (PostgreSQL) against a concurrent close."""
    row = uow.session.execute(_CONTEST_FOR_SHARE, {"contest_id": contest_id}).one_or_none()
    return None if row is None else cast(ContestFields, row)


def voter(uow: UnitOfWork, contest_id: int, person_id: int) -> Voter | None:
    """The voter's assembly, eligibility, check-in and panel seat, in one query."""
    row = uow.session.execute(
        _VOTER, {"contest_id": contest_id, "person_id": person_id}
    ).one_or_none()
    return None if row is None else Voter(row[0], bool(row[1]), bool(row[2]), bool(row[3]))


def person_by_card(uow: UnitOfWork, assembly_id: int, code: str) -> PersonRow | None:
    """The person holding this (normalised, valid) card code in the assembly."""
    return uow.session.execute(
        select(PersonRow).where(PersonRow.assembly_id == assembly_id, PersonRow.card_code == code)
    ).scalar_one_or_none()


def issued_contests(uow: UnitOfWork, person_id: int, contest_ids: Iterable[int]) -> set[int]:
    """Which of these contests the person has already received a ballot for."""
    return set(
        uow.session.execute(
            select(BallotIssueRow.contest_id).where(
                BallotIssueRow.person_id == person_id,
                BallotIssueRow.contest_id.in_(list(contest_ids)),
            )
        ).scalars()
    )


def insert_issue(uow: UnitOfWork, contest_id: int, person_id: int, channel: str) -> bool:
    """Record the issue; False when the primary key (contest, person) already holds one.

    ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike) lets the database decide
    the race without a savepoint: on PostgreSQL a concurrent insert of the same key
    waits for the other transaction and then finds the row.
    """
    stmt = _ISSUE_PG if uow.is_postgres else _ISSUE_SQLITE
    values = {"contest_id": contest_id, "person_id": person_id, "channel": channel}
    return uow.session.execute(stmt, values).first() is not None  # rowcount varies by driver


def insert_ballot(uow: UnitOfWork, ballot_id: str, contest_id: int, selection_json: str) -> None:
    """One ballot (a paper recorded at the count table): random id, contest, selection."""
    uow.session.execute(
        _BALLOT, {"id": ballot_id, "contest_id": contest_id, "selection_json": selection_json}
    )


def insert_ballots(uow: UnitOfWork, rows: list[dict[str, object]]) -> None:
    """Many ballots (``id``, ``contest_id``, ``selection_json``), in the order given.

    The caller shuffles them first: neither typing order nor stack order may reach
    storage (on SQLite the WITHOUT ROWID table stores by random id anyway).
    """
    if rows:
        uow.session.execute(insert(BallotRow), rows)


def issues_by_channel(uow: UnitOfWork, contest_id: int) -> dict[str, int]:
    """Ballots issued for a contest, per channel ("station", "paper")."""
    rows = uow.session.execute(
        select(BallotIssueRow.channel, func.count())
        .where(BallotIssueRow.contest_id == contest_id)
        .group_by(BallotIssueRow.channel)
    ).all()
    return {str(channel): int(n) for channel, n in rows}


def ballot_count(uow: UnitOfWork, contest_id: int) -> int:
    """Ballots stored in the database for a contest (delivered and paper)."""
    return int(
        uow.session.execute(
            select(func.count()).select_from(BallotRow).where(BallotRow.contest_id == contest_id)
        ).scalar_one()
    )


def selections(uow: UnitOfWork, contest_id: int) -> list[tuple[str, str]]:
    """(random id, selection JSON) of every stored ballot, in id order (never cast order)."""
    rows = uow.session.execute(
        select(BallotRow.id, BallotRow.selection_json)
        .where(BallotRow.contest_id == contest_id)
        .order_by(BallotRow.id)
    ).all()
    return [(str(ballot_id), str(text)) for ballot_id, text in rows]
