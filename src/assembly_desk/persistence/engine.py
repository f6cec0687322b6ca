"""Opening a database: where the default file lives, and the settings that keep data safe."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event

ENV_VAR = "ASSEMBLY_DESK_DB"


def default_url() -> str:
    """The embedded SQLite file in the user's data folder (``ASSEMBLY_DESK_DB`` overrides)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    folder = Path(user_data_dir("assembly-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'assembly-desk.sqlite3'}"


def make_engine(url: str) -> Engine:
    """An engine tuned per backend.

    SQLite: WAL so readers never block the writer, ``synchronous=FULL`` so a power cut
    loses no committed check-in or ballot, foreign keys on, and ``BEGIN IMMEDIATE`` so two
    writers queue on the busy timeout instead of failing to upgrade a read lock.
    PostgreSQL: psycopg 3; correctness comes from constraints and transactions.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        if url not in ("sqlite://", "sqlite:///:memory:"):
            db_path = url.split("///", 1)[1] if "///" in url else ""
            if db_path:
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        # A small pool keeps connections (and their PRAGMAs) between units of work: a fresh
        # connection per keystroke would cost more than the search itself.
        engine = create_engine(url)
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
