"""Where a desk's scans wait while the venue database cannot be reached, and how they land.

Two halves, both storage:

* ``LocalScanFile``: this laptop's queue, an append-only JSON-lines file in the app's own
  data folder (owner-only, like every file the app writes). Each line is fsynced before
  the desk answers, so a kill or a power cut right after a scan loses nothing. A scan is
  one ``{"op": "scan", ...}`` line; when the database has it, a ``{"op": "sent", "id"}``
  line follows. Nothing is rewritten in place, so a torn write can only damage the last
  line, which is then skipped (it was never answered as kept). When nothing is pending the
  file is removed.
* the database side, ``offline_scan`` rows keyed by each scan's uuid and written in the
  same transaction as the check-in, is ``repositories.offline_scans``.

Plus the helpers the fronts need for an outage: ``connection_lost`` (from
``persistence.errors``), ``raise_on_connection_loss`` and ``bound_connect_waits``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from assembly_desk.persistence.errors import connection_lost
from assembly_desk.persistence.private_files import FILE_MODE, FOLDER_MODE, fsync_dir, tighten

log = logging.getLogger(__name__)


# -- telling an outage from a bug ---------------------------------------------------------
def raise_on_connection_loss(engine: Engine, make_error: Callable[[], Exception]) -> None:
    """Turn every connection loss on ``engine`` into ``make_error()`` (raised from the cause).

    For the command line: whatever a command was doing, a lost connection ends it with one
    plain message instead of a traceback. A failed pre-ping is left alone, since the pool
    answers it by reconnecting; only when that also fails is the error replaced.
    """

    @event.listens_for(engine, "handle_error")
    def _lost(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            return
        if context.is_disconnect or connection_lost(context.original_exception):
            raise make_error() from context.original_exception


def bound_connect_waits(engine: Engine, seconds: int = 3) -> None:
    """Give a PostgreSQL connection attempt and a dead peer a bounded wait.

    Without it a venue network that drops packets (instead of refusing) holds the desk's
    worker in ``connect`` for minutes, and every scan queues behind it. Options the URL
    already sets are kept.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "do_connect")
    def _bounded(_dialect: Any, _rec: Any, _args: Any, kwargs: dict[str, Any]) -> None:
        kwargs.setdefault("connect_timeout", seconds)
        kwargs.setdefault("keepalives", 1)
        kwargs.setdefault("keepalives_idle", seconds)
        kwargs.setdefault("keepalives_interval", 1)
        kwargs.setdefault("keepalives_count", 3)
        kwargs.setdefault("tcp_user_timeout", seconds * 3000)


# -- the laptop's queue -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredScan:
    """One kept scan, exactly as written to the local file."""

    id: str
    assembly_id: int
    code: str
    desk: str
    at: str  # ISO 8601 UTC, from the desk's clock when the card was read

    def to_line(self) -> dict[str, Any]:
        return {
            "op": "scan",
            "id": self.id,
            "assembly": self.assembly_id,
            "code": self.code,
            "desk": self.desk,
            "at": self.at,
        }


class LocalScanFile:
    """The append-only queue file. One per (laptop user, venue database)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, scan: StoredScan) -> None:
        """Write one kept scan and fsync it before returning."""
        self._write({**scan.to_line()})

    def mark_sent(self, scan_id: str, *, maybe_last: bool = True) -> None:
        """The database has this scan; forget it (and the file, once nothing is pending).

        A sender going through the queue passes ``maybe_last=False`` until its last scan,
        so a long queue is not re-read after every line.
        """
        self._write({"op": "sent", "id": scan_id})
        if maybe_last and not self.pending():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            with contextlib.suppress(FileNotFoundError):
                fsync_dir(self.path.parent)

    def pending(self) -> list[StoredScan]:
        """Kept scans not yet marked sent, oldest first."""
        scans: dict[str, StoredScan] = {}
        for entry in self._lines():
            scan_id = str(entry.get("id", ""))
            if entry.get("op") == "scan" and scan_id:
                scans[scan_id] = StoredScan(
                    scan_id,
                    int(entry["assembly"]),
                    str(entry["code"]),
                    str(entry["desk"]),
                    str(entry["at"]),
                )
            elif entry.get("op") == "sent":
                scans.pop(scan_id, None)
        return list(scans.values())

    def _lines(self) -> Iterator[dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        for number, line in enumerate(raw.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                # Only a write cut short by a kill can leave this; it was never confirmed.
                log.warning("offline queue %s: unreadable line %d skipped", self.path, number)
                continue
            if isinstance(entry, dict):
                yield entry

    def _write(self, entry: dict[str, Any]) -> None:
        folder = self.path.parent
        created_folder = not folder.exists()
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        tighten(folder, FOLDER_MODE)
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            if sys.platform != "win32":
                os.fchmod(fd, FILE_MODE)
            size = os.fstat(fd).st_size
            if size:
                # A torn last line (a kill mid-write) must not swallow this one.
                with open(self.path, "rb") as reader:
                    reader.seek(size - 1)
                    if reader.read(1) != b"\n":
                        line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created or created_folder:
            fsync_dir(folder)
            if created_folder:
                fsync_dir(folder.parent)
