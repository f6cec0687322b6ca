"""Live counts for every page: ask the database every two seconds, and after each action.

Other desks check people in too, so the numbers cannot come only from this desk's
answers. One poller feeds the desk's counts panel and the status page. Refreshes are
background jobs (they wait for an idle worker), one at a time, and when the query is slow
(a large roll on a busy server) the interval stretches so that refreshing takes at most
``MAX_SHARE`` of the worker: a volunteer's scan should rarely meet one mid-run.

Each refresh first sends this desk's kept scans (if the database was lost and is back):
so a desk keeps retrying every interval by itself, and ``offline`` tells the pages how
many scans are still waiting and what the last send did.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.services.facade.desk import DeskService, OfflineState

INTERVAL_MS = 2000
MAX_SHARE = 0.1  # at most a tenth of the worker's time goes to the periodic refresh


class StatusPoller(QObject):
    updated = Signal(object)  # services.status.Status
    failed = Signal(object)  # JobError
    offline = Signal(object)  # gui.desk_backend.OfflineState, after each successful refresh

    def __init__(
        self,
        worker: DbWorker,
        backend: DeskService,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ):
        """``clock`` (seconds) times each refresh, so tests can make a query "slow"."""
        super().__init__(parent)
        self._clock = clock
        self._worker = worker
        self._backend = backend
        self._in_flight = False
        self._again = False
        self.enabled = False
        self.last: object = None
        self.last_seconds = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.enabled = True
        self.timer.start()
        self.refresh()

    def stop(self) -> None:
        self.enabled = False
        self.timer.stop()

    def refresh(self) -> None:
        if not self.enabled:
            return
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._worker.submit(self._timed_status, self._done, self._failed, background=True)

    def _timed_status(self) -> tuple[object, float, OfflineState]:
        start = self._clock()
        queue = self._backend.sync_offline()
        status = self._backend.status()
        return status, self._clock() - start, queue

    def _done(self, answer: tuple[object, float, OfflineState]) -> None:
        self._in_flight = False
        status, seconds, queue = answer
        self.last_seconds = seconds
        self.timer.setInterval(max(INTERVAL_MS, round(seconds * 1000 / MAX_SHARE)))
        self.last = status
        self.offline.emit(queue)
        self.updated.emit(status)
        self._maybe_again()

    def _failed(self, error: JobError) -> None:
        self._in_flight = False
        self.failed.emit(error)
        self._maybe_again()

    def _maybe_again(self) -> None:
        if self._again:
            self._again = False
            self.refresh()
