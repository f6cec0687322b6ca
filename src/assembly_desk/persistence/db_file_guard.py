"""Stop writing when the SQLite file or its WAL is no longer the file on disk.

SQLite coordinates processes with POSIX (fcntl) locks, and POSIX drops *all* of a
process's locks on a file as soon as the process closes *any* descriptor of that file. A
file dialog, thumbnailer or type sniffer in our own process that opens and closes the
database, its ``-wal`` or its ``-shm`` silently removes our locks; the next process that
opens the database then believes it is alone, checkpoints, and deletes the WAL and its
index on close. Our connections keep writing into the deleted WAL: the window shows the
check-ins, the file on disk never gets them, and a crash loses them all.

``gui.file_dialogs`` keeps our own code from touching those files. This guard is the
backstop: every transaction (the engine's ``begin``) and every commit first compares the
files at the paths with the ones the connection opened — the main file recorded when the
engine was made, the WAL and its index recorded when the connection was opened — by
``(st_dev, st_ino)``, with ``os.stat`` (which never opens the file, so it cannot drop a
lock). An unlinked file no longer resolves, and a replaced one has another inode. Once
tripped the guard stays tripped: the data this process holds no longer reaches the file,
so it refuses every later transaction and says to restart the program, rather than let
a desk show "입장" for check-ins that will not survive.

It also says when a database lives in a folder of documents (home, Documents, Desktop,
Downloads): those are the folders people browse, sync and back up with other programs.
"""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir, user_desktop_dir, user_documents_dir, user_downloads_dir
from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from assembly_desk.domain.errors import DeskError

_WAL_KEY = "db_file_guard.wal"  # per-connection identities, in the pool entry's ``info``


class DatabaseFileLost(DeskError):
    """The database or its WAL was unlinked or replaced under this process: stop writing."""


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Which file a path names: device and inode, as ``os.stat`` reports them."""

    dev: int
    ino: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        """The identity of the file at ``path`` now, or None when nothing is there."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        if st.st_nlink == 0:  # pragma: no cover - a path cannot resolve to an unlinked file
            return None
        return cls(st.st_dev, st.st_ino)


class DbFileGuard:
    """Watches one SQLite file and the WAL and index each pooled connection holds open."""

    def __init__(self, db_file: Path) -> None:
        self.db_file = db_file
        self.wal_file = db_file.with_name(db_file.name + "-wal")
        self.shm_file = db_file.with_name(db_file.name + "-shm")
        self.main = FileIdentity.of(db_file)
        self._lost: str | None = None  # which file went, once tripped (sticky)
        self._lock = threading.Lock()

    @property
    def lost(self) -> str | None:
        return self._lost

    def connected(self, dbapi_conn: Any, entry: ConnectionPoolEntry) -> None:
        """Record the WAL and index this new connection opened (WAL mode only).

        A read makes SQLite open both; a connection keeps them open until it closes, so
        their identities stay valid for its whole life. A WAL recreated for a later
        connection (after every earlier one closed) is recorded again for that one.
        """
        self.check()
        cur = dbapi_conn.cursor()
        try:
            mode = cur.execute("PRAGMA journal_mode").fetchone()
            cur.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        finally:
            cur.close()
        if mode and str(mode[0]).lower() == "wal":
            entry.info[_WAL_KEY] = (FileIdentity.of(self.wal_file), FileIdentity.of(self.shm_file))
        else:
            entry.info[_WAL_KEY] = None

    def check(self, conn: Connection | None = None) -> None:
        """Raise ``DatabaseFileLost`` unless the files at the paths are the ones in use.

        Three ``os.stat`` calls at most: cheap enough for every transaction.
        """
        if self._lost is None:
            gone = self._changed(conn)
            if gone is not None:
                with self._lock:
                    self._lost = self._lost or gone
        if self._lost is not None:
            raise DatabaseFileLost("db_guard.lost", path=self._lost)

    def _changed(self, conn: Connection | None) -> str | None:
        if self.main is not None and FileIdentity.of(self.db_file) != self.main:
            return str(self.db_file)
        recorded = _recorded(conn)
        if recorded is None:
            return None
        wal, shm = recorded
        if wal is not None and FileIdentity.of(self.wal_file) != wal:
            return str(self.wal_file)
        if shm is not None and FileIdentity.of(self.shm_file) != shm:
            return str(self.shm_file)
        return None


def _recorded(conn: Connection | None) -> tuple[FileIdentity | None, FileIdentity | None] | None:
    """The WAL and index identities recorded for the pooled connection behind ``conn``."""
    if conn is None:
        return None
    try:
        info = conn.connection.info  # the pool entry's info dictionary
    except Exception:  # a closed or invalidated connection: nothing recorded to compare
        return None
    value = info.get(_WAL_KEY)
    return value if isinstance(value, tuple) else None


_GUARDS: weakref.WeakKeyDictionary[Engine, DbFileGuard] = weakref.WeakKeyDictionary()


def attach(engine: Engine, db_file: Path) -> DbFileGuard:
    """Guard ``engine``'s file: checked before each transaction begins and each commit.

    Call it after the engine's own ``connect`` listener (which turns WAL on). The ``begin``
    check is inserted first, so a tripped guard raises before SQLite is asked to begin.
    """
    guard = DbFileGuard(db_file)
    event.listen(engine, "connect", guard.connected)
    event.listen(engine, "begin", guard.check, insert=True)
    event.listen(engine, "commit", guard.check)
    _GUARDS[engine] = guard
    return guard


def guard_of(engine: Engine) -> DbFileGuard | None:
    """The guard ``attach`` put on ``engine`` (None: a server, or an in-memory database)."""
    return _GUARDS.get(engine)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def in_documents_folder(db_file: Path) -> Path | None:
    """The documents-like folder ``db_file`` lies in, or None (e.g. the app's own folder).

    Directly in the home folder, or anywhere under Documents, Desktop or Downloads (their
    localised names come from the XDG user-dirs settings through platformdirs). The app's
    own data folder is never one, even where it sits under the home folder.
    """
    where = Path(os.path.abspath(db_file)).parent
    own = Path(os.path.abspath(user_data_dir("assembly-desk", appauthor=False)))
    if _inside(where, own):
        return None
    home = Path(os.path.abspath(Path.home()))
    for name in (user_documents_dir(), user_desktop_dir(), user_downloads_dir()):
        folder = Path(os.path.abspath(name))
        if folder != home and _inside(where, folder):
            return folder
    return home if where == home else None


def location_warning_key(db_file: Path | None) -> tuple[str, dict[str, str]] | None:
    """The catalogue key and parameters of the documents-folder warning, if it applies."""
    if db_file is None:
        return None
    folder = in_documents_folder(db_file)
    if folder is None:
        return None
    own = user_data_dir("assembly-desk", appauthor=False)
    return "db_guard.documents_folder", {"folder": str(folder), "own": own}
