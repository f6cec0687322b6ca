"""The answer at the door, as large as the window allows: colour, headline, name, reason.

Green, amber and red fill the whole width so a volunteer sees the answer from the corner
of an eye while greeting the next person. Words come from ``ScanResult.headline()`` and
``detail()``; the banner keeps the last answer and re-renders it when the language
changes. A repeated read of the same card flashes and says so, so a double beep from the
scanner is visibly one check-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from assembly_desk.gui import theme
from assembly_desk.gui.widgets.worker import JobError
from assembly_desk.i18n import t
from assembly_desk.services.checkin import Outcome, ScanResult
from assembly_desk.services.people import PersonView


@dataclass(frozen=True, slots=True)
class Note:
    """A banner message that is not a scan: an undo done, a walk-in registered, a fault."""

    kind: str  # "info" or "fault"
    headline_key: str
    detail_key: str = ""
    params: tuple[tuple[str, str], ...] = ()
    error: JobError | None = None


class Banner(QFrame):
    undoRequested = Signal(object)  # PersonView
    consentRequested = Signal(object)  # PersonView

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setMinimumHeight(210)
        self._result: ScanResult | None = None
        self._note: Note | None = None
        self._repeats = 0
        self._flash_left = 0
        self._flash_on = False
        self.colour = "idle"

        self.headline = QLabel()
        self.headline.setObjectName("bannerHeadline")
        self.repeat_badge = QLabel()
        self.repeat_badge.setObjectName("bannerBadge")
        self.repeat_badge.hide()
        self.name = QLabel()
        self.name.setObjectName("bannerName")
        self.hint = QLabel()
        self.hint.setObjectName("bannerHint")
        self.detail = QLabel()
        self.detail.setObjectName("bannerDetail")
        self.detail.setWordWrap(True)
        for label in (self.headline, self.name, self.hint, self.detail, self.repeat_badge):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self.undo_button = QPushButton()
        self.consent_button = QPushButton()
        for button in (self.undo_button, self.consent_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setMinimumHeight(52)
            button.hide()
        self.undo_button.setObjectName("bannerUndo")
        self.consent_button.setObjectName("bannerConsent")
        self.undo_button.clicked.connect(self._ask_undo)
        self.consent_button.clicked.connect(self._ask_consent)

        top = QHBoxLayout()
        top.addWidget(self.headline)
        top.addSpacing(16)
        top.addWidget(self.repeat_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        who = QHBoxLayout()
        who.addWidget(self.name)
        who.addSpacing(18)
        who.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignBottom)
        who.addStretch(1)
        text = QVBoxLayout()
        text.addLayout(top)
        text.addLayout(who)
        text.addWidget(self.detail)
        text.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.consent_button)
        buttons.addWidget(self.undo_button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 16, 28, 16)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)

        self._flash = QTimer(self)
        self._flash.setInterval(140)
        self._flash.timeout.connect(self._flash_step)
        self.show_idle()

    # -- what to show --------------------------------------------------------------------
    def show_idle(self) -> None:
        self._result = None
        self._note = None
        self._repeats = 0
        self._render()

    def show_result(self, result: ScanResult) -> None:
        same = (
            self._result is not None
            and result.person is not None
            and self._result.person is not None
            and self._result.person.id == result.person.id
        )
        self._repeats = self._repeats + 1 if result.repeat and same else (1 if result.repeat else 0)
        self._result = result
        self._note = None
        self._render()
        if result.repeat:
            self._start_flash()

    def show_note(self, note: Note) -> None:
        self._result = None
        self._note = note
        self._repeats = 0
        self._render()

    def show_error(self, error: JobError) -> None:
        key = "gui.banner.refused" if error.expected else "gui.banner.fault"
        self.show_note(Note("fault", key, error=error))

    @property
    def result(self) -> ScanResult | None:
        return self._result

    def retranslate(self) -> None:
        self._render()

    # -- drawing -------------------------------------------------------------------------
    def _render(self) -> None:
        result, note = self._result, self._note
        self.undo_button.setText(t("gui.banner.undo"))
        self.consent_button.setText(t("gui.banner.consent"))
        self.repeat_badge.setText(t("gui.banner.repeat", count=self._repeats + 1))
        self.repeat_badge.setVisible(result is not None and result.repeat)
        if result is not None:
            self.colour = result.colour.value
            look = theme.LOOKS[self.colour]
            self.headline.setText(result.headline())
            self._show_person(result.person)
            self.detail.setText(result.detail())
            self.undo_button.setVisible(result.admitted and result.person is not None)
            self.consent_button.setVisible(
                result.outcome is Outcome.NEEDS_CONSENT and result.person is not None
            )
        elif note is not None:
            self.colour = note.kind
            look = theme.INFO if note.kind == "info" else theme.FAULT
            params = dict(note.params)
            self.headline.setText(t(note.headline_key, **params))
            self.name.setText(params.get("name", ""))
            self.name.setVisible(bool(params.get("name")))
            self.hint.setText(params.get("hint", ""))
            if note.error is not None:
                self.detail.setText(self._error_text(note.error))
            else:
                self.detail.setText(t(note.detail_key, **params) if note.detail_key else "")
            self.undo_button.hide()
            self.consent_button.hide()
        else:
            self.colour = "idle"
            look = theme.IDLE
            self.headline.setText(t("gui.banner.idle"))
            self.name.setText("")
            self.name.hide()
            self.hint.setText("")
            self.detail.setText(t("gui.banner.idle_detail"))
            self.undo_button.hide()
            self.consent_button.hide()
        self._paint(look)

    def _show_person(self, person: PersonView | None) -> None:
        if person is None:
            self.name.setText("")
            self.name.hide()
            self.hint.setText("")
            return
        self.name.setText(person.name)
        self.name.show()
        bits = [person.birth_hint(), person.place_hint()]
        self.hint.setText("  ·  ".join(b for b in bits if b))

    @staticmethod
    def _error_text(error: JobError) -> str:
        exc = error.exception
        message = error.message
        if error.expected and hasattr(exc, "message"):
            message = exc.message()  # re-translated after a language switch
        return message

    def _paint(self, look: theme.Look, flash: bool = False) -> None:
        border = look.text if flash else look.accent
        self.setStyleSheet(
            f"""
            QFrame#banner {{ background: {look.background}; border: 6px solid {border};
                             border-radius: 14px; }}
            QLabel {{ color: {look.text}; background: transparent; border: none; }}
            QLabel#bannerHeadline {{ {theme.font(theme.TYPE.banner, 800)} }}
            QLabel#bannerName {{ {theme.font(theme.TYPE.name, 700)} }}
            QLabel#bannerHint {{ {theme.font(theme.TYPE.detail)} }}
            QLabel#bannerDetail {{ {theme.font(theme.TYPE.detail)} }}
            QLabel#bannerBadge {{ {theme.font(theme.TYPE.heading, 700)} padding: 4px 12px;
                                  border: 2px solid {look.text}; border-radius: 8px; }}
            QPushButton {{ {theme.font(theme.TYPE.heading, 600)} padding: 8px 20px;
                           color: {look.background}; background: {look.text};
                           border: none; border-radius: 10px; }}
            QPushButton:hover {{ background: {look.accent}; color: {look.text}; }}
            """
        )

    def _start_flash(self) -> None:
        self._flash_left = 6
        self._flash.start()

    def _flash_step(self) -> None:
        self._flash_left -= 1
        self._flash_on = not self._flash_on and self._flash_left > 0
        look = theme.LOOKS.get(self.colour)
        if look is not None:
            self._paint(look, flash=self._flash_on)
        if self._flash_left <= 0:
            self._flash.stop()

    def _ask_undo(self) -> None:
        if self._result is not None and self._result.person is not None:
            self.undoRequested.emit(self._result.person)

    def _ask_consent(self) -> None:
        if self._result is not None and self._result.person is not None:
            self.consentRequested.emit(self._result.person)
