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

The pages' layout is in ``pages``, the chair's way out in ``kiosk_exit`` and the words
for refusals and notices in ``notices``; this module moves the voter through the flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from assembly_desk.domain.contests import validate_selection
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.gui.station.ballot_widgets import BallotWidget, RankedBallot, ballot_widget
from assembly_desk.gui.station.kiosk_exit import AskPassphrase, KioskExit, ask_passphrase, is_quit
from assembly_desk.gui.station.notices import cast_refusal_key, locked_notice
from assembly_desk.gui.station.pages import BallotPage, LockedPage, ReviewPage, ThanksPage
from assembly_desk.gui.station.state import Phase, StationState
from assembly_desk.gui.station.style import STYLE
from assembly_desk.gui.station.text import instructions, invalid_hint, review_lines
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade.station import StationService
from assembly_desk.services.voting import Unlock

__all__ = ["AskPassphrase", "StationWindow", "ask_passphrase"]

IDLE_TIMEOUT_S = 90.0
THANKS_S = 3.0
_ACTIVITY = (
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
)


class StationWindow(KioskExit, QWidget):
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
        self.worker = worker if worker is not None else DbWorker(self)
        self.ask = ask
        self.monotonic = monotonic
        self.state = StationState()
        self.ballot: BallotWidget | None = None
        self._init_exit(self, own_worker=worker is None)
        self.idle_timer = self._timer(idle_timeout_s, self._timed_out)
        self.thanks_timer = self._timer(thanks_s, self._thanks_over)
        self._build_pages()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.setWindowTitle(t("gui.station.window_title"))
        self._render()

    # -- building ------------------------------------------------------------------------
    def _timer(self, seconds: float, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(int(seconds * 1000))
        timer.timeout.connect(slot)
        return timer

    def _build_pages(self) -> None:
        """The four pages, and short names for the pieces the flow (and tests) touch."""
        self.locked_page, self.ballot_page = LockedPage(), BallotPage()
        self.review_page, self.thanks_page = ReviewPage(), ThanksPage()
        self.pages = QStackedWidget()
        for page in (self.locked_page, self.ballot_page, self.review_page, self.thanks_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.pages)
        locked, ballot, review = self.locked_page, self.ballot_page, self.review_page
        self.locked_heading, self.field, self.notice = locked.heading, locked.field, locked.notice
        self.field.scanned.connect(self.scan)
        self.field.entered.connect(self.scan)
        self.field.cleared.connect(self.request_exit)
        self.progress, self.contest_title, self.how = ballot.progress, ballot.title, ballot.how
        self.motion_text = ballot.motion
        self.ballot_area, self.ballot_message = ballot.area, ballot.message
        self.status_line = ballot.status
        self.clear_button, self.next_button = ballot.clear_button, ballot.next_button
        self.clear_button.clicked.connect(self._clear_ranking)
        self.next_button.clicked.connect(self.next)
        self.review_title, self.review_text = review.title, review.text
        self.review_message = review.message
        self.revise_button, self.confirm_button = review.revise_button, review.confirm_button
        self.revise_button.clicked.connect(self.revise)
        self.confirm_button.clicked.connect(self.confirm)
        self.thanks_heading = self.thanks_page.heading

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
            self.ballot_message.say(invalid_hint(reason, contest.definition), "error")
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
        self.state.cast_failed(cast_refusal_key(error.exception))
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
        self.ballot.changed.connect(lambda: self.ballot_message.say("", "error"))
        self.ballot.changed.connect(self._update_status)
        self.ballot.refused.connect(lambda text: self.ballot_message.say(text, "error"))
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
        self.locked_page.show_notice(*locked_notice(self.state))
        self.field.setEnabled(self.phase is Phase.LOCKED)
        if self.phase is Phase.LOCKED:
            self.field.setFocus()

    def _render_ballot(self) -> None:
        contest = self.state.contest
        assert contest is not None
        number, total = self.state.progress
        self.progress.setText(t("gui.station.progress", n=number, total=total))
        self.progress.setVisible(total > 1)
        self.contest_title.setText(contest.definition.title)
        self.motion_text.setText(contest.definition.description)
        self.motion_text.setVisible(bool(contest.definition.description))
        self.how.setText(instructions(contest.definition))
        self.ballot_message.say("", "error")
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
        saving = self.phase is Phase.CASTING
        self.review_message.say(t("gui.station.saving") if saving else "", "hint")
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
        if key == Qt.Key.Key_Escape or is_quit(event):
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

    def _refocus(self) -> None:
        if self.phase is Phase.LOCKED:
            self.field.setFocus()
        else:
            self.setFocus()
