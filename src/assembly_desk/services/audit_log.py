"""The database-backed audit chain: append an event inside the caller's transaction.

Appending inside the same transaction as the change means an event exists exactly when
the change does. The chain is one per database, so several desks serialise their appends
on a lock (PostgreSQL) or on SQLite's single writer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from assembly_desk.audit import chain
from assembly_desk.audit.canonical import nfc
from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.clock import iso_utc


def append(uow: UnitOfWork, kind: str, data: dict[str, Any], at: datetime) -> str:
    """Add one event after the current head; returns the new head hash."""
    uow.lock_audit_chain()
    session = uow.session
    session.flush()
    head = session.execute(
        select(AuditEventRow.seq, AuditEventRow.hash).order_by(AuditEventRow.seq.desc()).limit(1)
    ).first()
    prev_hash, seq = (head.hash, head.seq + 1) if head else (chain.GENESIS, 1)
    entry = chain.make_entry(prev_hash, seq, iso_utc(at), kind, nfc(data))
    session.add(
        AuditEventRow(
            seq=entry["seq"],
            at=entry["time"],
            kind=entry["kind"],
            data_json=json.dumps(entry["data"], ensure_ascii=False, sort_keys=True),
            prev=entry["prev"],
            hash=entry["hash"],
        )
    )
    return str(entry["hash"])


def entries(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The whole chain in order, as the dicts the chain module hashes."""
    rows = uow.session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars()
    return [
        {
            "seq": r.seq,
            "time": r.at,
            "kind": r.kind,
            "data": json.loads(r.data_json),
            "prev": r.prev,
            "hash": r.hash,
        }
        for r in rows
    ]


def verify(uow: UnitOfWork) -> chain.ChainReport:
    return chain.verify_chain(entries(uow))
