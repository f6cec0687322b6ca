"""What a roll file would become, shown before anything is written.

Three tables: how each column of the file was understood, the first rows as read (phone
numbers and any 주민등록번호 already masked by the importer), and every problem with its row
and column, so the person who prepared the file can fix it in Excel. Notices that do not
stop the import (a hidden sheet that was not read) are listed under the summary.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.importers.records import Problem, RollPreview

MAX_PROBLEMS_SHOWN = 1000


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


class ImportPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview: RollPreview | None = None
        self._problems: list[Problem] = []
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(theme.font(theme.TYPE.body))
        self.mapping = _table(2)
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sample = _table(0)
        self.problems = _table(3)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.mapping, "")
        self.tabs.addTab(self.sample, "")
        self.tabs.addTab(self.problems, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def show_preview(self, preview: RollPreview) -> None:
        self._preview = preview
        self._problems = list(preview.problems)
        self.retranslate()
        self.tabs.setCurrentWidget(self.problems if self._problems else self.sample)

    def show_problems(self, problems: list[Problem]) -> None:
        """Problems found when importing (e.g. people already on the roll)."""
        self._problems = list(problems)
        self.retranslate()
        self.tabs.setCurrentWidget(self.problems)

    def clear(self) -> None:
        self._preview = None
        self._problems = []
        self.retranslate()

    @property
    def problem_count(self) -> int:
        return len(self._problems)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, t("gui.import.tab_mapping"))
        self.tabs.setTabText(1, t("gui.import.tab_sample"))
        self.tabs.setTabText(2, t("gui.import.tab_problems", count=len(self._problems)))
        self.mapping.setHorizontalHeaderLabels(
            [t("gui.import.file_column"), t("gui.import.roll_field")]
        )
        self.problems.setHorizontalHeaderLabels(
            [t("gui.import.row"), t("gui.import.column"), t("gui.import.problem")]
        )
        preview = self._preview
        if preview is None:
            self.summary.setText("")
            self.mapping.setRowCount(0)
            self.sample.setRowCount(0)
            self.sample.setColumnCount(0)
        else:
            self.summary.setText(
                t(
                    "gui.import.summary",
                    rows=preview.total_rows,
                    ok=len(preview.records),
                    problems=len(self._problems),
                    encoding=preview.encoding,
                )
                + "".join(
                    "\n" + t("import.notices", text=notice.message()) for notice in preview.notices
                )
            )
            _fill(
                self.mapping,
                [
                    [header, t(f"import.field.{field}") if field else t("import.field.ignored")]
                    for header, field in preview.mapping.items()
                ],
            )
            self.sample.setColumnCount(len(preview.headers))
            self.sample.setHorizontalHeaderLabels(preview.headers)
            _fill(self.sample, preview.sample)
            self.sample.resizeColumnsToContents()
        shown = self._problems[:MAX_PROBLEMS_SHOWN]
        _fill(
            self.problems,
            [
                [str(p.row) if p.row else "", p.column, p.message(with_location=False)]
                for p in shown
            ],
        )
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)
        for r in range(self.problems.rowCount()):
            item = self.problems.item(r, 2)
            if item is not None:
                item.setToolTip(item.text())
                item.setForeground(Qt.GlobalColor.darkRed)
