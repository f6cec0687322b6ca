"""The signers box on 결과: who may sign, adding a key, and the signed export.

Only widgets and how they are filled: the chair's actions (register a key file, create a
key, export) run in ``ResultsPage``, which owns the worker and the backend. Fingerprints
are in a monospace face and read out aloud from ``announce`` when a key is added, so the
room hears the one a witness will check in the minutes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui.results.look import fingerprint_style, hint_style
from assembly_desk.i18n import t
from assembly_desk.services.signers import Signer

SIGNER_COLUMNS = ("gui.results.col.signer", "gui.results.col.role", "gui.results.col.fingerprint")


def role_text(role: str) -> str:
    """The role in the UI's words (an unknown role is shown as stored)."""
    key = f"gui.results.role.{role}"
    return t(key) if t(key) != key else role


class SignersBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(SIGNER_COLUMNS))
        self.table.setObjectName("resultsSigners")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_file_button = QPushButton()
        self.create_key_button = QPushButton()
        self.announce = QLabel()
        self.announce.setObjectName("resultsFingerprint")
        self.announce.setWordWrap(True)
        self.announce.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.announce.setStyleSheet(fingerprint_style())
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportBundle")
        self.witness_hint = QLabel()
        self.witness_hint.setWordWrap(True)
        self.witness_hint.setStyleSheet(hint_style())
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_file_button)
        row.addWidget(self.create_key_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.announce)
        layout.addWidget(self.export_button)
        layout.addWidget(self.witness_hint)

    def fill(self, signers: tuple[Signer, ...]) -> None:
        self.table.setRowCount(len(signers))
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        for r, signer in enumerate(signers):
            info = signer.info
            fp = QTableWidgetItem(info.fingerprint)
            fp.setFont(mono)
            cells = (QTableWidgetItem(info.name), QTableWidgetItem(role_text(info.role)), fp)
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)

    def announce_signer(self, signer: Signer) -> None:
        """The new signer's name and fingerprint, large, to be read out to the room."""
        self.announce.setText(
            t("gui.results.signers.read_aloud", name=signer.info.name)
            + "\n"
            + signer.info.fingerprint
        )

    def retranslate(self) -> None:
        self.setTitle(t("gui.results.signers.title"))
        self.table.setHorizontalHeaderLabels([t(k) for k in SIGNER_COLUMNS])
        self.add_file_button.setText(t("gui.results.signers.add_file"))
        self.create_key_button.setText(t("gui.results.signers.create"))
        self.export_button.setText(t("gui.results.export.button"))
        self.witness_hint.setText(t("gui.results.export.witness_hint"))
