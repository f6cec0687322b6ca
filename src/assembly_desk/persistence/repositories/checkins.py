"""Check-ins as stored: at most one per (assembly, person), which the database enforces.

``UNIQUE(assembly_id, person_id)`` decides which desk was first: ``insert`` writes the row
with ``ON CONFLICT DO NOTHING`` and answers False when another desk's row won, leaving the
caller's transaction alive and able to read the winner (no savepoint, one round trip).

A scan is the hot path of the day, so its statements are built once here, as Core
statements on the tables (compiled once by SQLAlchemy's cache, prepared by psycopg after a
few uses), and return plain rows: no ORM objects, no flush, no identity map.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assembly_desk.persistence.models import AssemblyRow, CheckInRow, PersonRow
from assembly_desk.persistence.unit_of_work import AUDIT_LOCK_KEY, UnitOfWork

_PERSON = cast(Table, PersonRow.__table__)
_CHECKIN = cast(Table, CheckInRow.__table__)
_ASSEMBLY = cast(Table, AssemblyRow.__table__)


class PersonFields(NamedTuple):
    """The person columns a desk's answer shows, named as on ``PersonRow``."""

    id: int
    name: str
    birth_date: date
    category: str
    tong: str
    ban: str
    phone_last4: str
    eligible: bool
    ineligible_reason: str


class AssemblyFields(NamedTuple):
    """The assembly columns the rules and the quorum need, named as on ``AssemblyRow``."""

    id: int
    kind: str
    title: str
    held_on: date
    venue: str
    district: str
    rules_json: str
    quorum_kind: str
    quorum_value: int
    council_members: int
    eligible_count: int
    quorum_reached_at: datetime | None


class DoorCard(NamedTuple):
    """Everything a scan decides on, read in one statement: who, their assembly, any check-in."""

    person: PersonFields
    assembly: AssemblyFields
    checked_in_desk: str | None
    checked_in_at: datetime | None


_PERSON_COLUMNS = [_PERSON.c[name] for name in PersonFields._fields]
_ASSEMBLY_COLUMNS = [_ASSEMBLY.c[name] for name in AssemblyFields._fields]
_DOOR_CARD = (
    select(*_PERSON_COLUMNS, *_ASSEMBLY_COLUMNS, _CHECKIN.c.desk, _CHECKIN.c.at)
    .select_from(
        _PERSON.join(_ASSEMBLY, _ASSEMBLY.c.id == _PERSON.c.assembly_id).outerjoin(
            _CHECKIN,
            and_(
                _CHECKIN.c.assembly_id == _PERSON.c.assembly_id,
                _CHECKIN.c.person_id == _PERSON.c.id,
            ),
        )
    )
    .where(_PERSON.c.assembly_id == bindparam("assembly_id"))
)
_DOOR_CARD_BY_CODE = _DOOR_CARD.where(_PERSON.c.card_code == bindparam("code"))
_DOOR_CARD_BY_PERSON = _DOOR_CARD.where(_PERSON.c.id == bindparam("person_id"))
_INSERT_PG = (
    pg_insert(_CHECKIN)
    .on_conflict_do_nothing(index_elements=["assembly_id", "person_id"])
    .returning(_CHECKIN.c.id)
)
_INSERT_SQLITE = (
    sqlite_insert(_CHECKIN)
    .on_conflict_do_nothing(index_elements=["assembly_id", "person_id"])
    .returning(_CHECKIN.c.id)
)
# PostgreSQL: the card, the insert and the audit lock in one round trip. The insert runs
# only for an eligible holder not yet checked in, waits on a concurrent insert of the same
# person and then does nothing (``ON CONFLICT``); the audit lock is taken only when this
# insert won, after it (the deadlock note in ``services.checkin._note_quorum`` still holds:
# check-in row first, then the lock). The next statement sees every entry chained before.
_DOOR_CARD_CHECKING_IN_PG = text(
    "WITH card AS (SELECT "
    + ", ".join(f"p.{name}" for name in PersonFields._fields)
    + ", a.id AS assembly_id, "
    + ", ".join(f"a.{name}" for name in AssemblyFields._fields[1:])
    + ", c.desk AS checked_in_desk, c.at AS checked_in_at"
    " FROM person p JOIN assembly a ON a.id = p.assembly_id"
    " LEFT JOIN checkin c ON c.assembly_id = p.assembly_id AND c.person_id = p.id"
    " WHERE p.assembly_id = :assembly_id AND p.card_code = :code),"
    " ins AS (INSERT INTO checkin (assembly_id, person_id, desk, at)"
    " SELECT assembly_id, id, :desk, :at FROM card WHERE eligible AND checked_in_at IS NULL"
    " ON CONFLICT (assembly_id, person_id) DO NOTHING RETURNING id)"
    " SELECT card.*, ins.id AS inserted,"
    " CASE WHEN ins.id IS NOT NULL THEN pg_advisory_xact_lock(:lock) END AS locked"
    " FROM card LEFT JOIN ins ON true"
)
_P = len(PersonFields._fields)
_A = _P + len(AssemblyFields._fields)


def _door_card(row: Sequence[Any] | None) -> DoorCard | None:
    if row is None:
        return None
    values = tuple(row)
    person = PersonFields(*values[:_P])
    return DoorCard(
        person._replace(eligible=bool(person.eligible)),
        AssemblyFields(*values[_P:_A]),
        values[_A],
        values[_A + 1],
    )


def door_card_by_code(uow: UnitOfWork, assembly_id: int, code: str) -> DoorCard | None:
    """The card's holder, their assembly and their check-in (if any), in one query."""
    row = (
        uow.session.connection()
        .execute(_DOOR_CARD_BY_CODE, {"assembly_id": assembly_id, "code": code})
        .first()
    )
    return _door_card(row)


def door_card_checking_in(
    uow: UnitOfWork, assembly_id: int, code: str, desk: str, at: datetime
) -> tuple[DoorCard | None, bool]:
    """The card as ``door_card_by_code``, and its holder checked in when eligible and not in.

    Returns ``(card, inserted)``: ``inserted`` is False for an unknown card, a holder
    already in or not eligible, and a lost race (another desk's insert won meanwhile;
    ``of_person`` then finds it). On PostgreSQL this is one round trip that also takes the
    audit-chain lock when it inserted; on SQLite (in-process, one writer) two statements.
    """
    if not uow.is_postgres:
        card = door_card_by_code(uow, assembly_id, code)
        if card is None or card.checked_in_at is not None or not card.person.eligible:
            return card, False
        return card, insert(uow, assembly_id, card.person.id, desk, at)
    values = {
        "assembly_id": assembly_id,
        "code": code,
        "desk": desk,
        "at": at,
        "lock": AUDIT_LOCK_KEY,
    }
    row = uow.session.connection().execute(_DOOR_CARD_CHECKING_IN_PG, values).first()
    if row is None:
        return None, False
    inserted = row[_A + 2] is not None
    if inserted:
        uow.audit_chain_locked()
    return _door_card(row[: _A + 2]), inserted


def door_card_by_person(uow: UnitOfWork, assembly_id: int, person_id: int) -> DoorCard | None:
    """The same for a person picked from the search list."""
    row = (
        uow.session.connection()
        .execute(_DOOR_CARD_BY_PERSON, {"assembly_id": assembly_id, "person_id": person_id})
        .first()
    )
    return _door_card(row)


def of_person(uow: UnitOfWork, assembly_id: int, person_id: int) -> CheckInRow | None:
    return uow.session.execute(
        select(CheckInRow).where(
            CheckInRow.assembly_id == assembly_id, CheckInRow.person_id == person_id
        )
    ).scalar_one_or_none()


def of_people(
    uow: UnitOfWork, assembly_id: int, person_ids: Sequence[int]
) -> dict[int, CheckInRow]:
    rows = uow.session.execute(
        select(CheckInRow).where(
            CheckInRow.assembly_id == assembly_id, CheckInRow.person_id.in_(list(person_ids))
        )
    )
    return {c.person_id: c for c in rows.scalars()}


def insert(uow: UnitOfWork, assembly_id: int, person_id: int, desk: str, at: datetime) -> bool:
    """Record the check-in; False when the constraint says someone was already checked in.

    On PostgreSQL a concurrent insert of the same person waits for the other transaction
    and then does nothing once it has committed (or inserts, had it rolled back); the
    caller's transaction lives on and its next statement sees the winner's row.
    """
    stmt = _INSERT_PG if uow.is_postgres else _INSERT_SQLITE
    values = {"assembly_id": assembly_id, "person_id": person_id, "desk": desk, "at": at}
    return uow.session.connection().execute(stmt, values).first() is not None


def delete(uow: UnitOfWork, row: CheckInRow) -> None:
    uow.session.delete(row)


def count(uow: UnitOfWork, assembly_id: int) -> int:
    """Check-ins of the assembly, eligible or not: an index range count, cheap per scan."""
    return int(
        uow.session.execute(
            select(func.count())
            .select_from(CheckInRow)
            .where(CheckInRow.assembly_id == assembly_id)
        ).scalar_one()
    )


def eligible_count(uow: UnitOfWork, assembly_id: int) -> int:
    """Eligible people checked in: the number quorum is measured against."""
    return int(
        uow.session.execute(
            select(func.count())
            .select_from(CheckInRow)
            .join(PersonRow, PersonRow.id == CheckInRow.person_id)
            .where(CheckInRow.assembly_id == assembly_id, PersonRow.eligible.is_(True))
        ).scalar_one()
    )


def eligible_person_ids(uow: UnitOfWork, assembly_id: int) -> list[int]:
    """Ids of the eligible people checked in, ascending (who may vote)."""
    return sorted(
        uow.session.execute(
            select(CheckInRow.person_id)
            .join(PersonRow, PersonRow.id == CheckInRow.person_id)
            .where(CheckInRow.assembly_id == assembly_id, PersonRow.eligible.is_(True))
        ).scalars()
    )
