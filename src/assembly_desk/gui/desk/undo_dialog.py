"""Asking why before a check-in is undone: the reason goes into the audit log.

The OK button stays disabled until a reason is typed or picked, so an undo is never
anonymous. Common reasons are offered to keep the queue moving.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.people import PersonView

REASON_KEYS = ("gui.undo.reason.wrong_person", "gui.undo.reason.wrong_card", "gui.undo.reason.left")


class UndoDialog(QDialog):
    def __init__(self, person: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.setWindowTitle(t("gui.undo.title"))
        self.setMinimumWidth(520)
        question = QLabel(t("gui.undo.question", name=person.name, birth=person.birth_hint()))
        question.setWordWrap(True)
        question.setStyleSheet(theme.font(theme.TYPE.large, 600))
        prompt = QLabel(t("gui.undo.reason_label"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItem("")
        for key in REASON_KEYS:
            self.reason.addItem(t(key))
        self.reason.setCurrentIndex(0)
        editor = self.reason.lineEdit()
        if editor is not None:  # editable, so always there
            editor.setPlaceholderText(t("gui.undo.placeholder"))
        self.reason.setStyleSheet(theme.style(theme.font(theme.TYPE.body), "padding: 4px;"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("gui.undo.confirm"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("gui.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.currentTextChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(prompt)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._update()
        self.reason.setFocus()

    def reason_text(self) -> str:
        return self.reason.currentText().strip()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason_text()))
