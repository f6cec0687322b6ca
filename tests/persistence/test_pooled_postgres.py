"""Desks behind a transaction-mode pooler (``?pgbouncer=true``) never prepare statements.

Through PgBouncer in transaction mode, a statement psycopg prepared on one server
connection is named later on another ("prepared statement "_pg3_0" does not exist").
The proof that the flag works is on the server itself: after the same query ran ten
times on one connection, ``pg_prepared_statements`` lists it without the flag and is
empty with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from assembly_desk.persistence.engine import make_engine
from tests.conftest import create_pg_database, drop_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def _prepared_after_ten_runs(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for n in range(10):
                conn.execute(text("SELECT :n + 1"), {"n": n}).scalar_one()
            return int(
                conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_plain_address_lets_the_driver_prepare(pg_url: str) -> None:
    assert _prepared_after_ten_runs(pg_url) >= 1


def test_the_pooler_flag_turns_preparing_off_and_is_not_sent_to_the_server(pg_url: str) -> None:
    assert _prepared_after_ten_runs(f"{pg_url}?pgbouncer=true") == 0
    assert _prepared_after_ten_runs(f"{pg_url}?connect_timeout=5&pgbouncer=1") == 0
    assert _prepared_after_ten_runs(f"{pg_url}?pgbouncer=false") >= 1


def test_a_misspelt_flag_value_is_refused_with_the_fix(pg_url: str) -> None:
    with pytest.raises(ValueError, match="pgbouncer=maybe: use true or false"):
        make_engine(f"{pg_url}?pgbouncer=maybe")
