"""Every file dialog of the app, made so that it never opens a file it lists.

Why: SQLite keeps other processes from checkpointing and deleting its WAL with POSIX
(fcntl) locks, and POSIX drops *all* of a process's locks on a file when the process
closes *any* descriptor of it. Qt's own file dialog, shown on the database's folder,
opens the files there to guess their type (``QMimeDatabase`` content sniffing, through
the icon provider's ``icon()`` and ``type()``), closes them — and our locks are gone. The
next ``assembly-desk status`` from another terminal then deleted the WAL the window was
still writing to, and check-ins shown as done were lost (tests/gui/test_file_dialog_locks).

So the dialogs built here:

- use ``NameOnlyIconProvider``: a generic folder or file icon and a type named after the
  suffix, never a ``QMimeDatabase`` or platform-theme lookup (both read file contents);
- hide the database family (``*.sqlite3``, ``*.sqlite``, ``*-wal``, ``*-shm``,
  ``*-journal``, any file that has a ``-wal`` or ``-shm`` beside it, the ballot-box
  folder and its ``*.adbox`` files), decided from names and ``os.path.exists`` only;
- do not resolve symlinks or read custom folder icons;
- refuse a database file typed in by name, since the caller would open it next;
- are Qt's widget dialogs, not the platform's, except on Windows: a GTK or macOS panel
  in our process would sniff with its own code, out of our reach; Windows file locks
  belong to the handle and survive another handle's close, so its native dialog is safe.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFileSystemModel,
    QMessageBox,
    QStyle,
    QWidget,
)

from assembly_desk.i18n import t

# Names (lower case) the database, its journal files and the station ballot boxes end in.
HIDDEN_ENDINGS = (".sqlite3", ".sqlite", "-wal", "-shm", "-journal", ".adbox", ".ballot-boxes")
_COMPANIONS = ("-wal", "-shm", "-journal")


def is_database_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like an SQLite database family file or a ballot box.

    Judged from the name and from ``-wal``/``-shm``/``-journal`` companions beside it
    (``os.path.exists`` is a ``stat``: it opens nothing, so it cannot drop a lock).
    """
    text = os.fspath(path)
    name = os.path.basename(text.rstrip("/" + os.sep)).lower()
    if name.endswith(HIDDEN_ENDINGS):
        return True
    parent = os.path.basename(os.path.dirname(text)).lower()
    if parent.endswith(".ballot-boxes"):
        return True
    return any(os.path.exists(text + companion) for companion in _COMPANIONS)


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name alone: no file is ever opened.

    Qt calls ``type()`` from its file-info gatherer thread, so the icons are made once,
    in the GUI thread, and only handed out (``QIcon`` is implicitly shared) afterwards.
    """

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        pixmap = QStyle.StandardPixmap
        self._folder = style.standardIcon(pixmap.SP_DirIcon)
        self._file = style.standardIcon(pixmap.SP_FileIcon)
        self._by_type = {
            QAbstractFileIconProvider.IconType.Computer: style.standardIcon(pixmap.SP_ComputerIcon),
            QAbstractFileIconProvider.IconType.Desktop: style.standardIcon(pixmap.SP_DesktopIcon),
            QAbstractFileIconProvider.IconType.Trashcan: style.standardIcon(pixmap.SP_TrashIcon),
            QAbstractFileIconProvider.IconType.Network: style.standardIcon(pixmap.SP_DriveNetIcon),
            QAbstractFileIconProvider.IconType.Drive: style.standardIcon(pixmap.SP_DriveHDIcon),
            QAbstractFileIconProvider.IconType.Folder: self._folder,
            QAbstractFileIconProvider.IconType.File: self._file,
        }

    def icon(self, what: object) -> QIcon:
        """Both overloads: ``icon(IconType)`` and ``icon(QFileInfo)``."""
        if isinstance(what, QFileInfo):
            return self._folder if what.isDir() else self._file
        if isinstance(what, QAbstractFileIconProvider.IconType):
            return self._by_type.get(what, self._file)
        return self._file

    def type(self, info: QFileInfo) -> str:
        """A type named after the suffix ("CSV 파일"); Qt would ask the MIME database here."""
        if info.isDir():
            return t("db_guard.dialog.folder")
        suffix = info.suffix()
        if suffix:
            return t("db_guard.dialog.file", suffix=suffix.upper())
        return t("db_guard.dialog.plain_file")


class HideDatabaseFiles(QSortFilterProxyModel):
    """Leaves the database family out of the listing, so nothing asks about those rows."""

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not isinstance(model, QFileSystemModel):
            return True
        index = model.index(source_row, 0, source_parent)
        path = model.filePath(index)
        return not (path and is_database_file(path))


_PROVIDER: list[NameOnlyIconProvider] = []  # one for the app's life: dialogs do not own it


def _provider() -> NameOnlyIconProvider:
    if not _PROVIDER:
        _PROVIDER.append(NameOnlyIconProvider())
    return _PROVIDER[0]


def _safe_dialog(
    parent: QWidget | None, caption: str, directory: str, name_filter: str
) -> QFileDialog:
    dialog = QFileDialog(parent, caption, directory, name_filter)
    options = (
        QFileDialog.Option.DontResolveSymlinks | QFileDialog.Option.DontUseCustomDirectoryIcons
    )
    if sys.platform != "win32":
        options |= QFileDialog.Option.DontUseNativeDialog
    dialog.setOptions(dialog.options() | options)
    dialog.setIconProvider(_provider())
    if not dialog.testOption(QFileDialog.Option.DontUseNativeDialog):
        return dialog
    proxy = HideDatabaseFiles(dialog)
    dialog.setProxyModel(proxy)
    return dialog


def open_file_dialog(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> QFileDialog:
    """A configured dialog for choosing one existing file; not shown yet (tests show it)."""
    dialog = _safe_dialog(parent, caption, directory, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return dialog


def save_file_dialog(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> QFileDialog:
    """A configured dialog for naming a file to write."""
    dialog = _safe_dialog(parent, caption, directory, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog


def folder_dialog(parent: QWidget | None, caption: str, directory: str = "") -> QFileDialog:
    """A configured dialog for choosing an existing folder."""
    dialog = _safe_dialog(parent, caption, directory, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog


def _run(dialog: QFileDialog) -> str:
    """Show ``dialog`` modally; the chosen path, or "" when cancelled or refused."""
    parent = dialog.parentWidget()
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        chosen = dialog.selectedFiles()
    finally:
        dialog.deleteLater()
    if not chosen:
        return ""
    path = chosen[0]
    if is_database_file(path):
        QMessageBox.warning(
            parent,
            t("db_guard.dialog.refused_title"),
            t("db_guard.dialog.refused", name=Path(path).name),
        )
        return ""
    return path


def get_open_file_name(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> str:
    """Like ``QFileDialog.getOpenFileName``, but safe for the database: the path or ""."""
    return _run(open_file_dialog(parent, caption, directory, name_filter))


def get_save_file_name(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> str:
    """Like ``QFileDialog.getSaveFileName`` (Qt asks before overwriting): the path or ""."""
    return _run(save_file_dialog(parent, caption, directory, name_filter))


def get_existing_directory(parent: QWidget | None, caption: str, directory: str = "") -> str:
    """Like ``QFileDialog.getExistingDirectory``: the folder or ""."""
    return _run(folder_dialog(parent, caption, directory))
