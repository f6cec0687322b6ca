"""The typing tab: the key field, the answer to the last key, the running counts, the
papers typed so far, and beside them the key legend and whether the entry is saved.

Only layout and drawing; the page answers the keys (``CountEntryPage.press``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.gui.count_entry.keys import KeyPad
from assembly_desk.gui.count_entry.widgets import KeyField
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.i18n import t


class TypingPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = KeyField()
        self.message = StatusLine("countMessage")
        self.counts = QLabel()
        self.counts.setObjectName("countCounts")
        self.counts.setWordWrap(True)
        self.counts.setStyleSheet(theme.font(theme.TYPE.counts))
        self.list = QListWidget()
        self.list.setObjectName("countList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setStyleSheet(theme.rule("QListWidget", theme.font(theme.TYPE.large)))
        self.legend = QLabel()
        self.legend.setObjectName("countLegend")
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.legend.setStyleSheet(
            theme.rule(
                "#countLegend",
                theme.bg(theme.PALETTE.surface_idle),
                "border-radius: 10px; padding: 12px;",
                theme.font(theme.TYPE.body),
            )
        )
        self.saved = StatusLine("countSaved")
        left = QVBoxLayout()
        left.addWidget(self.field)
        left.addWidget(self.message)
        left.addWidget(self.counts)
        left.addWidget(self.list, 1)
        right = QVBoxLayout()
        right.addWidget(self.legend, 1)
        right.addWidget(self.saved)
        row = QHBoxLayout(self)
        row.addLayout(left, 3)
        row.addLayout(right, 2)

    def show_caption(self, where: tuple[str, str, str] | None) -> None:
        """Above the field: which contest, batch and entry the keys go to (or choose one)."""
        if where is None:
            self.field.caption.setText(t("count_entry.choose_batch_first"))
            return
        contest, batch, side = where
        self.field.caption.setText(
            t("count_entry.caption", contest=contest, batch=batch, side=side)
        )

    def show_marks(self, pad: KeyPad | None) -> None:
        """The list of papers typed so far, the last one in view."""
        self.list.clear()
        if pad is not None:
            self.list.addItems([f"{i + 1}. {pad.describe(m)}" for i, m in enumerate(pad.marks)])
            self.list.scrollToBottom()

    def show_pending(self, pad: KeyPad | None) -> None:
        pending = pad.pending_text() if pad is not None else ""
        self.field.pending.setText(pending + " ⏎" if pending else "_")

    def show_counts(self, pad: KeyPad | None, expected: int | None) -> None:
        """Each choice's count so far and the total (against the batch's size, if given)."""
        if pad is None:
            self.counts.setText("")
            return
        parts = [f"{label} <b>{n}</b>" for label, n in pad.tally()]
        total = t("count_entry.total", n=len(pad.marks))
        if expected:
            total += " / " + t("count_entry.expected_n", n=expected)
        self.counts.setText("&nbsp;&nbsp; ".join(parts) + f"&nbsp;&nbsp; — <b>{total}</b>")
