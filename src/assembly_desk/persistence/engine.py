"""Opening a database: where the default file lives, and the settings that keep data safe.

The roll, the card codes that unlock a voting station and the chair's passphrase hash are
in the SQLite file and its write-ahead log, so the data folder is made 0700 and the
database files 0600 (owner only) however the process umask is set, and files left with
looser modes by earlier versions are tightened when the engine opens them. On Windows,
modes mean little: the files live in the per-user AppData folder, whose ACL already
grants only the user, SYSTEM and administrators; the app adds nothing there.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event

from assembly_desk.persistence import db_file_guard
from assembly_desk.persistence.private_files import FILE_MODE, FOLDER_MODE, tighten

ENV_VAR = "ASSEMBLY_DESK_DB"
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def data_folder() -> Path:
    """The app's own data folder, created (and kept) owner-only."""
    folder = Path(user_data_dir("assembly-desk", appauthor=False))
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    tighten(folder, FOLDER_MODE)
    return folder


def _prepare_sqlite_file(db_path: Path) -> None:
    """Create the database file 0600 before SQLite does, and tighten what exists.

    SQLite creates a new file with 0644 less the umask, and gives its -wal, -shm and
    -journal files the main file's mode; so a 0600 main file keeps all of them private.
    A folder the app creates for the file is 0700; an existing folder the user chose
    (``--db ~/Documents/x.sqlite3``) is left alone.
    """
    db_path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if sys.platform != "win32":
        with contextlib.suppress(FileExistsError):
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    secure_sqlite_files(db_path)


def secure_sqlite_files(db_path: Path) -> None:
    """Make the database and its -wal, -shm and -journal files owner-only (if present)."""
    for suffix in SQLITE_SUFFIXES:
        tighten(db_path.with_name(db_path.name + suffix), FILE_MODE)


def default_url() -> str:
    """The embedded SQLite file in the user's data folder (``ASSEMBLY_DESK_DB`` overrides)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    return f"sqlite:///{data_folder() / 'assembly-desk.sqlite3'}"


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
        db_file: Path | None = None
        if url not in ("sqlite://", "sqlite:///:memory:"):
            db_path = url.split("///", 1)[1] if "///" in url else ""
            if db_path:
                db_file = Path(db_path.split("?", 1)[0])
                _prepare_sqlite_file(db_file)
        # A small pool keeps connections (and their PRAGMAs) between units of work: a fresh
        # connection per keystroke would cost more than the search itself.
        engine = create_engine(url)
        _tune_sqlite(engine, db_file)
        return engine
    url, connect_args = _pooler_options(url)
    return create_engine(
        url, pool_pre_ping=True, pool_size=2, max_overflow=2, connect_args=connect_args
    )


#: ``?pgbouncer=true`` on a PostgreSQL address: the desks reach the server through a
#: transaction-mode pooler (PgBouncer before 1.21, or with ``max_prepared_statements``
#: unset), where consecutive transactions of one desk run on different server
#: connections.
POOLER_FLAG = "pgbouncer"


def _pooler_options(url: str) -> tuple[str, dict[str, Any]]:
    """The address without the pooler flag, and the driver options the flag asks for.

    psycopg prepares a statement on the server once it has run five times on a
    connection, then names it in later runs; through a transaction pooler the next run
    may land on a server connection that never saw it ("prepared statement \"_pg3_0\" does
    not exist") or already has one of that name. With the flag, nothing is prepared
    (``prepare_threshold=None``): every statement is sent whole, which a pooler passes
    through unharmed. The flag is the project's, so it is taken out of the address
    before psycopg sees it (libpq would refuse an unknown option).
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    query = dict(parsed.query)
    flag = query.pop(POOLER_FLAG, None)
    if flag is None:
        return url, {}
    value = flag if isinstance(flag, str) else flag[-1]
    if value.lower() not in ("true", "1", "yes", "false", "0", "no"):
        raise ValueError(f"{POOLER_FLAG}={value}: use true or false")
    stripped = parsed.set(query=query).render_as_string(hide_password=False)
    if value.lower() in ("false", "0", "no"):
        return stripped, {}
    return stripped, {"prepare_threshold": None}


def _tune_sqlite(engine: Engine, db_file: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()
        if db_file is not None:
            # The WAL and its index now exist; ones an older version left 0644 are fixed.
            secure_sqlite_files(db_file)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    if db_file is not None:
        # Every transaction first checks that the file and WAL are still the ones on disk.
        db_file_guard.attach(engine, db_file)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def user_folder() -> Path:
    """The app's own data folder for this user (platformdirs), not created here."""
    return Path(user_data_dir("assembly-desk", appauthor=False))


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None (a server, or an in-memory database)."""
    if not url.startswith("sqlite") or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return Path(path) if path else None
