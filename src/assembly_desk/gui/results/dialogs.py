"""The results page's dialogs: a signer's new key, and signing an export.

They only collect and check what was typed (passphrases twice, nothing empty); the
page hands the answer to the worker. The page takes the ``ask_*`` functions as
parameters, so tests answer with prepared values instead of driving modal dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.audit.keys import MIN_PASSPHRASE_LENGTH
from assembly_desk.gui.results.look import problem_style
from assembly_desk.gui.widgets.file_dialogs import (
    get_existing_directory,
    get_open_file_name,
    get_save_file_name,
)
from assembly_desk.i18n import t
from assembly_desk.services.facade.results import ExportRequest, NewKey
from assembly_desk.services.signers import ROLES


def default_folder() -> str:
    """Where bundles and keys go unless the chair says otherwise: the user's documents."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(docs or Path.home()) / "Assembly Desk")


def _path_row(edit: QLineEdit, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class NewKeyDialog(QDialog):
    """Name, role, passphrase twice, where to save the key file (the signer's USB stick)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("gui.results.newkey.title"))
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"gui.results.role.{role}"), role)
        self.first = _secret()
        self.second = _secret()
        self.path = QLineEdit(str(Path(default_folder()) / "signer.key.pem"))
        browse = QPushButton(t("gui.results.browse"))
        browse.clicked.connect(self._browse)
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setStyleSheet(problem_style())
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(t("gui.results.newkey.name"), self.name)
        form.addRow(t("gui.results.newkey.role"), self.role)
        form.addRow(t("gui.results.newkey.passphrase"), self.first)
        form.addRow(t("gui.results.newkey.again"), self.second)
        form.addRow(t("gui.results.newkey.path"), _path_row(self.path, browse))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        path = get_save_file_name(
            self, t("gui.results.newkey.path"), self.path.text(), "PEM (*.pem)"
        )
        if path:
            self.path.setText(path)

    def check(self) -> str | None:
        """The first problem with what was typed, or None when it can be submitted."""
        if not self.name.text().strip():
            return t("gui.results.newkey.need_name")
        if len(self.first.text()) < MIN_PASSPHRASE_LENGTH:
            return t("gui.results.newkey.short", n=MIN_PASSPHRASE_LENGTH)
        if self.first.text() != self.second.text():
            return t("gui.results.newkey.differ")
        if not self.path.text().strip():
            return t("gui.results.newkey.need_path")
        return None

    def accept(self) -> None:
        problem = self.check()
        if problem is not None:
            self.problem.setText(problem)
            return
        super().accept()

    def answer(self) -> NewKey:
        return NewKey(
            self.name.text().strip(),
            str(self.role.currentData()),
            self.first.text(),
            self.path.text().strip(),
        )


class ExportDialog(QDialog):
    """The signer's key file, its passphrase (dots), and the folder to write the bundle in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("gui.results.export.title"))
        self.key = QLineEdit()
        key_browse = QPushButton(t("gui.results.browse"))
        key_browse.clicked.connect(self._browse_key)
        self.passphrase = _secret()
        self.folder = QLineEdit(default_folder())
        folder_browse = QPushButton(t("gui.results.browse"))
        folder_browse.clicked.connect(self._browse_folder)
        self.problem = QLabel()
        self.problem.setStyleSheet(problem_style())
        form = QFormLayout()
        form.addRow(t("gui.results.export.key"), _path_row(self.key, key_browse))
        form.addRow(t("gui.results.export.passphrase"), self.passphrase)
        form.addRow(t("gui.results.export.folder"), _path_row(self.folder, folder_browse))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(620, 0)

    def _browse_key(self) -> None:
        path = get_open_file_name(
            self, t("gui.results.export.key"), default_folder(), "PEM (*.pem);;* (*)"
        )
        if path:
            self.key.setText(path)

    def _browse_folder(self) -> None:
        path = get_existing_directory(self, t("gui.results.export.folder"), self.folder.text())
        if path:
            self.folder.setText(path)

    def accept(self) -> None:
        if not self.key.text().strip() or not self.folder.text().strip():
            self.problem.setText(t("gui.results.export.incomplete"))
            return
        super().accept()

    def answer(self) -> ExportRequest:
        return ExportRequest(
            self.key.text().strip(), self.passphrase.text(), self.folder.text().strip()
        )


def ask_new_key(parent: QWidget) -> NewKey | None:
    dialog = NewKeyDialog(parent)
    return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_export(parent: QWidget) -> ExportRequest | None:
    dialog = ExportDialog(parent)
    return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


def pick_public_file(parent: QWidget) -> str | None:
    path = get_open_file_name(
        parent, t("gui.results.signers.add_file"), default_folder(), "*.pub.json (*.pub.json)"
    )
    return path or None
