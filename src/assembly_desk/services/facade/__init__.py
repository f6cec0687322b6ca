"""One object per open database, handed to the window (and usable by any other front).

The window is given a :class:`Services` and asks it for what each screen needs; it never
sees an engine, a session or a unit of work. Each use case here opens its own unit of
work, does one thing, and returns plain data (or raises a project error with a catalogue
key), so the same call behaves the same from the window, the command line or a test.
"""

from __future__ import annotations

from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembly_desk.services.database import Database, open_database

if TYPE_CHECKING:
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
    from assembly_desk.services.facade.tally import TallyService

#: Where each service class lives. A use case is imported when it is first asked for, not
#: with the package: the door's ``status`` command needs neither the PDFs (reportlab, PIL)
#: nor the bundles (cryptography), and the window's first frame needs only the desk.
_HOME = {
    "AuditService": "audit",
    "CountEntryService": "count_entry",
    "DeskService": "desk",
    "DoorService": "door",
    "PollsService": "polls",
    "PrintingService": "printing",
    "ResultsService": "results",
    "RollService": "roll",
    "SetupService": "setup",
    "StationService": "station",
    "TallyService": "tally",
}


def __getattr__(name: str) -> Any:
    """``from assembly_desk.services.facade import PrintingService`` still works, lazily."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


class Services:
    """The use cases of one database: set-up, the desk, polls, count entry, results,
    stations, printing, the count's signers, lot and export, and the audit chain — for the
    window and the command line alike."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # Each use case is made (and its module imported) when first asked for, then kept.
    @cached_property
    def setup(self) -> SetupService:
        from assembly_desk.services.facade.setup import SetupService

        return SetupService(self._db)

    @cached_property
    def polls(self) -> PollsService:
        from assembly_desk.services.facade.polls import PollsService

        return PollsService(self._db)

    @cached_property
    def count_entry(self) -> CountEntryService:
        from assembly_desk.services.facade.count_entry import CountEntryService

        return CountEntryService(self._db)

    @cached_property
    def results(self) -> ResultsService:
        from assembly_desk.services.facade.results import ResultsService

        return ResultsService(self._db)

    @cached_property
    def printing(self) -> PrintingService:
        from assembly_desk.services.facade.printing import PrintingService

        return PrintingService(self._db)

    @cached_property
    def tally(self) -> TallyService:
        from assembly_desk.services.facade.tally import TallyService

        return TallyService(self._db)

    @cached_property
    def roll(self) -> RollService:
        from assembly_desk.services.facade.roll import RollService

        return RollService(self._db)

    @cached_property
    def audit(self) -> AuditService:
        from assembly_desk.services.facade.audit import AuditService

        return AuditService(self._db)

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
        from assembly_desk.services.facade.desk import DeskService

        return DeskService(self._db, desk)

    def door(self, assembly_id: int, desk: str) -> DoorService:
        """The door's use cases for a one-off command (no offline queue, no thread check)."""
        from assembly_desk.services.facade.door import DoorService

        return DoorService(self._db, assembly_id, desk)

    def station(self, assembly_id: int) -> StationService:
        """The voting station's use cases for one assembly."""
        from assembly_desk.services.facade.station import StationService

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
    "TallyService",
]
