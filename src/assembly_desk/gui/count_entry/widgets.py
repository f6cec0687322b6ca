"""Small pieces of the count-entry page: the key field, the legend, the new-batch dialog.

The key field turns Qt key events into the keypad's key names. It switches the input
method off, and also reads the Hangul letters that ``B`` and ``X`` produce when a Korean
IME is left in Hangul mode (ㅠ, ㅌ), so a volunteer never has to think about the layout.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.count_entry import INVALID_REASONS, BatchKind

_KEYS = {
    Qt.Key.Key_Return: "ENTER",
    Qt.Key.Key_Enter: "ENTER",
    Qt.Key.Key_Backspace: "BACKSPACE",
    Qt.Key.Key_Escape: "ESCAPE",
    Qt.Key.Key_B: "B",
    Qt.Key.Key_X: "X",
}
_TEXT = {"b": "B", "ㅠ": "B", "x": "X", "ㅌ": "X", " ": " ", "+": " ", ",": " ", ".": " "}


def key_name(event: QKeyEvent) -> str | None:
    """The keypad's name for a key event, or None for keys the keypad does not use."""
    text = event.text()
    if len(text) == 1 and text.isdigit() and text.isascii():
        return text
    if len(text) == 1 and text.lower() in _TEXT:
        return _TEXT[text.lower()]
    key = event.key()
    if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
        return str(key - Qt.Key.Key_0)
    return _KEYS.get(Qt.Key(key)) if key in _KEYS else None


class KeyField(QFrame):
    """Where the volunteer types: shows the pending paper large, takes every key."""

    key = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countKeyField")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setMinimumHeight(120)
        self.caption = QLabel()
        self.caption.setStyleSheet(theme.text_style(theme.PALETTE.text_muted, theme.TYPE.small))
        self.caption.setWordWrap(True)
        self.pending = QLabel()
        self.pending.setObjectName("countPending")
        self.pending.setStyleSheet(theme.font(theme.TYPE.name, 700))
        self.pending.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.caption)
        layout.addWidget(self.pending, 1)
        self._style(False)

    def _style(self, focused: bool) -> None:
        colour = theme.PALETTE.accent if focused else theme.PALETTE.border_strong
        self.setStyleSheet(
            theme.rule(
                "#countKeyField", theme.border(3, colour, 10), theme.bg(theme.PALETTE.surface)
            )
        )

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._style(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._style(False)
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        name = key_name(event)
        if name is None or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            super().keyPressEvent(event)
            return
        event.accept()
        self.key.emit(name)


def legend_html(defn: ContestDefinition | None) -> str:
    """The key legend for the contest's ballot type, always on screen beside the field."""
    if defn is None:
        return f"<p>{escape(t('count_entry.legend.choose_contest'))}</p>"
    rows: list[tuple[str, str]] = []
    if defn.ballot_type is BallotType.YES_NO:
        rows += [("1", t("count_entry.vote.yes")), ("2", t("count_entry.vote.no"))]
        rows += [("3", t("count_entry.vote.abstain"))]
        rows += [("0 / B", t("count_entry.blank")), ("9 / X", t("count_entry.legend.invalid"))]
    else:
        many = len(defn.names) > 9
        rows.append(
            (
                "1–" + str(len(defn.names)),
                t("count_entry.legend.numbers_sep" if many else "count_entry.legend.numbers"),
            )
        )
        rows += [("0 / B", t("count_entry.blank")), ("X", t("count_entry.legend.invalid"))]
    rows += [
        ("Enter ⏎", t("count_entry.legend.enter")),
        ("Backspace ⌫", t("count_entry.legend.backspace")),
        ("Esc", t("count_entry.legend.escape")),
    ]
    body = "".join(
        f"<tr><td style='padding:3px 14px 3px 0'><b>{escape(k)}</b></td>"
        f"<td style='padding:3px 0'>{escape(v)}</td></tr>"
        for k, v in rows
    )
    reasons = " · ".join(
        f"{i + 1} {t(f'count_entry.reason.{r}')}" for i, r in enumerate(INVALID_REASONS)
    )
    html = f"<h3 style='margin:0 0 6px 0'>{escape(t('count_entry.legend.title'))}</h3>"
    html += f"<table style='{theme.font(theme.TYPE.body)}'>{body}</table>"
    title = escape(t("count_entry.legend.reasons"))
    html += f"<p style='{theme.font(theme.TYPE.caption)}'>{title}<br>{escape(reasons)}</p>"
    if defn.ballot_type is not BallotType.YES_NO:
        options = "<br>".join(f"<b>{i + 1}</b> {escape(n)}" for i, n in enumerate(defn.names))
        html += f"<p style='{theme.font(theme.TYPE.small)}'>{options}</p>"
    note = escape(t("count_entry.legend.note"))
    muted = theme.text_style(theme.PALETTE.text_muted, theme.TYPE.caption)
    html += f"<p style='{muted}'>{note}</p>"
    return html


class NewBatchDialog(QDialog):
    """Label, expected number of papers, and whether papers or totals are typed."""

    def __init__(self, totals_allowed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("count_entry.new_batch"))
        self.label = QLineEdit()
        self.label.setPlaceholderText(t("count_entry.batch_placeholder"))
        self.expected = QSpinBox()
        self.expected.setRange(0, 20_000)
        self.expected.setSpecialValueText(t("count_entry.expected_unknown"))
        self.kind = QComboBox()
        self.kind.addItem(t("count_entry.kind.ballots"), BatchKind.BALLOTS)
        self.kind.addItem(t("count_entry.kind.totals"), BatchKind.TOTALS)
        self.kind_note = QLabel()  # why totals cannot be chosen, when they cannot
        self.kind_note.setWordWrap(True)
        self.kind_note.setVisible(not totals_allowed)
        if not totals_allowed:
            reason = t("count_entry.totals_yes_no_only")
            model = self.kind.model()
            assert isinstance(model, QStandardItemModel)
            totals = model.item(1)
            totals.setEnabled(False)
            totals.setToolTip(reason)
            self.kind_note.setText(reason)
        form = QFormLayout(self)
        form.addRow(t("count_entry.batch_label"), self.label)
        form.addRow(t("count_entry.expected"), self.expected)
        form.addRow(t("count_entry.kind"), self.kind)
        form.addRow(self.kind_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, int | None, BatchKind]:
        expected = self.expected.value() or None
        return self.label.text(), expected, BatchKind(self.kind.currentData())
