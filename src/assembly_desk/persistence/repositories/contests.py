"""Contests, their options and panels: the rows ``services.contests`` reads and writes.

Locks are asked for by name ("share", "update") because they are part of the poll's
rules: casting share-locks the contest and closing update-locks it, so on PostgreSQL no
ballot commits after the close counted them (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import bindparam, delete, insert, select

from assembly_desk.persistence.models import PersonRow
from assembly_desk.persistence.models_ballots import ContestOptionRow, ContestRow, PanelMemberRow
from assembly_desk.persistence.unit_of_work import UnitOfWork

Lock = Literal["share", "update"] | None


class ContestFields(Protocol):
    """What a contest row offers, as an ORM row or a plain row of the ``contest`` table.

    The station reads the contest as a plain row (a statement built once, run thousands of
    times); everything else reads the ORM row. Both carry these columns.
    """

    @property
    def id(self) -> int: ...
    @property
    def assembly_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def ballot_type(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def max_choices(self) -> int: ...
    @property
    def max_score(self) -> int: ...
    @property
    def budget_cap(self) -> int: ...
    @property
    def criteria_json(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def rules_json(self) -> str: ...


def find(uow: UnitOfWork, contest_id: int, lock: Lock = None) -> ContestRow | None:
    """The contest row, locked on PostgreSQL as asked; None when there is none."""
    query = select(ContestRow).where(ContestRow.id == contest_id)
    if lock == "share":
        query = query.with_for_update(read=True)
    elif lock == "update":
        query = query.with_for_update()
    return uow.session.execute(query).scalar_one_or_none()


def get(uow: UnitOfWork, contest_id: int) -> ContestRow | None:
    """The contest row without a lock, from the session's identity map when already read."""
    return uow.session.get(ContestRow, contest_id)


def of_assembly(uow: UnitOfWork, assembly_id: int, state: str | None = None) -> list[ContestRow]:
    """An assembly's contests (in one state, or all), in id order."""
    query = select(ContestRow).where(ContestRow.assembly_id == assembly_id)
    if state is not None:
        query = query.where(ContestRow.state == state)
    return list(uow.session.execute(query.order_by(ContestRow.id)).scalars().all())


_OPTIONS = (
    select(ContestOptionRow.name, ContestOptionRow.cost)
    .where(ContestOptionRow.contest_id == bindparam("contest_id"))
    .order_by(ContestOptionRow.position)
)


def options(uow: UnitOfWork, contest_id: int) -> list[tuple[str, int]]:
    """(name, cost) of each option, in ballot order."""
    rows = uow.session.execute(_OPTIONS, {"contest_id": contest_id}).all()
    return [(str(name), int(cost)) for name, cost in rows]


def add(
    uow: UnitOfWork,
    *,
    assembly_id: int,
    title: str,
    ballot_type: str,
    scope: str,
    state: str,
    max_choices: int,
    max_score: int,
    budget_cap: int,
    created_at: datetime,
    description: str = "",
    rules_json: str = "{}",
) -> ContestRow:
    """A new contest row, flushed so it has its id (options are written separately)."""
    row = ContestRow(
        assembly_id=assembly_id,
        title=title,
        ballot_type=ballot_type,
        scope=scope,
        state=state,
        max_choices=max_choices,
        max_score=max_score,
        budget_cap=budget_cap,
        criteria_json="[]",
        description=description,
        rules_json=rules_json,
        created_at=created_at,
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def replace_options(uow: UnitOfWork, row: ContestRow, options: Sequence[tuple[str, int]]) -> None:
    """Write the row's changed fields, then its options in place of the old ones."""
    uow.session.flush()
    uow.session.execute(delete(ContestOptionRow).where(ContestOptionRow.contest_id == row.id))
    if options:
        uow.session.execute(
            insert(ContestOptionRow),
            [
                {"contest_id": row.id, "position": i, "name": name, "cost": cost}
                for i, (name, cost) in enumerate(options)
            ],
        )


def panel(uow: UnitOfWork, contest_id: int) -> frozenset[int]:
    """The person ids on a contest's panel."""
    return frozenset(
        uow.session.execute(
            select(PanelMemberRow.person_id).where(PanelMemberRow.contest_id == contest_id)
        ).scalars()
    )


def people_found(uow: UnitOfWork, assembly_id: int, person_ids: Iterable[int]) -> set[int]:
    """Which of these person ids are on the assembly's roll."""
    wanted = list(person_ids)
    return set(
        uow.session.execute(
            select(PersonRow.id).where(
                PersonRow.assembly_id == assembly_id, PersonRow.id.in_(wanted)
            )
        ).scalars()
    )


def replace_panel(uow: UnitOfWork, contest_id: int, person_ids: Sequence[int]) -> None:
    """The panel becomes exactly these people (none: the panel is cleared)."""
    uow.session.execute(delete(PanelMemberRow).where(PanelMemberRow.contest_id == contest_id))
    if person_ids:
        uow.session.execute(
            insert(PanelMemberRow),
            [{"contest_id": contest_id, "person_id": p} for p in person_ids],
        )


def flush(uow: UnitOfWork) -> None:
    """Send pending changes of loaded rows (a state change) before the next statement."""
    uow.session.flush()
