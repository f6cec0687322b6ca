"""The station's four pages: locked (scan a card), a ballot, its review, and thanks.

Each page only lays out its labels and buttons; the window decides which one shows and
what it says (``StationWindow._render``), so a page holds no voter's choice of its own
beyond the ballot widget the window puts into it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui.station.style import BODY_PX
from assembly_desk.gui.widgets.scan_field import ScanField
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.i18n import t


def label(name: str, text: str = "", wrap: bool = True) -> QLabel:
    """A label styled by its object name in the station's style sheet, never selectable."""
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return widget


def button(name: str, text: str = "") -> QPushButton:
    """A finger-sized button, reached by Tab and arrows (never by a stray click's focus)."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setMinimumHeight(88)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return widget


def message_line() -> StatusLine:
    """The line that says why a mark or a ballot was refused, in the station's body size."""
    return StatusLine("message", px=BODY_PX, selectable=False)


class LockedPage(QWidget):
    """Locked: the attendant scans the voter's card; notices answer below the field."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = label("heading", t("gui.station.locked"))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("hint", t("gui.station.locked_hint"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field = ScanField()
        self.field.setObjectName("stationField")
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setMinimumHeight(80)
        self.field.setMaximumWidth(640)
        self.notice = label("notice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setMinimumHeight(150)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addSpacing(12)
        layout.addWidget(self.hint)
        layout.addSpacing(36)
        layout.addWidget(self.field, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(36)
        layout.addWidget(self.notice)
        layout.addStretch(3)

    def show_notice(self, text: str, kind: str) -> None:
        """``kind`` (red / info / wait / none) picks the notice's colours in the style sheet."""
        self.notice.setText(text)
        self.notice.setProperty("kind", kind)
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)


class BallotPage(QWidget):
    """One contest's ballot: title, a motion's text, how to mark, the ballot (scrolling), 다음."""

    def __init__(self) -> None:
        super().__init__()
        self.progress = label("progress")
        self.title = label("title")
        # The motion's text as frozen at opening: the voter decides on what it says.
        self.motion = label("motion")
        self.motion.setTextFormat(Qt.TextFormat.PlainText)
        self.how = label("hint")
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A finger drags a long list (20 candidates) the way a phone does.
        QScroller.grabGesture(self.area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.message = message_line()
        self.status = label("status", wrap=False)
        self.clear_button = button("secondary", t("gui.station.clear"))
        self.next_button = button("primary", t("gui.station.next"))
        nav = QHBoxLayout()
        nav.addWidget(self.clear_button)
        nav.addWidget(self.status, 1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.title)
        layout.addWidget(self.motion)
        layout.addWidget(self.how)
        layout.addSpacing(12)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.message)
        layout.addLayout(nav)


class ReviewPage(QWidget):
    """The ballot read back in words, with 수정 and 확인."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = label("heading", t("gui.station.review"))
        self.title = label("hint")
        self.box = QFrame()
        self.box.setObjectName("reviewBox")
        self.text = label("review")
        box = QVBoxLayout(self.box)
        box.setContentsMargins(32, 24, 32, 24)
        box.addWidget(self.text)
        self.message = message_line()
        self.revise_button = button("secondary", t("gui.station.revise"))
        self.confirm_button = button("primary", t("gui.station.confirm"))
        nav = QHBoxLayout()
        nav.addWidget(self.revise_button)
        nav.addStretch(1)
        nav.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addWidget(self.box)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(nav)


class ThanksPage(QFrame):
    """감사합니다: shown for a few seconds after the last ballot, then the station locks."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("thanksPage")
        self.heading = label("thanks", t("gui.station.thanks"))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("thanksHint", t("gui.station.thanks_hint"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addSpacing(24)
        layout.addWidget(self.hint)
        layout.addStretch(1)
