"""One database thread for the whole window, in the manner of Anki's ``CollectionOp``.

Every service call runs here, one after another, so the UI thread never waits on SQLite's
fsync or on a PostgreSQL server across the venue network, and writes from this desk never
race each other. Results come back to the UI thread by queued signals and are handed to
the callback given with the job. Nothing a job raises can crash the window: a
``DeskError`` becomes its message, anything else a message that says what to do next.
A database that cannot be reached (any page, any job) becomes the one outage sentence of
the catalogue, never the driver's text with its URL.
"""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t
from assembly_desk.services.offline_queue import is_unreachable

log = logging.getLogger(__name__)

Done = Callable[[Any], None]


@dataclass(frozen=True, slots=True)
class JobError:
    """What went wrong, ready to show: ``message`` is translated when the error arrives."""

    exception: BaseException
    expected: bool  # a DeskError: the user's input or the situation, not a bug
    message: str
    trace: str = ""

    @classmethod
    def from_exception(cls, exc: BaseException, trace: str = "") -> JobError:
        if is_unreachable(exc):
            # An outage, on any page: one translated sentence, never the driver's text.
            return cls(exc, True, t("outage.unreachable"), trace)
        if isinstance(exc, DeskError):
            return cls(exc, True, exc.message(), trace)
        detail = f"{type(exc).__name__}: {exc}".strip()
        return cls(exc, False, t("gui.error.unexpected", detail=detail), trace)


Failed = Callable[[JobError], None]


class _Runner(QObject):
    """Lives in the worker thread; runs each job it receives and reports back."""

    finished = Signal(int, object)
    failed = Signal(int, object, str)

    @Slot(int, object)
    def run(self, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as exc:
            self.failed.emit(job_id, exc, traceback.format_exc())
        else:
            self.finished.emit(job_id, result)


class DbWorker(QObject):
    """``submit(fn, on_done, on_error)``: run ``fn()`` in the worker thread, answer on this one.

    ``error`` is emitted for failed jobs that were submitted without ``on_error``, so the
    window can show them somewhere instead of losing them.
    """

    error = Signal(object)
    _request = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._held: deque[tuple[int, Callable[[], Any]]] = deque()
        self._dispatched = 0
        self._thread = QThread()
        self._thread.setObjectName("assembly-desk-db")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._request.connect(self._runner.run)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._thread.finished.connect(self._runner.deleteLater)
        self._thread.start()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        background: bool = False,
    ) -> int:
        """Queue ``fn``; jobs run one at a time in the order submitted. Returns the job id.

        A ``background`` job (the periodic status refresh, the search-index warm-up) is
        held back until the worker has nothing else to do, so a volunteer's scan never
        queues behind one; it can only meet one that is already running.
        """
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        if background and self._dispatched:
            self._held.append((job_id, fn))
        else:
            self._dispatch(job_id, fn)
        return job_id

    def pending(self) -> int:
        """Jobs submitted whose answer has not been delivered yet."""
        return len(self._callbacks)

    def _dispatch(self, job_id: int, fn: Callable[[], Any]) -> None:
        self._dispatched += 1
        self._request.emit(job_id, fn)

    def _settle(self) -> None:
        """One job answered: when the worker is idle, let one held background job run."""
        self._dispatched -= 1
        while self._held and not self._dispatched:
            job_id, fn = self._held.popleft()
            if job_id in self._callbacks:
                self._dispatch(job_id, fn)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Let the running job finish, drop the queued ones, stop the thread."""
        self._callbacks.clear()
        self._held.clear()
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.warning("database worker did not stop within %d ms", timeout_ms)

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: Any) -> None:
        self._settle()
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done is not None:
            self._guard(on_done, result)

    @Slot(int, object, str)
    def _on_failed(self, job_id: int, exc: BaseException, trace: str) -> None:
        self._settle()
        if job_id not in self._callbacks:
            return
        _, on_error = self._callbacks.pop(job_id)
        report = JobError.from_exception(exc, trace)
        if not report.expected:
            log.error("job %d failed:\n%s", job_id, trace)
        if on_error is not None:
            self._guard(on_error, report)
        else:
            self.error.emit(report)

    def _guard(self, callback: Callable[[Any], None], value: Any) -> None:
        """A bug in a UI callback is reported like a failed job, not raised into Qt."""
        try:
            callback(value)
        except Exception as exc:
            trace = traceback.format_exc()
            log.error("callback failed:\n%s", trace)
            self.error.emit(JobError.from_exception(exc, trace))
