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
from assembly_desk.services.roll_merge import MergePlan, shown

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
        self.changes = _table(4)  # a merge: who is new, changed (field by field) or missing
        self.changes.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._plan: MergePlan | None = None
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

    def show_plan(self, plan: MergePlan) -> None:
        """A merge preview: the file as read, plus what would change on the roll."""
        self._plan = plan
        if self.tabs.indexOf(self.changes) < 0:
            self.tabs.addTab(self.changes, "")
        self.show_preview(plan.preview)
        self._problems = list(plan.problems)
        self.retranslate()
        self.tabs.setCurrentWidget(self.problems if self._problems else self.changes)

    def change_rows(self) -> list[list[str]]:
        """The changes tab's rows: what, roll number, name, details."""
        plan = self._plan
        if plan is None:
            return []
        rows = [[t("roll_merge.gui.kind.new"), "", r.name, str(r.row)] for r in plan.new]
        for c in plan.changed:
            details = "; ".join(
                f"{t('field.' + f.field)}: {shown(f.field, f.old)} → {shown(f.field, f.new)}"
                for f in c.changes
            )
            rows.append([t("roll_merge.gui.kind.changed"), str(c.person_id), c.name, details])
        for m in plan.missing:
            kind = (
                "roll_merge.gui.kind.missing_in" if m.checked_in else "roll_merge.gui.kind.missing"
            )
            rows.append([t(kind), str(m.person_id), m.name, m.birth_hint])
        return rows

    def show_problems(self, problems: list[Problem]) -> None:
        """Problems found when importing (e.g. people already on the roll)."""
        self._problems = list(problems)
        self.retranslate()
        self.tabs.setCurrentWidget(self.problems)

    def clear(self) -> None:
        self._preview = None
        self._plan = None
        if self.tabs.indexOf(self.changes) >= 0:
            self.tabs.removeTab(self.tabs.indexOf(self.changes))
        self._problems = []
        self.retranslate()

    def _extra_summary(self, preview: RollPreview) -> str:
        """How many of the file's people are eligible; for a merge, what it would do."""
        lines = []
        if preview.eligible is not None:
            lines.append(
                t(
                    "roll_merge.eligible_in_file",
                    count=len(preview.records),
                    eligible=preview.eligible,
                )
            )
        plan = self._plan
        if plan is not None:
            lines.append(
                t(
                    "roll_merge.summary",
                    new=len(plan.new),
                    changed=len(plan.changed),
                    unchanged=plan.unchanged,
                    missing=len(plan.missing),
                    eligible=plan.new_eligible,
                )
            )
            if plan.missing:
                lines.append(t("roll_merge.missing_kept"))
        return "".join("\n" + line for line in lines)

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
                + self._extra_summary(preview)
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
        if self.tabs.indexOf(self.changes) >= 0:
            rows = self.change_rows()
            self.tabs.setTabText(
                self.tabs.indexOf(self.changes), t("roll_merge.gui.tab_changes", count=len(rows))
            )
            self.changes.setHorizontalHeaderLabels(
                [t(f"roll_merge.gui.col.{c}") for c in ("kind", "id", "name", "what")]
            )
            _fill(self.changes, rows)
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)
        for r in range(self.problems.rowCount()):
            item = self.problems.item(r, 2)
            if item is not None:
                item.setToolTip(item.text())
                item.setForeground(Qt.GlobalColor.darkRed)
