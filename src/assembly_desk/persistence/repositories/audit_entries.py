"""The audit chain as stored: one row per entry, in ``seq`` order, appended at the head.

Appending is the caller's (``services.audit_log``) under ``uow.lock_audit_chain()``; the
primary key on ``seq`` refuses a fork in any case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from sqlalchemy import select

from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


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


def add(uow: UnitOfWork, row: AuditEventRow) -> None:
    uow.session.add(row)


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
