"""The door through the raw drivers: the durable-commit floor and a check-in's bare SQL.

``bench_checkin.py`` times these in the same run as ``DeskSession.scan``, so the service is
compared with what the database itself costs on this machine at this moment:

* the floor: one durable commit of a tiny row (sqlite3 with the product's PRAGMAs, WAL and
  ``synchronous=FULL``, ``BEGIN IMMEDIATE``; psycopg on PostgreSQL), nothing else;
* the bare check-in: the statements a check-in needs (person, assembly and any check-in
  by card code in one query; the insert; the audit lock on PostgreSQL; the check-in count
  and the chain head in one query; the audit row) and the commit, with no Python around
  them but a digest for the ``hash`` column. Its audit rows are not a valid chain: the
  benchmark database is thrown away.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

_LOOKUP = (
    "SELECT p.id, p.name, p.birth_date, p.category, p.tong, p.ban, p.phone_last4, p.eligible,"
    " p.ineligible_reason, c.desk, c.at, a.kind, a.title, a.held_on, a.venue, a.district,"
    " a.rules_json, a.quorum_kind, a.quorum_value, a.council_members, a.eligible_count,"
    " a.quorum_reached_at FROM person p JOIN assembly a ON a.id = p.assembly_id"
    " LEFT JOIN checkin c ON c.assembly_id = p.assembly_id AND c.person_id = p.id"
    " WHERE p.assembly_id = ? AND p.card_code = ?"
)
_INSERT = (
    "INSERT INTO checkin (assembly_id, person_id, desk, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (assembly_id, person_id) DO NOTHING RETURNING id"
)
_HEAD = (
    "SELECT n.c, h.seq, h.hash, h.at FROM (SELECT count(*) AS c FROM checkin"
    " WHERE assembly_id = ?) AS n LEFT JOIN (SELECT seq, hash, at FROM audit_event"
    " ORDER BY seq DESC LIMIT 1) AS h ON 1 = 1"
)
_AUDIT = (
    "INSERT INTO audit_event (seq, at, kind, data_json, prev, hash, chain_format, sealed,"
    " seal_salt, private_json) VALUES (?, ?, 'checkin', ?, ?, ?, 2, ?, ?, ?)"
)
_LOCK = "SELECT pg_advisory_xact_lock(%s)"


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=15000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Floor:
    """One durable commit of a tiny row, timed: the least any check-in can cost."""

    def __init__(self, url: str, folder: Path) -> None:
        self.pg = url.startswith("postgresql")
        if self.pg:
            self.conn: Any = psycopg.connect(_psycopg_url(url))
            self.conn.execute("CREATE TABLE bench_floor (id serial PRIMARY KEY, x text)")
            self.conn.commit()
        else:
            # A file of its own beside the benchmark database, on the same file system.
            self.conn = _sqlite(folder / "floor.sqlite3")
            self.conn.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, x TEXT)")

    def once(self) -> float:
        start = time.perf_counter()
        if self.pg:
            self.conn.execute("INSERT INTO bench_floor (x) VALUES (%s)", ("x",))
            self.conn.commit()
        else:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO bench_floor (x) VALUES (?)", ("x",))
            self.conn.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


class BareCheckIn:
    """A check-in's statements through the raw driver (prepared by psycopg after 5 uses)."""

    def __init__(self, url: str, assembly_id: int, lock_key: int) -> None:
        self.pg = url.startswith("postgresql")
        self.aid = assembly_id
        self.lock_key = lock_key
        if self.pg:
            self.conn: Any = psycopg.connect(_psycopg_url(url))
            self.sql = {k: _pg(v) for k, v in _statements().items()}
        else:
            self.conn = _sqlite(Path(url.split("///", 1)[1]))
            self.sql = _statements()

    def once(self, code: str) -> float:
        conn, sql = self.conn, self.sql
        start = time.perf_counter()
        if not self.pg:
            conn.execute("BEGIN IMMEDIATE")
        card = conn.execute(sql["lookup"], (self.aid, code)).fetchone()
        assert card is not None and card[9] is None, code
        now = _stamp()
        assert conn.execute(sql["insert"], (self.aid, card[0], "bare", now)).fetchone()
        if self.pg:
            conn.execute(_LOCK, (self.lock_key,))
        count, seq, prev, _at = conn.execute(sql["head"], (self.aid,)).fetchone()
        digest = hashlib.sha256(f"{seq}{prev}".encode()).hexdigest()
        data = f'{{"assembly": {self.aid}, "checked_in": {count}}}'
        private = f'{{"desk": "bare", "person": {card[0]}, "time": "{now}"}}'
        conn.execute(sql["audit"], (seq + 1, now, data, prev, digest, digest, digest, private))
        if self.pg:
            conn.commit()
        else:
            conn.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


def _statements() -> dict[str, str]:
    return {"lookup": _LOOKUP, "insert": _INSERT, "head": _HEAD, "audit": _AUDIT}
