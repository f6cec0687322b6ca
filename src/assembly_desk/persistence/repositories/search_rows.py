"""The desk search's queries: one statement each, with plans that do not depend on statistics.

Search runs on every keystroke, so each of these is written for a fixed plan:

* ``heads``: ``max(seq)`` of the audit chain and ``max(id)`` of the roll, both read from the
  end of a primary key (O(1) on either database), tell a desk whether anything changed.
* ``keys_after``: the roll read by id. Left to the planner, SQLite without ``sqlite_stat1``
  chose ``ix_person_status`` for ``assembly_id = ?``, scanned all 100,000 entries and sorted
  them (17 ms a keystroke), and PostgreSQL a bitmap scan (41 ms). Here the statement names
  no assembly (the caller drops other assemblies' rows) and bounds the id on both sides, so
  the primary key is the only index that applies; SQLite walks it by rowid lookups.
* ``shown``: the hits' displayed fields and check-in state in one statement whose text does
  not change with the number of ids (``json_each`` on SQLite, ``= ANY`` on PostgreSQL), so
  the drivers keep it prepared.
* ``roll_changes``: the kinds of the audit entries since a desk last looked, by ``seq`` range.

``tests/persistence/test_query_plans.py`` asserts these plans with and without statistics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Boolean, Date, DateTime, Integer, String, TextClause, TextualSelect, text
from sqlalchemy.types import TypeEngine

from assembly_desk.persistence.unit_of_work import UnitOfWork

_Query = TypeVar("_Query", TextClause, TextualSelect)

#: The audit kinds that change what the search index holds (names, birth dates, phones)
#: or the numbers a reason quotes (the rules).
WATCHED_KINDS = (
    "person.registered",
    "person.corrected",
    "roll.imported",
    "roll.merged",
    "settings.changed",
)


class Heads(NamedTuple):
    audit_seq: int
    person_id: int


class SearchKey(NamedTuple):
    id: int
    assembly_id: int
    name_key: str
    birth_date: date
    phone_last4: str


class ShownRow(NamedTuple):
    """A hit as the desk shows it, with its check-in (``at`` is None when not checked in)."""

    id: int
    name: str
    birth_date: date
    category: str
    tong: str
    ban: str
    phone_last4: str
    eligible: bool
    ineligible_reason: str
    at: datetime | None
    desk: str | None


class RollChange(NamedTuple):
    seq: int
    kind: str
    private_json: str | None


_HEADS = text(
    "SELECT (SELECT max(seq) FROM audit_event) AS audit_seq, "
    "(SELECT max(id) FROM person) AS person_id"
)

_KEY_TYPES: dict[str, TypeEngine[Any] | type[TypeEngine[Any]]] = {
    "id": Integer,
    "assembly_id": Integer,
    "name_key": String,
    "birth_date": Date,
    "phone_last4": String,
}
# SQLite: ``NOT INDEXED`` alone does not do it. Statistics gathered when a table was small
# (the audit chain at the morning's import, before a day of check-ins) make the planner
# prefer a full scan to a rowid range, hint or not. Walking a generated series with
# ``CROSS JOIN`` (which SQLite never reorders) leaves it one choice per row: a rowid lookup.
# No ORDER BY: with one, stale statistics turned the lookup back into a scan per row; the
# few rows are sorted by the caller.
_SERIES = "WITH RECURSIVE s(v) AS (SELECT :last + 1 UNION ALL SELECT v + 1 FROM s WHERE v < :top) "
_KEYS_SQLITE = text(
    _SERIES + "SELECT p.id, p.assembly_id, p.name_key, p.birth_date, p.phone_last4 "
    "FROM s CROSS JOIN person AS p NOT INDEXED ON p.id = s.v"
).columns(**_KEY_TYPES)
# PostgreSQL: the id range is bounded on both sides and carries no other predicate, so no
# index but the primary key applies and its estimate stays small with or without
# statistics; rows of other assemblies are dropped by the caller.
_KEYS_PG = text(
    "SELECT id, assembly_id, name_key, birth_date, phone_last4 FROM person "
    "WHERE id > :last AND id <= :top ORDER BY id"
).columns(**_KEY_TYPES)

_KEYS_OF_SQLITE = text(
    "SELECT p.id, p.assembly_id, p.name_key, p.birth_date, p.phone_last4 "
    "FROM json_each(:ids) AS j CROSS JOIN person AS p NOT INDEXED ON p.id = j.value"
).columns(**_KEY_TYPES)
_KEYS_OF_PG = text(
    "SELECT id, assembly_id, name_key, birth_date, phone_last4 FROM person "
    "WHERE id = ANY(CAST(:ids AS integer[]))"
).columns(**_KEY_TYPES)

_SHOWN_COLUMNS = (
    "SELECT p.id, p.name, p.birth_date, p.category, p.tong, p.ban, p.phone_last4, "
    "p.eligible, p.ineligible_reason, c.at, c.desk "
)
_SHOWN_TYPES: dict[str, TypeEngine[Any] | type[TypeEngine[Any]]] = {
    "birth_date": Date,
    "eligible": Boolean,
    "at": DateTime(timezone=True),
}
_SHOWN_SQLITE = text(
    _SHOWN_COLUMNS + "FROM json_each(:ids) AS j CROSS JOIN person AS p NOT INDEXED "
    "ON p.id = j.value LEFT JOIN checkin AS c ON c.assembly_id = :a AND c.person_id = p.id"
).columns(**_SHOWN_TYPES)
# LATERAL with LIMIT 1 (which keeps it from being flattened into a join): PostgreSQL probes
# the check-in's unique index once per hit, whatever it guesses of the table's size
# (without statistics it hashed all of the assembly's check-ins).
_SHOWN_PG = text(
    _SHOWN_COLUMNS + "FROM person AS p LEFT JOIN LATERAL (SELECT at, desk FROM checkin "
    "WHERE checkin.assembly_id = :a AND checkin.person_id = p.id LIMIT 1) AS c ON true "
    "WHERE p.id = ANY(CAST(:ids AS integer[]))"
).columns(**_SHOWN_TYPES)

_CHANGES_SQL = (
    "SELECT a.seq, a.kind, a.private_json FROM {source} WHERE a.kind IN ("
    + ", ".join(f"'{kind}'" for kind in WATCHED_KINDS)
    + ")"
)
_CHANGES_SQLITE = text(
    _SERIES + _CHANGES_SQL.format(source="s CROSS JOIN audit_event AS a NOT INDEXED ON a.seq = s.v")
)
_CHANGES_PG = text(
    _CHANGES_SQL.format(source="audit_event AS a").replace(
        " WHERE ", " WHERE a.seq > :last AND a.seq <= :top AND "
    )
)


def _pick(uow: UnitOfWork, sqlite: _Query, postgres: _Query) -> _Query:
    return postgres if uow.is_postgres else sqlite


def _ids_param(uow: UnitOfWork, ids: Sequence[int]) -> object:
    return list(ids) if uow.is_postgres else json.dumps(list(ids))


def heads(uow: UnitOfWork) -> Heads:
    """The audit chain's newest seq and the roll's highest id (0 when empty)."""
    row = uow.session.execute(_HEADS).one()
    return Heads(int(row.audit_seq or 0), int(row.person_id or 0))


def keys_after(uow: UnitOfWork, last_id: int, top_id: int) -> list[SearchKey]:
    """Everyone with ``last_id < id <= top_id``, any assembly, in id order, on the primary key.

    At a keystroke the range is a few walk-ins wide. A desk's first load reads every id; on
    PostgreSQL with statistics of a much smaller roll that one read may be a sequential scan,
    which is the right plan for reading the whole table once.
    """
    if last_id >= top_id:
        return []
    query = _pick(uow, _KEYS_SQLITE, _KEYS_PG)
    rows = uow.session.execute(query, {"last": last_id, "top": top_id})
    return sorted(SearchKey(*r) for r in rows)


def keys_of(uow: UnitOfWork, ids: Sequence[int]) -> list[SearchKey]:
    """The search keys of these people as they are now (after a correction or a merge)."""
    if not ids:
        return []
    query = _pick(uow, _KEYS_OF_SQLITE, _KEYS_OF_PG)
    rows = uow.session.execute(query, {"ids": _ids_param(uow, ids)})
    return sorted(SearchKey(*r) for r in rows)


def shown(uow: UnitOfWork, assembly_id: int, ids: Sequence[int]) -> dict[int, ShownRow]:
    """The hits' shown fields and check-ins in one statement, by person id."""
    if not ids:
        return {}
    query = _pick(uow, _SHOWN_SQLITE, _SHOWN_PG)
    rows = uow.session.execute(query, {"a": assembly_id, "ids": _ids_param(uow, ids)})
    return {r[0]: ShownRow(*r) for r in rows}


def roll_changes(uow: UnitOfWork, after: int, upto: int) -> list[RollChange]:
    """Audit entries in ``(after, upto]`` that change the roll or the rules, in order."""
    query = _pick(uow, _CHANGES_SQLITE, _CHANGES_PG)
    rows = uow.session.execute(query, {"last": after, "top": upto})
    return sorted(RollChange(int(r.seq), r.kind, r.private_json) for r in rows)


def statements(postgres: bool) -> dict[str, TextClause | TextualSelect]:
    """The search's statements by name, for the tests that read their plans."""
    pick = 1 if postgres else 0
    return {
        "heads": _HEADS,
        "keys_after": (_KEYS_SQLITE, _KEYS_PG)[pick],
        "keys_of": (_KEYS_OF_SQLITE, _KEYS_OF_PG)[pick],
        "shown": (_SHOWN_SQLITE, _SHOWN_PG)[pick],
        "roll_changes": (_CHANGES_SQLITE, _CHANGES_PG)[pick],
    }
