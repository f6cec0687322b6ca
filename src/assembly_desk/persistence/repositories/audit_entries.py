"""The audit chain as stored: one row per entry, in ``seq`` order, appended at the head.

Appending is the caller's (``services.audit_log``) under ``uow.lock_audit_chain()``; the
primary key on ``seq`` refuses a fork in any case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, insert, select, true

from assembly_desk.persistence.models import AuditEventRow, CheckInRow
from assembly_desk.persistence.unit_of_work import UnitOfWork

_AUDIT = cast(Table, AuditEventRow.__table__)
_CHECKIN = cast(Table, CheckInRow.__table__)
_INSERT = insert(_AUDIT)
_COUNTED = (
    select(func.count().label("n"))
    .select_from(_CHECKIN)
    .where(_CHECKIN.c.assembly_id == bindparam("assembly_id"))
    .subquery("counted")
)
_NEWEST = (
    select(_AUDIT.c.seq, _AUDIT.c.hash, _AUDIT.c.at)
    .order_by(_AUDIT.c.seq.desc())
    .limit(1)
    .subquery("newest")
)
# One row whether or not the chain has an entry yet (a LEFT JOIN on true).
_HEAD_AND_CHECKINS = select(_COUNTED.c.n, _NEWEST.c.seq, _NEWEST.c.hash, _NEWEST.c.at).select_from(
    _COUNTED.outerjoin(_NEWEST, true())
)


class Head(NamedTuple):
    """The newest entry: where the next one is chained."""

    seq: int
    hash: str
    at: str


class KindAt(NamedTuple):
    kind: str
    at: str
    data_json: str


def head(uow: UnitOfWork) -> Head | None:
    """The chain's newest entry, pending writes of this transaction included."""
    uow.session.flush()
    found = uow.session.execute(
        select(AuditEventRow.seq, AuditEventRow.hash, AuditEventRow.at)
        .order_by(AuditEventRow.seq.desc())
        .limit(1)
    ).first()
    return Head(found.seq, found.hash, found.at) if found is not None else None


def head_and_checkins(uow: UnitOfWork, assembly_id: int) -> tuple[Head | None, int]:
    """The chain's newest entry and the assembly's check-ins, counted in one statement.

    Read under the audit lock, the count sees exactly the check-ins chained before (the
    published running count). Pending ORM writes of this transaction are flushed first.
    """
    uow.session.flush()
    found = uow.session.connection().execute(_HEAD_AND_CHECKINS, {"assembly_id": assembly_id})
    n, seq, hash_, at = found.one()
    return (Head(seq, hash_, at) if seq is not None else None), int(n)


def add(uow: UnitOfWork, row: AuditEventRow) -> None:
    uow.session.add(row)


def insert_now(uow: UnitOfWork, values: Mapping[str, Any]) -> None:
    """Write one entry at once by a Core insert (the check-in's hot path; no ORM object)."""
    uow.session.connection().execute(_INSERT, dict(values))


def in_order(uow: UnitOfWork) -> list[AuditEventRow]:
    return list(uow.session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars())


def get(uow: UnitOfWork, seq: int) -> AuditEventRow | None:
    return uow.session.get(AuditEventRow, seq)


def of_kinds_newest_first(uow: UnitOfWork, kinds: Iterable[str]) -> Iterator[KindAt]:
    """Entries of these kinds, newest first, as (kind, time, public data).

    Read lazily: a caller looking for the last entry of some kind stops early.
    """
    rows = uow.session.execute(
        select(AuditEventRow.kind, AuditEventRow.at, AuditEventRow.data_json)
        .where(AuditEventRow.kind.in_(tuple(kinds)))
        .order_by(AuditEventRow.seq.desc())
    )
    for kind, at, data_json in rows:
        yield KindAt(kind, at, data_json)
