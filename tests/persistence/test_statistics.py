"""Planner statistics exist after start-up, on both databases: the app never ran ANALYZE."""

from __future__ import annotations

from sqlalchemy import text

from assembly_desk.persistence import statistics
from assembly_desk.persistence.engine import is_postgres
from assembly_desk.services.database import open_database
from tests.conftest import make_assembly
from tests.services.helpers import add_person


def _forget(engine) -> None:  # type: ignore[no-untyped-def]
    """Drop whatever statistics the database holds, as a database from an older program."""
    with engine.begin() as conn:
        if is_postgres(engine):
            # pg_statistic is the catalogue behind pg_stats; only a superuser may clear it,
            # as the tests' server user is.
            conn.execute(
                text(
                    "DELETE FROM pg_statistic WHERE starelid IN "
                    "(SELECT oid FROM pg_class WHERE relname IN ('person','checkin','audit_event'))"
                )
            )
        else:
            conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))


def test_a_roll_without_statistics_gets_them_at_the_next_start(any_db_url: str) -> None:
    db = open_database(any_db_url)
    aid = make_assembly(db)
    for n in range(30):
        add_person(db, aid, f"주민{n:02d}", phone=f"010-0000-{n:04d}")
    _forget(db.engine)
    postgres = is_postgres(db.engine)
    with db.engine.connect() as conn:
        assert not statistics.have_statistics(conn, postgres)
    db.dispose()

    reopened = open_database(any_db_url)
    try:
        with reopened.engine.connect() as conn:
            assert statistics.have_statistics(conn, postgres)
    finally:
        reopened.dispose()
