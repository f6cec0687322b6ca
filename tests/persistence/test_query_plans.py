"""The search's hot queries keep their plans on the primary keys, whatever the statistics.

A keystroke once cost 17 ms on SQLite and 41 ms on PostgreSQL because, without statistics,
the planners read the roll by a status index or a bitmap scan and sorted it. Each statement
of ``persistence/repositories/search_rows.py`` is explained here (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN on PostgreSQL) in three states of the same database:

* ``stale``: statistics gathered when the roll had five people and the audit chain a few
  entries, then 20,000 people, 10,000 check-ins and 20,000 audit entries added (a day at
  the door after the morning's start-up);
* ``none``: no statistics at all (a database from a release that never ran ANALYZE);
* ``fresh``: statistics gathered now.
"""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from assembly_desk.persistence import statistics
from assembly_desk.persistence.engine import is_postgres
from assembly_desk.persistence.repositories import people, search_rows
from assembly_desk.services.database import Database, open_database
from tests.conftest import FIXED_NOW, make_assembly
from tests.persistence.test_statistics import _forget
from tests.services.helpers import add_person

PEOPLE = 20_000
IDS = list(range(9_000, 9_030))


def _grow(db: Database) -> tuple[int, int, int]:
    """A few walk-ins, statistics, then a big roll, check-ins and audit entries after them."""
    aid = make_assembly(db)
    for n in range(5):
        add_person(db, aid, f"주민{n}", date(1980, 1, n + 1))
    with db.engine.begin() as conn:
        statistics.refresh(conn, is_postgres(db.engine))
    rows = [
        {
            "assembly_id": aid,
            "name": f"이름{n}",
            "name_key": f"이름{n}",
            "birth_date": date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
            "category": "resident",
            "phone_last4": f"{n % 10_000:04d}",
            "card_code": f"{n:011d}",
            "eligible": n % 7 != 0,
            "created_at": FIXED_NOW,
        }
        for n in range(PEOPLE)
    ]
    with db.uow() as uow:
        people.insert_many(uow, rows)
        uow.commit()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO checkin (assembly_id, person_id, desk, at) "
                "SELECT assembly_id, id, 'd', created_at FROM person WHERE id % 2 = 0"
            )
        )
        first = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one() + 1
        conn.execute(
            text(
                "INSERT INTO audit_event (seq, at, kind, data_json, prev, hash, chain_format) "
                "SELECT id + :first, 'x', 'checkin.done', '{}', 'p', 'h' || id, 2 FROM person"
            ),
            {"first": first},
        )
        top_seq = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        top_id = conn.execute(text("SELECT max(id) FROM person")).scalar_one()
    return aid, int(top_id), int(top_seq)


def _plans(engine: Engine, aid: int, top_id: int, top_seq: int) -> dict[str, str]:
    postgres = is_postgres(engine)
    ids: object = IDS if postgres else json.dumps(IDS)
    params = {
        "heads": {},
        "keys_after": {"last": top_id - 10, "top": top_id},
        "keys_first_load": {"last": 0, "top": top_id},
        "keys_of": {"ids": ids},
        "shown": {"a": aid, "ids": ids},
        "roll_changes": {"last": top_seq - 10, "top": top_seq},
    }
    statements = search_rows.statements(postgres)
    if not postgres:  # PostgreSQL may read the whole table once by a scan: that is all of it
        statements["keys_first_load"] = statements["keys_after"]
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    out = {}
    with engine.connect() as conn:
        for name, statement in statements.items():
            rows = conn.execute(text(explain + str(statement)), params[name]).all()
            out[name] = "\n".join(str(r[-1]) for r in rows)
    return out


# SQLite: every access to a table is a lookup by rowid or by the check-in's unique key.
_SQLITE_ACCESS = re.compile(r"^(SCAN|SEARCH) (\w+)(.*)$")
_SQLITE_TABLES = {"person", "p", "audit_event", "a", "checkin", "c"}


def _check_sqlite(name: str, plan: str) -> None:
    """``name`` is "<state> <statement>"."""
    statement = name.split()[-1]
    for line in plan.splitlines():
        found = _SQLITE_ACCESS.match(line)
        if found is None or found.group(2) not in _SQLITE_TABLES:
            continue
        how, table, rest = found.groups()
        assert how == "SEARCH", f"{name}: {line}\n{plan}"
        if statement == "heads":
            assert rest == "", f"{name}: {line}"  # max() read off the end of the key
        elif table in ("checkin", "c"):
            assert "sqlite_autoindex_checkin_1 (assembly_id=? AND person_id=?)" in rest, line
        else:
            assert rest.startswith(" USING INTEGER PRIMARY KEY"), f"{name}: {line}\n{plan}"


_PG_INDEXES = {
    "heads": {"audit_event_pkey", "person_pkey"},
    "keys_after": {"person_pkey"},
    "keys_of": {"person_pkey"},
    "shown": {"person_pkey", "uq_checkin_person"},
    "roll_changes": {"audit_event_pkey"},
}


def _check_postgres(name: str, plan: str) -> None:
    """``name`` is "<state> <statement>"."""
    assert "Seq Scan" not in plan, f"{name}:\n{plan}"
    assert "Hash" not in plan, f"{name}:\n{plan}"  # no join reading every check-in
    used = set(re.findall(r" on (\w+)", plan)) - {"person", "audit_event", "checkin", "p", "a"}
    used |= set(re.findall(r"using (\w+)", plan))
    assert used == _PG_INDEXES[name.split()[-1]], f"{name}: {used}\n{plan}"


def test_the_search_queries_stay_on_the_primary_keys(any_db_url: str) -> None:
    db = open_database(any_db_url)
    try:
        aid, top_id, top_seq = _grow(db)
        postgres = is_postgres(db.engine)
        check = _check_postgres if postgres else _check_sqlite
        for state in ("stale", "none", "fresh"):
            if state == "none":
                _forget(db.engine)
            elif state == "fresh":
                with db.engine.begin() as conn:
                    statistics.refresh(conn, postgres)
            # A new connection: SQLite reads sqlite_stat1 when a connection opens.
            engine = create_engine(any_db_url, poolclass=NullPool)
            try:
                for name, plan in _plans(engine, aid, top_id, top_seq).items():
                    check(f"{state} {name}", plan)
            finally:
                engine.dispose()
    finally:
        db.dispose()


def test_the_checks_refuse_the_plans_that_were_slow() -> None:
    """The checks above would have caught the old refresh query's plans."""
    sqlite_old = "SEARCH person USING INDEX ix_person_status (assembly_id=?)\nUSE TEMP B-TREE"
    pg_old = "Bitmap Heap Scan on person\n  ->  Bitmap Index Scan on ix_person_status"
    for check, plan in ((_check_sqlite, sqlite_old), (_check_postgres, pg_old)):
        try:
            check("keys_after", plan)
        except AssertionError:
            continue
        raise AssertionError(f"{check.__name__} accepted {plan!r}")
