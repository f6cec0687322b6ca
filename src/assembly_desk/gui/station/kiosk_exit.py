"""Leaving kiosk mode: only with the chair's passphrase, checked by the service.

Esc, Ctrl+Q, closing the window, the app's quit and the session's log-out all end in
``request_exit``. The service audits each wrong try and makes further tries wait; the
wait is shown on the locked screen and counts down once a second (from a monotonic
clock — the service, not this countdown, decides when a try is allowed again). A forced
close (the host window shutting down) leaves without asking and without ``left``, so
the station reopens at the next start.

Kept as a mixin of :class:`StationWindow` so the voter's flow and the chair's way out
read apart, while tests still reach both on the one window.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QWidget

from assembly_desk.gui.station.notices import WAIT_KEYS, exit_refusal
from assembly_desk.gui.station.state import Notice, Phase, StationState
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from assembly_desk.gui.widgets.status_line import StatusLine
    from assembly_desk.services.facade.station import StationService

AskPassphrase = Callable[[QWidget], "str | None"]


def ask_passphrase(parent: QWidget) -> str | None:
    """The chair types the passphrase (dots only); None when cancelled."""
    text, ok = QInputDialog.getText(
        parent, t("gui.station.exit_title"), t("gui.station.exit_prompt"),
        QLineEdit.EchoMode.Password,
    )  # fmt: skip
    return text if ok else None


def is_quit(event: QKeyEvent) -> bool:
    """Ctrl+Q (or the platform's quit keys, e.g. ⌘Q): here it asks, as Esc does."""
    ctrl_q = event.key() == Qt.Key.Key_Q and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
    return ctrl_q or event.matches(QKeySequence.StandardKey.Quit)


class KioskExit:
    """The passphrase flow and the shut-down; mixed into the station window."""

    if TYPE_CHECKING:
        # Provided by StationWindow (and QWidget).
        state: StationState
        backend: StationService
        worker: DbWorker
        ask: AskPassphrase
        monotonic: Callable[[], float]
        idle_timer: QTimer
        thanks_timer: QTimer
        ballot_message: StatusLine
        review_message: StatusLine
        left: SignalInstance
        closed: SignalInstance

        @property
        def phase(self) -> Phase: ...
        def close(self) -> bool: ...
        def _render(self) -> None: ...
        def _timers(self) -> None: ...
        def _refocus(self) -> None: ...
        def _drop_ballot(self) -> None: ...

    def _init_exit(self, owner: QWidget, own_worker: bool) -> None:
        """Called once from the window's constructor (the mixin has no ``__init__``)."""
        self._own_worker = own_worker
        self._leaving = False
        self._closed = False
        self._forced = False
        self._asking = False  # the dialog is up or the answer is with the database
        self._exit_queued = False
        self._wait_until: float | None = None
        self.wait_timer = QTimer(owner)
        self.wait_timer.setInterval(1000)
        self.wait_timer.timeout.connect(self.wait_tick)

    def request_exit(self) -> None:
        """Esc or close: only with the chair's passphrase (checked by the service)."""
        self._exit_queued = False
        if self._leaving or self._closed or self._asking:
            return
        self._asking = True
        self.idle_timer.stop()
        passphrase = self.ask(self)  # type: ignore[arg-type]  # self is the window
        self._timers()
        if passphrase is None:
            self._asking = False
            self._refocus()
            return
        self.worker.submit(
            lambda: self.backend.check_passphrase(passphrase),
            self._exit_checked,
            self._exit_refused,
        )

    def ask_to_leave_soon(self) -> None:
        """Ask for the passphrase once the current event is handled (once, however often
        closing is tried meanwhile: the window, the main window and the app all may)."""
        if not self._exit_queued and not self._asking:
            self._exit_queued = True
            QTimer.singleShot(0, self.request_exit)

    def _exit_checked(self, ok: object) -> None:
        self._asking = False
        if ok is True:
            self._leaving = True
            self.close()
            return
        self._say_refused(t("gui.station.exit_wrong"), Notice("gui.station.exit_wrong"))

    def _exit_refused(self, error: JobError) -> None:
        """Wrong (audited), or still waiting after earlier wrong tries: say so and stay."""
        self._asking = False
        refusal = exit_refusal(error.exception)
        self._say_refused(refusal.text, refusal.notice)
        if refusal.wait:
            self._wait_until = self.monotonic() + refusal.wait
            self.wait_timer.start()

    def wait_tick(self) -> None:
        """Once a second: the wait shown on the locked screen counts down, then goes."""
        notice = self.state.notice
        showing = notice is not None and notice.key in WAIT_KEYS
        if self._wait_until is None or not showing or self.phase is not Phase.LOCKED:
            self.wait_timer.stop()
            self._wait_until = None
            return
        assert notice is not None
        left = math.ceil(self._wait_until - self.monotonic())
        if left <= 0:
            self.wait_timer.stop()
            self._wait_until = None
            self.state.notice = None
        else:
            self.state.notice = Notice(notice.key, (("seconds", left),))
        self._render()

    def _say_refused(self, text: str, notice: Notice) -> None:
        """The refusal where the chair is looking: the locked notice or the open page."""
        if self.phase in (Phase.LOCKED, Phase.UNLOCKING):
            self.state.notice = notice
            self._render()
        elif self.phase is Phase.REVIEW:
            self.review_message.say(text, "error")
        else:
            self.ballot_message.say(text, "error")
        self._refocus()

    @property
    def is_open(self) -> bool:
        """Still a kiosk: not left with the passphrase, not forced shut."""
        return not self._closed

    def force_close(self) -> None:
        """The host window is shutting down: leave without asking (nothing unconfirmed is
        kept). Not ``left``: a station closed this way reopens at the next start."""
        self._leaving = True
        self._forced = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leaving:
            event.ignore()
            self.ask_to_leave_soon()
            return
        self._shutdown()
        super().closeEvent(event)  # type: ignore[misc]  # QWidget's, after this mixin

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.idle_timer.stop()
        self.thanks_timer.stop()
        self.wait_timer.stop()
        self.state.lock()
        self._drop_ballot()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)  # type: ignore[arg-type]  # self is the window
        if self._own_worker:
            self.worker.shutdown()
        if not self._forced:
            self.left.emit()
        self.closed.emit()
