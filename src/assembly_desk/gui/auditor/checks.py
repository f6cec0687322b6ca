"""The verifier's checks, one row each: ✓ or ✗, a plain name, and what it found.

Rows are widgets in a scroll area rather than cells of a view because the detail is the
point of the list ("round 2 does not reproduce ... signed 10, recount 9") and has to
wrap and be selectable for copying into minutes. SHA-256 hashes are shown in groups of
eight hex digits, as fingerprints are grouped, so a line can wrap inside a hash instead
of pushing the window wider; the tooltip keeps the detail exactly as the CLI prints it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.audit.verify import Check
from assembly_desk.gui import theme
from assembly_desk.services.bundle_review import check_title

_P, _TYPE = theme.PALETTE, theme.TYPE
OK_COLOUR = _P.ok
BAD_COLOUR = _P.error
BAD_BACKGROUND = _P.error_bg

_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def group_hashes(text: str) -> str:
    """``fd244af2807e…`` -> ``fd244af2 807e03e8 …``: breakable, and easier to compare aloud."""
    return _HASH.sub(lambda m: " ".join(m[0][i : i + 8] for i in range(0, 64, 8)), text)


@dataclass(frozen=True, slots=True)
class CheckLine:
    """What one row shows (kept for tests and the copied report)."""

    ok: bool
    title: str
    detail: str

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "✗"


class CheckRow(QFrame):
    def __init__(self, line: CheckLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkRow")
        self.line = line
        colour = OK_COLOUR if line.ok else BAD_COLOUR
        self.mark = QLabel(line.mark)
        self.mark.setObjectName("checkMark")
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.mark.setFixedWidth(30)
        self.title = QLabel(line.title)
        self.title.setObjectName("checkTitle")
        self.title.setWordWrap(True)
        self.detail = QLabel(group_hashes(line.detail))
        self.detail.setObjectName("checkDetail")
        self.detail.setWordWrap(True)
        self.detail.setToolTip(line.detail)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A path or other long token must not widen the whole list; it is in the tooltip.
        for label in (self.title, self.detail):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(80)
        background = "transparent" if line.ok else BAD_BACKGROUND
        title_colour = _P.text if line.ok else BAD_COLOUR
        self.setStyleSheet(
            f"""
            QFrame#checkRow {{ background: {background}; border: none;
                               border-bottom: 1px solid {_P.divider}; }}
            QLabel#checkMark {{ {theme.text_style(colour, _TYPE.subtitle, 800)} }}
            QLabel#checkTitle {{ {theme.text_style(title_colour, _TYPE.body, 700)} }}
            QLabel#checkDetail {{ {theme.text_style(_P.text_detail, _TYPE.caption)} }}
            """
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 10, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.mark, 0, 0, 2, 1)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.detail, 1, 1)
        grid.setColumnStretch(1, 1)


class ChecksList(QScrollArea):
    """The list of checks; ``set_checks`` replaces it, ``lines`` says what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checksList")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._body = QWidget()
        self._body.setObjectName("checksBody")
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)
        self.setWidget(self._body)
        self.rows: list[CheckRow] = []

    def set_checks(self, checks: list[Check], manifest: Mapping[str, Any] | None = None) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.hide()  # deleteLater waits for the event loop; never paint a stale row
            row.deleteLater()
        self.rows = []
        for check in checks:
            line = CheckLine(check.ok, check_title(check, manifest), check.detail())
            row = CheckRow(line, self._body)
            self._layout.insertWidget(self._layout.count() - 1, row)
            self.rows.append(row)

    def reveal_first_failure(self) -> None:
        """Scroll the first ✗ to the top: it is why the banner is red, and the failures
        that follow from it (a changed CVR file, then its recount) come right after."""
        failed = next((row for row in self.rows if not row.line.ok), None)
        if failed is not None:
            # Rows were just added: lay them out first, or the row's position is still 0.
            self._layout.activate()
            QTimer.singleShot(0, lambda: self._scroll_to(failed))

    def _scroll_to(self, row: CheckRow) -> None:
        if row in self.rows:
            self.verticalScrollBar().setValue(max(0, row.y() - 4))

    def lines(self) -> list[CheckLine]:
        return [row.line for row in self.rows]
