"""The one line under a screen's controls that answers the last action in words.

Every screen used to colour its own message label (five helpers, four signatures, five
shades of green and red); this widget is the one way: ``say(text, tone)`` where the tone
says what the words are — ``ok`` (done), ``error`` (refused or failed, read this) or
``hint`` (what to do next) — and the colours come from the theme, so a refusal looks the
same on the polls, results and count screens and at the station.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from assembly_desk.gui import theme

Tone = Literal["ok", "error", "hint"]

# What each tone looks like: the text colour role and the weight.
_TONES: dict[Tone, tuple[str, int]] = {
    "ok": (theme.PALETTE.ok_text, 700),
    "error": (theme.PALETTE.error_text, 700),
    "hint": (theme.PALETTE.text_muted, 400),
}
STATUS_PX = theme.TYPE.body


class StatusLine(QLabel):
    """A word-wrapped, selectable label whose colour follows the tone of what it says.

    ``px`` sets the type size where a screen reads from further away (the station);
    ``selectable=False`` where nobody should select text (the kiosk).
    """

    def __init__(
        self,
        name: str = "",
        *,
        px: int = STATUS_PX,
        min_height: int = 0,
        selectable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.px = px
        self.tone: Tone = "hint"
        self.setWordWrap(True)
        if min_height:
            self.setMinimumHeight(min_height)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            if selectable
            else Qt.TextInteractionFlag.NoTextInteraction
        )
        self._style()

    def say(self, text: str, tone: Tone = "ok") -> None:
        """Show ``text`` in the colour of ``tone`` (an empty text clears the line)."""
        if tone != self.tone:
            self.tone = tone
            self._style()
        self.setText(text)

    def _style(self) -> None:
        colour, weight = _TONES[self.tone]
        self.setStyleSheet(theme.text_style(colour, self.px, weight))
