"""The one input field at the door: card scans and name searches, typed or machine-typed.

A keyboard-wedge scanner types the card code fast and presses Enter; a volunteer types a
name, initials (ㄱㅁㅅ), a birth date or the last four phone digits. The field tells them
apart by keystroke rhythm (``KeystrokeRhythm``): a fast burst + Enter is emitted as
``scanned`` at once and never searched; typing is searched ``SEARCH_DELAY_MS`` after the
last key. A scan the laptop stalled in the middle of still arrives whole: the rhythm
bridges the pause when the text across it is a complete card code. With the Korean IME
in Hangul mode, scanners deliver digits as input-method commit strings, so those are fed
to the rhythm too (QLineEdit inserts them as usual).
Full-width digits pass through untouched: the services normalise them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from assembly_desk.domain import card_code
from assembly_desk.gui.widgets.keystroke_rhythm import KeystrokeRhythm

SEARCH_DELAY_MS = 120
UNTERMINATED_SCAN_MS = 250  # a scanner set up without an Enter suffix

_MOVES = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: 5,
    Qt.Key.Key_PageUp: -5,
}


class ScanField(QLineEdit):
    scanned = Signal(str)  # a machine-typed code: check in now
    entered = Signal(str)  # Enter on typed text
    searchRequested = Signal(str)  # the text after a pause in typing ("" clears)
    moveRequested = Signal(int)  # arrow keys: move the selection in the results
    cleared = Signal()  # Escape

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scanField")
        self.clock = clock
        self.rhythm = KeystrokeRhythm()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.textEdited.connect(self._on_edited)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)

    # -- events --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter()
            event.accept()
            return
        if key in _MOVES and not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.moveRequested.emit(_MOVES[Qt.Key(key)])
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.reset()
            self.cleared.emit()
            event.accept()
            return
        typed = event.text()
        if typed and typed.isprintable():
            self.rhythm.feed(self.clock(), len(typed), self._offset())
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        commit = event.commitString()
        if commit:
            self.rhythm.feed(self.clock(), len(commit), self._offset())
        before = self.text()
        super().inputMethodEvent(event)
        if commit and self.text() == before and not event.preeditString():
            # Some platform IMEs deliver a commit QLineEdit drops while read-only or
            # mid-selection; the field must never lose a scanned digit.
            self.insert(commit)
        if commit:
            self._on_edited(self.text())

    # -- behaviour -----------------------------------------------------------------------
    def reset(self) -> None:
        """Empty the field and forget the current burst (after every answer)."""
        self._search_timer.stop()
        self.rhythm.reset()
        self.clear()

    def _offset(self) -> int:
        return len(self.text()) - len(self.selectedText())

    def _on_edited(self, text: str) -> None:
        now = self.clock()
        if self.rhythm.in_burst(now) and self.rhythm.burst_chars >= 2:
            # Machine-typed: wait for its Enter instead of flashing search results.
            self._search_timer.start(UNTERMINATED_SCAN_MS)
            return
        self._search_timer.start(SEARCH_DELAY_MS)

    def _burst_text(self) -> str:
        return self.text()[self.rhythm.burst_offset :]

    def _complete_from(self, offset: int) -> bool:
        """True when the text from ``offset`` is a whole card code (its check digit holds)."""
        return card_code.is_valid(card_code.normalise(self.text()[offset:]))

    def _on_enter(self) -> None:
        self._search_timer.stop()
        start = self.rhythm.scan_start(self.clock(), self._complete_from)
        if start is not None:
            code = self.text()[start:].strip()
            self.reset()
            if code:
                self.scanned.emit(code)
            return
        self.entered.emit(self.text())

    def _search_now(self) -> None:
        burst = self._burst_text()
        if self.rhythm.is_scanner() and card_code.looks_like_code(burst):
            code = burst.strip()
            self.reset()
            self.scanned.emit(code)
            return
        self.searchRequested.emit(self.text().strip())
