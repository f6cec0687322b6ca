"""The schema: migrations match the models, run on both databases, and never reset data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from assembly_desk.domain.errors import Refused
from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models import Base
from assembly_desk.services.database import Database, open_database
from tests.conftest import make_assembly


def test_models_and_migrations_agree(any_db: Database) -> None:
    with any_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_keeps_data_and_is_at_head(any_db_url: str) -> None:
    first = open_database(any_db_url)
    aid = make_assembly(first)
    first.dispose()
    second = open_database(any_db_url)
    assert migrate.current_revision(second.engine) == migrate.head_revision()
    with second.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM assembly")).scalar_one() == aid
    second.dispose()


def test_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'r9999'"))
    db.dispose()
    with pytest.raises(Refused) as err:
        open_database(url)
    assert err.value.key == "error.db_newer"


def test_sqlite_is_tuned_for_safety(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unreachable_postgres_is_a_readable_error() -> None:
    from assembly_desk.domain.errors import DeskError

    with pytest.raises(DeskError) as err:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert err.value.key == "error.db_unreachable"
    assert "데이터베이스" in err.value.message()
