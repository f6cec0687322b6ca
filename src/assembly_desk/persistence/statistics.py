"""Planner statistics: gathered when missing at start-up and after every roll change in bulk.

Without statistics both databases guess, and guessed wrong on the desk's hottest query
(the roll read by id): SQLite chose a status index and sorted 100,000 rows, PostgreSQL a
bitmap scan. The app never ran ANALYZE. SQLite's ANALYZE here is bounded
(``analysis_limit``), so it costs milliseconds at any roll size; PostgreSQL's samples.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from assembly_desk.persistence.engine import is_postgres
from assembly_desk.persistence.unit_of_work import UnitOfWork

# The tables whose plans matter at the door; the rest are small or read by primary key.
HOT_TABLES = ("person", "checkin", "audit_event")
_SQLITE_LIMIT = 1000  # rows sampled per index: enough to rank the indexes, a few ms


def have_statistics(conn: Connection, postgres: bool) -> bool:
    """Whether the roll table has planner statistics at all (never analysed: False)."""
    if postgres:
        return (
            conn.execute(
                text(
                    "SELECT 1 FROM pg_stats WHERE schemaname = current_schema() "
                    "AND tablename = 'person' LIMIT 1"
                )
            ).first()
            is not None
        )
    has_table = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    ).first()
    if has_table is None:
        return False
    return conn.execute(text("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'person'")).first() is not None


def refresh(conn: Connection, postgres: bool) -> None:
    """Gather statistics for the hot tables now (inside the caller's transaction on SQLite)."""
    if postgres:
        for table in HOT_TABLES:
            conn.execute(text(f"ANALYZE {table}"))
        return
    conn.execute(text(f"PRAGMA analysis_limit={_SQLITE_LIMIT}"))
    for table in HOT_TABLES:
        conn.execute(text(f"ANALYZE {table}"))


def ensure(engine: Engine) -> None:
    """At start-up: gather statistics only if the database has none (cheap either way)."""
    postgres = is_postgres(engine)
    with engine.begin() as conn:
        if not have_statistics(conn, postgres):
            refresh(conn, postgres)


def refresh_in(uow: UnitOfWork) -> None:
    """After a roll import or merge, in its transaction: the planner sees the roll's new size.

    Statistics taken when the roll was empty or a tenth of its size are as misleading as
    none (SQLite ranks a scan of the "two-row" table above any index); this costs a few ms
    on SQLite and about a tenth of a second on PostgreSQL at 100,000 people, once per file.
    """
    refresh(uow.session.connection(), uow.is_postgres)
