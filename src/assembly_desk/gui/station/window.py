"""The voting station (투표소 모드): a full-screen kiosk a voter uses alone.

An attendant scans the voter's card on the locked screen; the station asks the database
which open contests this person may still vote in (``unlock_for_card``) and shows their
ballots one after another, each followed by a review in words; 확인 stores it with
``cast`` — issue and ballot in one transaction — and after the last one the station
thanks the voter and locks itself again. The flow lives in ``StationState``; this window
draws it and moves it on the worker's answers.

What the station never does: show the voter's name, log or keep a selection after it is
stored or abandoned, or store anything before 확인. A ballot left alone for
``idle_timeout_s`` (default 90 s) is dropped and the station locks; the voter may come
back and scan again. Leaving kiosk mode (Esc, Ctrl+Q, closing the window, the app's
quit or the session's log-out) needs the chair's passphrase, checked by the service,
which audits each wrong try and makes further tries wait (the wait is shown here).
``left`` says the chair left with the passphrase; ``closed`` also follows a forced close.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import validate_selection
from assembly_desk.domain.errors import DeskError, InvalidInput
from assembly_desk.gui.station.ballot_widgets import BallotWidget, RankedBallot, ballot_widget
from assembly_desk.gui.station.state import Notice, Phase, StationState
from assembly_desk.gui.station.style import STYLE
from assembly_desk.gui.station.text import instructions, invalid_hint, review_lines
from assembly_desk.gui.widgets.scan_field import ScanField
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade.refusals import passphrase_refusal_text
from assembly_desk.services.facade.station import StationService
from assembly_desk.services.voting import Unlock

IDLE_TIMEOUT_S = 90.0
THANKS_S = 3.0
_ACTIVITY = (
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
)
# Service refusals at 확인, in a voter's words.
_CAST_REFUSALS = {
    "vote.already": "gui.station.cast.already",
    "poll.not_open": "gui.station.cast.closed",
}

AskPassphrase = Callable[[QWidget], "str | None"]


def ask_passphrase(parent: QWidget) -> str | None:
    """The chair types the passphrase (dots only); None when cancelled."""
    text, ok = QInputDialog.getText(
        parent, t("gui.station.exit_title"), t("gui.station.exit_prompt"),
        QLineEdit.EchoMode.Password,
    )  # fmt: skip
    return text if ok else None


def _is_quit(event: QKeyEvent) -> bool:
    """Ctrl+Q (or the platform's quit keys, e.g. ⌘Q): here it asks, as Esc does."""
    ctrl_q = event.key() == Qt.Key.Key_Q and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
    return ctrl_q or event.matches(QKeySequence.StandardKey.Quit)


def _label(name: str, text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def _button(name: str, text: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setMinimumHeight(88)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


class StationWindow(QWidget):
    """The kiosk window. ``start()`` shows it full screen; tests call ``show()``."""

    closed = Signal()  # kiosk mode left (with the passphrase) or forced shut
    left = Signal()  # kiosk mode left with the chair's passphrase (not forced)

    def __init__(
        self,
        backend: StationService,
        worker: DbWorker | None = None,
        *,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        thanks_s: float = THANKS_S,
        ask: AskPassphrase = ask_passphrase,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("station")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.backend = backend
        self._own_worker = worker is None
        self.worker = worker if worker is not None else DbWorker(self)
        self.ask = ask
        self.state = StationState()
        self.ballot: BallotWidget | None = None
        self._leaving = False
        self._closed = False
        self._forced = False
        self._asking = False  # the dialog is up or the answer is with the database
        self._exit_queued = False
        # The wait after wrong passphrases counts down on screen (from a monotonic clock;
        # the service, not this countdown, decides when a try is allowed again).
        self.monotonic = monotonic
        self._wait_until: float | None = None
        self.wait_timer = QTimer(self)
        self.wait_timer.setInterval(1000)
        self.wait_timer.timeout.connect(self.wait_tick)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(int(idle_timeout_s * 1000))
        self.idle_timer.timeout.connect(self._timed_out)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(int(thanks_s * 1000))
        self.thanks_timer.timeout.connect(self._thanks_over)

        self.pages = QStackedWidget()
        self.locked_page = self._build_locked()
        self.ballot_page = self._build_ballot()
        self.review_page = self._build_review()
        self.thanks_page = self._build_thanks()
        for page in (self.locked_page, self.ballot_page, self.review_page, self.thanks_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.pages)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.setWindowTitle(t("gui.station.window_title"))
        self._render()

    # -- building ------------------------------------------------------------------------
    def _build_locked(self) -> QWidget:
        page = QWidget()
        self.locked_heading = _label("heading", t("gui.station.locked"))
        self.locked_heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_hint = _label("hint", t("gui.station.locked_hint"))
        self.locked_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field = ScanField()
        self.field.setObjectName("stationField")
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setMinimumHeight(80)
        self.field.setMaximumWidth(640)
        self.field.scanned.connect(self.scan)
        self.field.entered.connect(self.scan)
        self.field.cleared.connect(self.request_exit)
        self.notice = _label("notice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setMinimumHeight(150)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(self.locked_heading)
        layout.addSpacing(12)
        layout.addWidget(self.locked_hint)
        layout.addSpacing(36)
        layout.addWidget(self.field, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(36)
        layout.addWidget(self.notice)
        layout.addStretch(3)
        return page

    def _build_ballot(self) -> QWidget:
        page = QWidget()
        self.progress = _label("progress")
        self.contest_title = _label("title")
        self.how = _label("hint")
        self.ballot_area = QScrollArea()
        self.ballot_area.setWidgetResizable(True)
        self.ballot_area.setFrameShape(QFrame.Shape.NoFrame)
        self.ballot_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A finger drags a long list (20 candidates) the way a phone does.
        QScroller.grabGesture(
            self.ballot_area.viewport(), QScroller.ScrollerGestureType.TouchGesture
        )
        self.ballot_message = _label("message")
        self.status_line = _label("status", wrap=False)
        self.clear_button = _button("secondary", t("gui.station.clear"))
        self.clear_button.clicked.connect(self._clear_ranking)
        self.next_button = _button("primary", t("gui.station.next"))
        self.next_button.clicked.connect(self.next)
        nav = QHBoxLayout()
        nav.addWidget(self.clear_button)
        nav.addWidget(self.status_line, 1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.contest_title)
        layout.addWidget(self.how)
        layout.addSpacing(12)
        layout.addWidget(self.ballot_area, 1)
        layout.addWidget(self.ballot_message)
        layout.addLayout(nav)
        return page

    def _build_review(self) -> QWidget:
        page = QWidget()
        self.review_heading = _label("heading", t("gui.station.review"))
        self.review_title = _label("hint")
        self.review_box = QFrame()
        self.review_box.setObjectName("reviewBox")
        self.review_text = _label("review")
        box = QVBoxLayout(self.review_box)
        box.setContentsMargins(32, 24, 32, 24)
        box.addWidget(self.review_text)
        self.review_message = _label("message")
        self.revise_button = _button("secondary", t("gui.station.revise"))
        self.revise_button.clicked.connect(self.revise)
        self.confirm_button = _button("primary", t("gui.station.confirm"))
        self.confirm_button.clicked.connect(self.confirm)
        nav = QHBoxLayout()
        nav.addWidget(self.revise_button)
        nav.addStretch(1)
        nav.addWidget(self.confirm_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.review_heading)
        layout.addWidget(self.review_title)
        layout.addSpacing(16)
        layout.addWidget(self.review_box)
        layout.addStretch(1)
        layout.addWidget(self.review_message)
        layout.addLayout(nav)
        return page

    def _build_thanks(self) -> QWidget:
        page = QFrame()
        page.setObjectName("thanksPage")
        self.thanks_heading = _label("thanks", t("gui.station.thanks"))
        self.thanks_heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks_hint = _label("thanksHint", t("gui.station.thanks_hint"))
        self.thanks_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.thanks_heading)
        layout.addSpacing(24)
        layout.addWidget(self.thanks_hint)
        layout.addStretch(1)
        return page

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        """Kiosk: full screen, on top, the scan field focused."""
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.showFullScreen()
        self.activateWindow()
        self.field.setFocus()

    @property
    def phase(self) -> Phase:
        return self.state.phase

    def scan(self, code: str) -> None:
        """A card was read (or typed + Enter) on the locked screen."""
        code = code.strip()
        self.field.reset()
        if not code or not self.state.scanned():
            return
        self._render()
        self.worker.submit(lambda: self.backend.unlock(code), self._unlocked, self._unlock_failed)

    def _unlocked(self, unlock: Unlock) -> None:
        refusal = unlock.refusal.value if unlock.refusal is not None else None
        self.state.unlocked(unlock.person_id, unlock.contests, refusal)
        self._new_ballot()
        self._render()

    def _unlock_failed(self, _error: JobError) -> None:
        self.state.unlock_failed()
        self._render()

    def next(self) -> None:
        """다음: the marks must make a valid ballot; then the review."""
        contest = self.state.contest
        if self.phase is not Phase.BALLOT or contest is None or self.ballot is None:
            return
        try:
            selection = validate_selection(contest.definition, self.ballot.selection())
        except InvalidInput as error:
            reason = str(error.params.get("reason", ""))
            self.ballot_message.setText(invalid_hint(reason, contest.definition))
            return
        self.state.chosen(selection)
        self._render()

    def revise(self) -> None:
        self.state.revise()
        self._render()

    def confirm(self) -> None:
        """확인: store this ballot (issue + ballot, one transaction)."""
        args = self.state.confirm()
        if args is None:
            return
        contest_id, person_id, selection = args
        self._render()
        self.worker.submit(
            lambda: self.backend.cast(contest_id, person_id, selection),
            self._cast_done,
            self._cast_failed,
        )

    def _cast_done(self, _result: object) -> None:
        self.state.cast_done()
        if self.phase is Phase.BALLOT:
            self._new_ballot()
        self._render()

    def _cast_failed(self, error: JobError) -> None:
        exc = error.exception
        key = "gui.station.fault"
        if isinstance(exc, DeskError):
            key = _CAST_REFUSALS.get(exc.key, key)
        self.state.cast_failed(key)
        self._render()

    def _timed_out(self) -> None:
        self.state.timed_out()
        self._render()

    def _thanks_over(self) -> None:
        self.state.thanks_over()
        self._render()

    def _clear_ranking(self) -> None:
        if isinstance(self.ballot, RankedBallot):
            self.ballot.clear()

    # -- drawing -------------------------------------------------------------------------
    def _new_ballot(self) -> None:
        """A fresh widget for the current contest; the previous one (and its marks) is dropped."""
        self._drop_ballot()
        contest = self.state.contest
        if contest is None:
            return
        self.ballot = ballot_widget(contest.definition)
        self.ballot.changed.connect(lambda: self.ballot_message.setText(""))
        self.ballot.changed.connect(self._update_status)
        self.ballot.refused.connect(self.ballot_message.setText)
        self.ballot_area.setWidget(self.ballot)

    def _drop_ballot(self) -> None:
        if self.ballot is not None:
            taken = self.ballot_area.takeWidget()
            if taken is not None:
                taken.deleteLater()
            self.ballot = None

    def _render(self) -> None:
        phase = self.phase
        if phase in (Phase.LOCKED, Phase.UNLOCKING):
            self._render_locked()
        elif phase is Phase.BALLOT:
            self._render_ballot()
        elif phase in (Phase.REVIEW, Phase.CASTING):
            self._render_review()
        elif phase is Phase.THANKS:
            self._forget_marks()
            self.pages.setCurrentWidget(self.thanks_page)
        busy = phase in (Phase.UNLOCKING, Phase.CASTING)
        for button in (self.next_button, self.confirm_button, self.revise_button):
            button.setEnabled(not busy)
        self._timers()

    def _forget_marks(self) -> None:
        """No trace of the last voter's choices on any page, hidden or not."""
        self._drop_ballot()
        self.review_text.setText("")
        self.status_line.setText("")

    def _render_locked(self) -> None:
        self._forget_marks()
        self.pages.setCurrentWidget(self.locked_page)
        notice = self.state.notice
        if self.phase is Phase.UNLOCKING:
            self._show_notice(t("gui.station.checking"), "wait")
        elif notice is None:
            self._show_notice("", "none")
        else:
            self._show_notice(
                t(notice.key, **dict(notice.params)), "red" if notice.refusal else "info"
            )
        self.field.setEnabled(self.phase is Phase.LOCKED)
        if self.phase is Phase.LOCKED:
            self.field.setFocus()

    def _show_notice(self, text: str, kind: str) -> None:
        self.notice.setText(text)
        self.notice.setProperty("kind", kind)
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)

    def _render_ballot(self) -> None:
        contest = self.state.contest
        assert contest is not None
        number, total = self.state.progress
        self.progress.setText(t("gui.station.progress", n=number, total=total))
        self.progress.setVisible(total > 1)
        self.contest_title.setText(contest.definition.title)
        self.how.setText(instructions(contest.definition))
        self.ballot_message.setText("")
        self.clear_button.setVisible(isinstance(self.ballot, RankedBallot))
        self._update_status()
        self.pages.setCurrentWidget(self.ballot_page)
        self.setFocus()

    def _update_status(self) -> None:
        """The running count under a choice ballot: "2 / 3 선택", "합계 … / 한도 …"."""
        contest = self.state.contest
        text = ""
        if contest is not None and self.ballot is not None:
            defn = contest.definition
            selection = self.ballot.selection()
            if defn.ballot_type.value == "choose_n":
                text = t("gui.station.count", n=len(selection["choices"]), max=defn.max_choices)
            elif defn.ballot_type.value == "budget":
                lines = review_lines(defn, selection)
                text = lines[-1]
        self.status_line.setText(text)

    def _render_review(self) -> None:
        contest = self.state.contest
        assert contest is not None and self.state.selection is not None
        self.review_title.setText(contest.definition.title)
        lines = review_lines(contest.definition, self.state.selection)
        self.review_text.setText("\n".join(lines))
        self.review_message.setText(t("gui.station.saving") if self.phase is Phase.CASTING else "")
        self.pages.setCurrentWidget(self.review_page)
        self.setFocus()

    def _timers(self) -> None:
        if self.state.in_session:
            if not self.idle_timer.isActive():
                self.idle_timer.start()
        else:
            self.idle_timer.stop()
        if self.phase is Phase.THANKS:
            if not self.thanks_timer.isActive():
                self.thanks_timer.start()
        else:
            self.thanks_timer.stop()

    # -- input ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Any touch, click or key inside this window keeps the voter's ballot alive."""
        if (
            event.type() in _ACTIVITY
            and self.state.in_session
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            self.idle_timer.start()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        phase = self.phase
        if key == Qt.Key.Key_Escape or _is_quit(event):
            self.request_exit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and focused.window() is self:
                focused.click()
            elif phase is Phase.BALLOT:
                self.next()
            elif phase is Phase.REVIEW:
                self.confirm()
        elif key == Qt.Key.Key_Backspace and phase is Phase.REVIEW:
            self.revise()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and phase is Phase.BALLOT and self.ballot:
            self.ballot.press_digit(key - Qt.Key.Key_0)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.focusNextChild()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.focusPreviousChild()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- leaving kiosk mode ----------------------------------------------------------------
    def request_exit(self) -> None:
        """Esc or close: only with the chair's passphrase (checked by the service)."""
        self._exit_queued = False
        if self._leaving or self._closed or self._asking:
            return
        self._asking = True
        self.idle_timer.stop()
        passphrase = self.ask(self)
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
        exc = error.exception
        text = passphrase_refusal_text(exc) or t("gui.station.exit_wrong")
        wait = 0
        if isinstance(exc, DeskError) and exc.key == "chair.wait":
            wait = int(exc.params.get("seconds", 0))
            notice = Notice("chair.wait", (("seconds", wait),))
        elif isinstance(exc, DeskError) and exc.params.get("wait"):
            wait = int(exc.params["wait"])
            notice = Notice("kiosk.wrong_then_wait", (("seconds", wait),))
        else:
            notice = Notice("gui.station.exit_wrong")
        self._say_refused(text, notice)
        if wait:
            self._wait_until = self.monotonic() + wait
            self.wait_timer.start()

    def wait_tick(self) -> None:
        """Once a second: the wait shown on the locked screen counts down, then goes."""
        notice = self.state.notice
        showing = notice is not None and notice.key in ("chair.wait", "kiosk.wrong_then_wait")
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
        if self.phase in (Phase.LOCKED, Phase.UNLOCKING):
            self.state.notice = notice
            self._render()
        elif self.phase is Phase.REVIEW:
            self.review_message.setText(text)
        else:
            self.ballot_message.setText(text)
        self._refocus()

    def _refocus(self) -> None:
        if self.phase is Phase.LOCKED:
            self.field.setFocus()
        else:
            self.setFocus()

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
        super().closeEvent(event)

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
            app.removeEventFilter(self)
        if self._own_worker:
            self.worker.shutdown()
        if not self._forced:
            self.left.emit()
        self.closed.emit()
