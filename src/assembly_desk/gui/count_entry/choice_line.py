"""The line above the count table: which contest, which batch, entry A or B, and who types.

Every entry is signed by the volunteer's name, so the name field sits on the same line
as the choice it signs; Enter there moves on to the key field (``done`` is emitted).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.count_entry import Batch, BatchKind, BatchState

_SIDE_STYLE = theme.style(
    theme.rule("QPushButton", "padding: 5px 12px;"),
    theme.rule(
        "QPushButton:checked",
        theme.bg(theme.PALETTE.accent),
        theme.fg(theme.PALETTE.text_on_strong),
        "font-weight: 700;",
    ),
)


def batch_text(b: Batch) -> str:
    """A batch in the list: its label and which entries exist, or that it is committed."""
    if b.state is BatchState.COMMITTED:
        return t("count_entry.batch_committed_item", label=b.label, papers=b.papers)
    sides = "·".join(s.value for s in b.entered) or "–"
    kind = t("count_entry.kind.totals") if b.kind is BatchKind.TOTALS else ""
    return t("count_entry.batch_item", label=b.label, sides=sides, kind=kind).strip()


def _combo(name: str, width: int) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setMinimumWidth(width)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


class ChoiceLine(QWidget):
    done = Signal()  # Enter in the volunteer's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contest_label, self.batch_label = QLabel(), QLabel()
        self.contest_box = _combo("countContest", 300)
        self.batch_box = _combo("countBatch", 200)
        self.new_batch = QPushButton()
        self.side_a, self.side_b = QPushButton(), QPushButton()
        self.sides = QButtonGroup(self)
        for i, button in enumerate((self.side_a, self.side_b)):
            button.setCheckable(True)
            button.setMinimumWidth(90)
            button.setStyleSheet(_SIDE_STYLE)
            self.sides.addButton(button, i)
        self.side_a.setChecked(True)
        self.volunteer_label = QLabel()
        self.volunteer = QLineEdit()
        self.volunteer.setObjectName("countVolunteer")
        self.volunteer.setMaximumWidth(150)
        self.volunteer.returnPressed.connect(self.done)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.contest_label, self.contest_box, self.batch_label, self.batch_box):
            layout.addWidget(w)
        layout.addWidget(self.new_batch)
        layout.addSpacing(12)
        layout.addWidget(self.side_a)
        layout.addWidget(self.side_b)
        layout.addSpacing(12)
        layout.addWidget(self.volunteer_label)
        layout.addWidget(self.volunteer)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.contest_label.setText(t("count_entry.contest"))
        self.batch_label.setText(t("count_entry.batch"))
        self.new_batch.setText(t("count_entry.new_batch"))
        self.side_a.setText(t("count_entry.side", side="A"))
        self.side_b.setText(t("count_entry.side", side="B"))
        self.volunteer_label.setText(t("count_entry.volunteer"))
        self.volunteer.setPlaceholderText(t("count_entry.volunteer_placeholder"))
