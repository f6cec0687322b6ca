"""One object per open database, handed to the window (and usable by any other front).

The window is given a :class:`Services` and asks it for what each screen needs; it never
sees an engine, a session or a unit of work. Each use case here opens its own unit of
work, does one thing, and returns plain data (or raises a project error with a catalogue
key), so the same call behaves the same from the window, the command line or a test.
"""

from __future__ import annotations

from pathlib import Path

from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade.audit import AuditService
from assembly_desk.services.facade.count_entry import CountEntryService
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.facade.door import DoorService
from assembly_desk.services.facade.polls import PollsService
from assembly_desk.services.facade.printing import PrintingService
from assembly_desk.services.facade.results import ResultsService
from assembly_desk.services.facade.roll import RollService
from assembly_desk.services.facade.setup import SetupService
from assembly_desk.services.facade.station import StationService


class Services:
    """The use cases of one database: set-up, the desk, polls, count entry, results,
    stations, printing and the audit chain — for the window and the command line alike."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.setup = SetupService(db)
        self.polls = PollsService(db)
        self.count_entry = CountEntryService(db)
        self.results = ResultsService(db)
        self.printing = PrintingService(db)
        self.roll = RollService(db)
        self.audit = AuditService(db)

    @classmethod
    def open(cls, url: str | None = None, box_dir: Path | None = None) -> Services:
        """Open (and if needed upgrade) the database at ``url``; see ``open_database``."""
        return cls(open_database(url, box_dir))

    @property
    def url(self) -> str:
        """The database's address, as the user gave it (shown in warnings, fingerprinted)."""
        return self._db.url

    def desk(self, desk: str) -> DeskService:
        """The door's use cases for the desk named ``desk`` (one per window)."""
        return DeskService(self._db, desk)

    def door(self, assembly_id: int, desk: str) -> DoorService:
        """The door's use cases for a one-off command (no offline queue, no thread check)."""
        return DoorService(self._db, assembly_id, desk)

    def station(self, assembly_id: int) -> StationService:
        """The voting station's use cases for one assembly."""
        return StationService(self._db, assembly_id)

    def close(self) -> None:
        """Let go of the database's connections (the window is closing)."""
        self._db.dispose()


__all__ = [
    "AuditService",
    "CountEntryService",
    "DeskService",
    "DoorService",
    "PollsService",
    "PrintingService",
    "ResultsService",
    "RollService",
    "Services",
    "SetupService",
    "StationService",
]
