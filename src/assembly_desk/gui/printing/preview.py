"""The print preview: the PDF's pages, then Save as PDF or Print.

A ``QPrintPreviewWidget`` asks for the pages on a printer; each is the PDF's page drawn
full-page (margins are the PDF's own, the printer's are switched off), so the preview is
what the paper will show. "Save as PDF" copies the file that was previewed, byte for
byte (the same file ``assembly-desk cards`` writes); "Print" sends the same pages to a
chosen printer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui.printing.pages import PdfPages
from assembly_desk.gui.widgets.file_dialogs import get_save_file_name
from assembly_desk.i18n import t


def paint_pages(pages: PdfPages, printer: QPrinter) -> int:
    """Draw every page of ``pages`` on ``printer``, one sheet each; returns pages drawn."""
    if pages.count == 0:
        return 0
    first = pages.size_points(0)
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(first.width(), first.height()), QPageSize.Unit.Point),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for index in range(pages.count):
            if index:
                printer.newPage()
            image = pages.image(index, printer.resolution())
            target = QRectF(painter.viewport())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return pages.count


class PdfPreviewDialog(QDialog):
    """Shows ``path``'s pages; the user saves a copy under a name of their choosing or prints."""

    def __init__(
        self, path: Path, title: str, suggested_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        self.pages = PdfPages(path)
        self.setWindowTitle(title)
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.preview = QPrintPreviewWidget(self.printer, self)
        self.preview.paintRequested.connect(self._paint)
        self.summary = QLabel(t("fronts.print.pages", pages=self.pages.count), self)
        self.save_button = QPushButton(t("fronts.print.save"), self)
        self.print_button = QPushButton(t("fronts.print.print"), self)
        self.close_button = QPushButton(t("fronts.print.close"), self)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_pages)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.save_button, self.print_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.resize(900, 1000)
        self.preview.fitInView()

    def _paint(self, printer: QPrinter) -> None:
        paint_pages(self.pages, printer)

    def page_count(self) -> int:
        """Pages the preview shows (the PDF's own count once painted)."""
        return int(self.preview.pageCount())

    def save(self, target: str | None = None) -> Path | None:
        """Copy the previewed PDF to ``target`` (asked for when not given)."""
        chosen = target or get_save_file_name(
            self, t("fronts.print.save_title"), self.suggested_name, t("fronts.print.pdf_filter")
        )
        if not chosen:
            return None
        try:
            shutil.copyfile(self.path, chosen)
        except OSError as error:
            QMessageBox.warning(
                self, t("fronts.print.save_title"), t("fronts.print.save_failed", error=str(error))
            )
            return None
        self.saved_to = Path(chosen)
        return self.saved_to

    def print_pages(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            paint_pages(self.pages, self.printer)

    def done(self, result: int) -> None:
        self.pages.close()
        super().done(result)
