"""The roll as stored: people, their card codes, and the few columns each use case reads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy import update as sql_update

from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork

#: Rows per INSERT statement when a roll file is imported (well inside both drivers' limits).
INSERT_CHUNK = 5000


class Identity(NamedTuple):
    """What telling two roll entries apart needs: name, birth date and address."""

    id: int
    name: str
    birth_date: date
    address: str


class Card(NamedTuple):
    id: int
    card_code: str
    eligible: bool


def get(uow: UnitOfWork, person_id: int) -> PersonRow | None:
    return uow.session.get(PersonRow, person_id)


def by_code(uow: UnitOfWork, assembly_id: int, code: str) -> PersonRow | None:
    return uow.session.execute(
        select(PersonRow).where(PersonRow.assembly_id == assembly_id, PersonRow.card_code == code)
    ).scalar_one_or_none()


def code_taken(uow: UnitOfWork, assembly_id: int, code: str) -> bool:
    found = uow.session.execute(
        select(PersonRow.id).where(
            PersonRow.assembly_id == assembly_id, PersonRow.card_code == code
        )
    ).first()
    return found is not None


def card_codes(uow: UnitOfWork, assembly_id: int) -> set[str]:
    return set(
        uow.session.execute(
            select(PersonRow.card_code).where(PersonRow.assembly_id == assembly_id)
        ).scalars()
    )


def cards(uow: UnitOfWork, assembly_id: int) -> list[Card]:
    """Every person's id, card code and eligibility (the demo's crowd at the door)."""
    rows = uow.session.execute(
        select(PersonRow.id, PersonRow.card_code, PersonRow.eligible).where(
            PersonRow.assembly_id == assembly_id
        )
    )
    return [Card(r.id, r.card_code, r.eligible) for r in rows]


def identities(uow: UnitOfWork, assembly_id: int) -> list[Identity]:
    rows = uow.session.execute(
        select(PersonRow.id, PersonRow.name, PersonRow.birth_date, PersonRow.address).where(
            PersonRow.assembly_id == assembly_id
        )
    )
    return [Identity(r.id, r.name, r.birth_date, r.address) for r in rows]


def born_on(uow: UnitOfWork, assembly_id: int, birth_date: date) -> list[PersonRow]:
    return list(
        uow.session.execute(
            select(PersonRow)
            .where(PersonRow.assembly_id == assembly_id, PersonRow.birth_date == birth_date)
            .order_by(PersonRow.id)
        ).scalars()
    )


def of_assembly(uow: UnitOfWork, assembly_id: int) -> Iterator[PersonRow]:
    """Everyone on the roll, loaded for change (a rules change recomputes each verdict)."""
    yield from uow.session.execute(
        select(PersonRow).where(PersonRow.assembly_id == assembly_id)
    ).scalars()


def for_cards(
    uow: UnitOfWork, assembly_id: int, person_ids: Iterable[int] | None = None
) -> list[PersonRow]:
    """People in the order their cards are printed and handed out: 통, 반, name."""
    query = select(PersonRow).where(PersonRow.assembly_id == assembly_id)
    if person_ids is not None:
        query = query.where(PersonRow.id.in_(list(person_ids)))
    return list(
        uow.session.execute(query.order_by(PersonRow.tong, PersonRow.ban, PersonRow.name)).scalars()
    )


def by_ids(uow: UnitOfWork, person_ids: Sequence[int]) -> dict[int, PersonRow]:
    rows = uow.session.execute(select(PersonRow).where(PersonRow.id.in_(list(person_ids))))
    return {r.id: r for r in rows.scalars()}


def add(uow: UnitOfWork, row: PersonRow) -> PersonRow:
    """Store one person and give them their id (flushed, not committed)."""
    uow.session.add(row)
    uow.session.flush()
    return row


def insert_many(uow: UnitOfWork, values: Sequence[dict[str, object]]) -> None:
    """A whole roll file in a few multi-row INSERTs (no objects, no per-row round trip)."""
    for start in range(0, len(values), INSERT_CHUNK):
        uow.session.execute(insert(PersonRow), list(values[start : start + INSERT_CHUNK]))


#: Columns a correction or a merge may change. ``card_code``, ``assembly_id``, ``source``
#: and ``created_at`` are deliberately absent: a person keeps their card whatever is fixed.
UPDATABLE = frozenset(
    {
        "name",
        "name_key",
        "birth_date",
        "category",
        "address",
        "tong",
        "ban",
        "phone_last4",
        "guardian_consent",
        "eligible",
        "ineligible_reason",
    }
)


def update(uow: UnitOfWork, person_id: int, values: dict[str, object]) -> None:
    """Change one person's details; refuses any column outside ``UPDATABLE`` (a card code)."""
    unknown = set(values) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    uow.session.execute(sql_update(PersonRow).where(PersonRow.id == person_id).values(**values))


def checked_in_ids(uow: UnitOfWork, assembly_id: int) -> set[int]:
    """Roll ids of everyone checked in at this assembly (the roll list's "checked in")."""
    return set(
        uow.session.execute(
            select(CheckInRow.person_id).where(CheckInRow.assembly_id == assembly_id)
        ).scalars()
    )


def roll_listing(uow: UnitOfWork, assembly_id: int) -> list[PersonRow]:
    """The whole roll in roll-id order, for the roll page, a merge and an export."""
    return list(
        uow.session.execute(
            select(PersonRow).where(PersonRow.assembly_id == assembly_id).order_by(PersonRow.id)
        ).scalars()
    )


def count(uow: UnitOfWork, assembly_id: int) -> int:
    return uow.session.execute(
        select(func.count()).select_from(PersonRow).where(PersonRow.assembly_id == assembly_id)
    ).scalar_one()
