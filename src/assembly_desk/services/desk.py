"""A check-in desk's session: what one volunteer's laptop remembers between scans.

The one input field sends everything here. A card code checks in; anything else searches.
The same code scanned again within a few seconds (a scanner's double read, a nervous
second tap) is answered again, visibly, without a second trip through the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from assembly_desk.domain import card_code
from assembly_desk.services import checkin
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.search import SearchHit, SearchIndex, search

REPEAT_WINDOW_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DeskAnswer:
    """Either a scan result (banner) or search hits (list), never both."""

    scan: ScanResult | None = None
    hits: tuple[SearchHit, ...] = ()
    query: str = ""


class DeskSession:
    def __init__(
        self,
        db: Database,
        assembly_id: int,
        desk: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.assembly_id = assembly_id
        self.desk = desk
        self.clock = clock
        self.index = SearchIndex(assembly_id)
        self._last: tuple[str, datetime, ScanResult] | None = None

    def submit(self, text: str) -> DeskAnswer:
        """Enter pressed (or a scanner's Enter): a code checks in, other text searches."""
        if card_code.looks_like_code(text):
            return DeskAnswer(scan=self.scan(text))
        return DeskAnswer(hits=tuple(self.search(text)), query=text)

    def scan(self, text: str) -> ScanResult:
        code = card_code.normalise(text)
        now = self.clock()
        if self._last is not None:
            last_code, at, result = self._last
            if last_code == code and (now - at).total_seconds() < REPEAT_WINDOW_SECONDS:
                return replace(result, repeat=True)
        with self.db.uow() as uow:
            result = checkin.check_in_by_code(uow, self.assembly_id, code, self.desk, now)
        self._last = (code, now, result)
        return result

    def check_in_person(self, person_id: int, guardian_consent: bool = False) -> ScanResult:
        with self.db.uow() as uow:
            result = checkin.check_in_person(
                uow, self.assembly_id, person_id, self.desk, self.clock(), guardian_consent
            )
        self._last = None
        return result

    def undo(self, person_id: int, reason: str) -> None:
        with self.db.uow() as uow:
            checkin.undo_check_in(uow, self.assembly_id, person_id, reason, self.desk, self.clock())
        self._last = None

    def search(self, query: str) -> list[SearchHit]:
        with self.db.uow() as uow:
            return search(uow, self.index, query)
