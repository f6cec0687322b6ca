"""A PDF's pages as images, for the preview and for the printer.

QtPdf (shipped with PySide6) renders the file the services wrote; nothing is laid out a
second time in Qt, so the preview cannot drift from the PDF. Pages are rendered on
demand at the resolution asked, capped so a 1200-dpi printer does not need a gigabyte.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument

MAX_DPI = 300
POINTS_PER_INCH = 72.0


class PdfPages:
    """An open PDF: how many pages, each page's size in points, a page as an image."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._doc = QPdfDocument()
        error = self._doc.load(str(path))
        if error != QPdfDocument.Error.None_:
            raise OSError(f"{path}: {error.name}")

    @property
    def count(self) -> int:
        return self._doc.pageCount()

    def size_points(self, index: int) -> QSizeF:
        return self._doc.pagePointSize(index)

    def image(self, index: int, dpi: float) -> QImage:
        """Page ``index`` at ``dpi`` (at most ``MAX_DPI``), on white."""
        scale = min(dpi, MAX_DPI) / POINTS_PER_INCH
        points = self.size_points(index)
        size = QSize(max(1, round(points.width() * scale)), max(1, round(points.height() * scale)))
        page = self._doc.render(index, size)  # transparent where the PDF draws nothing
        sheet = QImage(size, QImage.Format.Format_RGB32)
        sheet.fill(QColor("white"))
        painter = QPainter(sheet)
        painter.drawImage(0, 0, page)
        painter.end()
        return sheet

    def close(self) -> None:
        self._doc.close()
