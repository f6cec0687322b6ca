"""A check-in desk's session: what one volunteer's laptop remembers between scans.

The one input field sends everything here. A card code checks in; anything else searches.
The same code scanned again within a few seconds (a scanner's double read, a nervous
second tap) is answered again, visibly, without a second trip through the rules.

When the database cannot be reached and the session has an offline queue (the window's
desk), a card is kept on the laptop and answered as kept (``QueuedScan``); the queue is
sent by ``offline_queue.send`` once the database is back. Without a queue (the command
line) the outage is raised as ``DatabaseUnreachable``, a plain message, never a driver's
exception. Only the outage is answered here; every other failure reaches the caller as it
was raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from assembly_desk.domain import card_code
from assembly_desk.persistence.unit_of_work import UnitOfWork, UnitOfWorkSource
from assembly_desk.services import checkin
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.offline_queue import DatabaseUnreachable, OfflineQueue, QueuedScan
from assembly_desk.services.search import SearchHit, SearchIndex, search

log = logging.getLogger(__name__)

REPEAT_WINDOW_SECONDS = 5.0
#: After a scan found the database gone, further scans are kept at once for this long
#: instead of each waiting on a connection attempt (up to the connect timeout on a network
#: that drops packets). The status refresh keeps retrying meanwhile and ends it early.
OFFLINE_SHORTCUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DeskAnswer:
    """Either a scan result (banner), a kept scan (banner) or search hits (list)."""

    scan: ScanResult | None = None
    hits: tuple[SearchHit, ...] = ()
    query: str = ""
    queued: QueuedScan | None = None


class DeskSession:
    def __init__(
        self,
        db: UnitOfWorkSource,
        assembly_id: int,
        desk: str,
        clock: Callable[[], datetime] = utc_now,
        queue: OfflineQueue | None = None,
    ) -> None:
        self.db = db
        self.assembly_id = assembly_id
        self.desk = desk
        self.clock = clock
        self.queue = queue
        self.index = SearchIndex(assembly_id)
        self._last: tuple[str, datetime, ScanResult | QueuedScan] | None = None
        self._offline_since: datetime | None = None

    @property
    def offline(self) -> bool:
        """True once a call found the database gone, until one reaches it again."""
        return self._offline_since is not None

    def mark_online(self) -> None:
        self._offline_since = None

    @contextmanager
    def _uow(self) -> Iterator[UnitOfWork]:
        """A unit of work whose connection loss (``DatabaseUnreachable``) is noted and raised.

        The unit of work itself turns a lost connection into ``DatabaseUnreachable``;
        this notes when, logs the first of a run, and raises it on. Nothing else is caught.
        """
        try:
            with self.db.uow() as uow:
                yield uow
        except DatabaseUnreachable as exc:
            if self._offline_since is None:
                log.warning("desk %s: database unreachable (%s)", self.desk, exc.__cause__)
            self._offline_since = self.clock()
            raise
        self._offline_since = None

    def submit(self, text: str) -> DeskAnswer:
        """Enter pressed (or a scanner's Enter): a code checks in, other text searches."""
        if card_code.looks_like_code(text):
            answer = self.take(text)
            if isinstance(answer, QueuedScan):
                return DeskAnswer(queued=answer, query=text)
            return DeskAnswer(scan=answer)
        return DeskAnswer(hits=tuple(self.search(text)), query=text)

    def scan(self, text: str) -> ScanResult:
        """A card read, answered from the database (``DatabaseUnreachable`` if it is gone)."""
        answer = self._answer(text, keep=False)
        assert isinstance(answer, ScanResult)
        return answer

    def take(self, text: str) -> ScanResult | QueuedScan:
        """A card read at the door: answered from the database, or kept if it is gone."""
        return self._answer(text, keep=self.queue is not None)

    def _answer(self, text: str, keep: bool) -> ScanResult | QueuedScan:
        code = card_code.normalise(text)
        now = self.clock()
        if self._last is not None:
            last_code, at, last = self._last
            if last_code == code and (now - at).total_seconds() < REPEAT_WINDOW_SECONDS:
                return replace(last, repeat=True)
        answer: ScanResult | QueuedScan
        refused = checkin.mistyped(text)
        if refused is not None:
            # The check digit needs no database: a typo is answered even offline.
            answer = refused
        elif keep and self._recently_offline(now):
            answer = self._keep(code, now)
        else:
            try:
                with self._uow() as uow:
                    answer = checkin.check_in_by_code(uow, self.assembly_id, code, self.desk, now)
            except DatabaseUnreachable:
                if not keep:
                    raise
                answer = self._keep(code, now)
        self._last = (code, now, answer)
        return answer

    def _recently_offline(self, now: datetime) -> bool:
        since = self._offline_since
        return since is not None and (now - since).total_seconds() < OFFLINE_SHORTCUT_SECONDS

    def _keep(self, code: str, now: datetime) -> QueuedScan:
        assert self.queue is not None
        return self.queue.add(self.assembly_id, code, self.desk, now)

    def check_in_person(self, person_id: int, guardian_consent: bool = False) -> ScanResult:
        with self._uow() as uow:
            result = checkin.check_in_person(
                uow, self.assembly_id, person_id, self.desk, self.clock(), guardian_consent
            )
        self._last = None
        return result

    def undo(self, person_id: int, reason: str) -> None:
        with self._uow() as uow:
            checkin.undo_check_in(uow, self.assembly_id, person_id, reason, self.desk, self.clock())
        self._last = None

    def search(self, query: str) -> list[SearchHit]:
        with self._uow() as uow:
            return search(uow, self.index, query)
