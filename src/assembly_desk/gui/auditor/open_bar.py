"""The bar above the verdict: open a bundle (file or folder), verify again, copy the report,
and which bundle is shown (or the hint that one can be dropped on the window).

The window connects the buttons; the bar only holds and words them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from assembly_desk.i18n import t


def _button(name: str) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setMinimumHeight(36)
    return button


class OpenBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_button = _button("openBundle")
        self.folder_button = _button("openFolder")
        self.again_button = _button("verifyAgain")
        self.copy_button = _button("copyReport")
        self.path_label = QLabel()
        self.path_label.setObjectName("bundlePath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.open_button, self.folder_button, self.again_button, self.copy_button):
            layout.addWidget(button)
        layout.addSpacing(12)
        layout.addWidget(self.path_label, 1)

    def retranslate(self) -> None:
        self.open_button.setText(t("gui.auditor.open.button"))
        self.folder_button.setText(t("gui.auditor.open.folder"))
        self.again_button.setText(t("gui.auditor.again"))
        self.copy_button.setText(t("gui.auditor.copy"))
