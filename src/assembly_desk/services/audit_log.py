"""The database-backed audit chain: append an event inside the caller's transaction.

Appending inside the same transaction as the change means an event exists exactly when
the change does. The chain is one per database, so several desks serialise their appends
on a lock (PostgreSQL) or on SQLite's single writer.

What is published and what is kept: an event's ``data`` is public and goes, as it is,
into every signed tally bundle. What only the assembly's officials may see (who checked
in, at which desk, a free-text reason, a panel's members) is passed as ``private``: it
stays in this database with a random salt, and the entry carries only the seal
(``chain.seal_digest``), so the published log verifies on its own and an official can
later open any seal to show what it held (see docs/audit-log.md).

Per-person events pass ``coarse_time=True``: their public ``time`` is the start of the
10-minute window (never earlier than the entry before, so times in the chain stay
non-decreasing) and the exact moment goes into the private part.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from assembly_desk.audit import chain
from assembly_desk.audit.canonical import nfc
from assembly_desk.domain.errors import NotFound
from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.persistence.repositories import audit_entries
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.clock import as_utc, iso_utc

#: The published time of a per-person event is rounded down to a window this long: enough
#: to show the flow at the door, too coarse to tell a neighbour when (or with whom) you came.
PUBLIC_TIME_WINDOW = timedelta(minutes=10)

#: ``chain_format`` of the rows written now (entries with a ``sealed`` field).
CURRENT_FORMAT = 2


def append(
    uow: UnitOfWork,
    kind: str,
    data: dict[str, Any],
    at: datetime,
    private: Mapping[str, Any] | None = None,
    *,
    coarse_time: bool = False,
) -> str:
    """Add one event after the current head; returns the new head hash.

    ``data`` is published; ``private`` (when given) is kept here and sealed into the
    entry. With ``coarse_time`` the published time is coarsened and the exact time is
    added to the private part as ``"time"``.
    """
    uow.lock_audit_chain()
    values = _entry_values(audit_entries.head(uow), kind, data, at, private, coarse_time)
    audit_entries.add(uow, AuditEventRow(**values))
    return str(values["hash"])


def append_after(
    uow: UnitOfWork,
    head: audit_entries.Head | None,
    kind: str,
    data: dict[str, Any],
    at: datetime,
    private: Mapping[str, Any] | None = None,
    *,
    coarse_time: bool = False,
) -> audit_entries.Head:
    """``append`` for a caller that already holds the lock and has read ``head`` (a check-in).

    The check-in reads the head together with its running count, in one statement under
    the lock, and writes the entry at once with one insert; the new head is returned so
    a second event in the same transaction (quorum reached) chains without a read.
    """
    values = _entry_values(head, kind, data, at, private, coarse_time)
    audit_entries.insert_now(uow, values)
    return audit_entries.Head(values["seq"], values["hash"], values["at"])


def _entry_values(
    head: audit_entries.Head | None,
    kind: str,
    data: dict[str, Any],
    at: datetime,
    private: Mapping[str, Any] | None,
    coarse_time: bool,
) -> dict[str, Any]:
    """The stored columns of the entry chained after ``head``: public entry, seal, private part."""
    prev_hash, seq = (head.hash, head.seq + 1) if head else (chain.GENESIS, 1)
    time = iso_utc(at)
    hidden = dict(private) if private is not None else None
    if coarse_time:
        hidden = {**(hidden or {}), "time": time}
        time = public_time(at, head.at if head else None)
    sealed = salt = private_json = None
    if hidden is not None:
        hidden = nfc(hidden)
        salt_bytes = secrets.token_bytes(chain.SALT_BYTES)
        sealed = chain.seal_digest(salt_bytes, hidden)
        salt = salt_bytes.hex()
        private_json = json.dumps(hidden, ensure_ascii=False, sort_keys=True)
    entry = chain.make_entry(prev_hash, seq, time, kind, nfc(data), sealed=sealed)
    return {
        "seq": entry["seq"],
        "at": entry["time"],
        "kind": entry["kind"],
        "data_json": json.dumps(entry["data"], ensure_ascii=False, sort_keys=True),
        "prev": entry["prev"],
        "hash": entry["hash"],
        "chain_format": CURRENT_FORMAT,
        "sealed": sealed,
        "seal_salt": salt,
        "private_json": private_json,
    }


def public_time(at: datetime, previous: str | None) -> str:
    """The published time of a per-person event: its window's start, clamped to the last entry.

    The clamp keeps the chain's times non-decreasing when an exact event (quorum reached)
    sits inside the same window; it tells no more than the chain's order already does.
    """
    moment = as_utc(at)
    start = moment - (moment - moment.replace(minute=0, second=0, microsecond=0)) % (
        PUBLIC_TIME_WINDOW
    )
    if previous is not None:
        before = datetime.fromisoformat(previous)
        if before > start:
            return previous
    return iso_utc(start)


def _entry(row: AuditEventRow) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "seq": row.seq,
        "time": row.at,
        "kind": row.kind,
        "data": json.loads(row.data_json),
        "prev": row.prev,
        "hash": row.hash,
    }
    if row.chain_format >= 2:
        entry["sealed"] = row.sealed
    return entry


def _rows(uow: UnitOfWork) -> list[AuditEventRow]:
    return audit_entries.in_order(uow)


def entries(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The whole chain in order, as the dicts the chain module hashes.

    These are the published entries: public data and seals, never a private part. The
    bundle export writes exactly these.
    """
    return [_entry(row) for row in _rows(uow)]


#: The name the export reads best by; the same entries.
published_entries = entries


@dataclass(frozen=True, slots=True)
class Seal:
    """One entry's private part as an official opens it: salt and content, and whether they match.

    ``salt`` is hex. Showing ``salt`` and ``private`` to someone holding the published
    entry lets them recompute ``chain.seal_digest`` themselves.
    """

    seq: int
    kind: str
    sealed: str
    salt: str
    private: dict[str, Any] | None
    matches: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "sealed": self.sealed,
            "salt": self.salt,
            "private": self.private,
            "matches": self.matches,
        }


def _open(row: AuditEventRow) -> Seal | None:
    if row.chain_format < 2 or row.sealed is None:
        return None
    private: dict[str, Any] | None = None
    matches = False
    try:
        loaded = json.loads(row.private_json) if row.private_json is not None else None
        salt = bytes.fromhex(row.seal_salt or "")
        if isinstance(loaded, dict):
            private = loaded
            matches = chain.seal_matches(_entry(row), salt, loaded)
    except ValueError:
        matches = False
    return Seal(row.seq, row.kind, row.sealed, row.seal_salt or "", private, matches)


def open_seal(uow: UnitOfWork, seq: int) -> Seal | None:
    """The private part of entry ``seq`` for an official; None if the entry has no seal."""
    row = audit_entries.get(uow, seq)
    if row is None:
        raise NotFound("audit_privacy.no_entry", seq=seq)
    return _open(row)


def official_entries(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The full log for the assembly's officials: each entry plus ``"private"`` (or None).

    Not a chain entry (the extra key is not hashed): for reading, never for export.
    """
    result = []
    for row in _rows(uow):
        seal = _open(row)
        result.append({**_entry(row), "private": seal.private if seal else None})
    return result


def verify(uow: UnitOfWork) -> chain.ChainReport:
    """The chain as published, then every seal against the private part kept here.

    A private part edited in the database (an undo reason reworded, a desk changed) no
    longer opens its seal and is reported at its entry, like an edited public entry.
    """
    rows = _rows(uow)
    report = chain.verify_chain([_entry(row) for row in rows])
    if not report.ok:
        return report
    for index, row in enumerate(rows):
        seal = _open(row)
        if seal is not None and not seal.matches:
            return chain.ChainReport(
                False,
                report.count,
                report.head,
                row.seq,
                index,
                f"entry {row.seq}: its private part does not open its seal "
                "(edited or removed in the database?)",
            )
    return report


def sealed_count(uow: UnitOfWork) -> int:
    """How many entries carry a seal (for the verify summary)."""
    return sum(1 for row in _rows(uow) if row.chain_format >= 2 and row.sealed is not None)
