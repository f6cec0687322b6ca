"""대조·확정: entry A against entry B, each difference settled by a named person, then commit.

The commit button stays disabled until the service says the batch is ready, so no batch
reaches the ballot table with a difference nobody looked at.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import ContestDefinition
from assembly_desk.gui import theme
from assembly_desk.gui.count_entry.keys import describe
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.count_entry import Batch, BatchKind, Committed, Comparison, Difference
from assembly_desk.services.facade.count_entry import CountEntryService


class ComparePanel(QWidget):
    committed = Signal(object)  # Committed

    def __init__(
        self, worker: DbWorker, backend: CountEntryService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._batch: Batch | None = None
        self._defn: ContestDefinition | None = None
        self.comparison: Comparison | None = None

        self.summary = QLabel()
        self.summary.setObjectName("compareSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(theme.font(theme.TYPE.large))
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setStyleSheet(theme.rule("QTableWidget", theme.font(theme.TYPE.emphasis)))
        self.resolver = QLineEdit()
        self.resolver.setObjectName("compareResolver")
        self.resolver_label = QLabel()
        self.commit_button = QPushButton()
        self.commit_button.setObjectName("commitBatch")
        self.commit_button.setMinimumHeight(44)
        self.commit_button.setEnabled(False)
        self.commit_button.clicked.connect(self.commit)
        self.message = StatusLine()

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.resolver_label)
        bottom.addWidget(self.resolver, 1)
        bottom.addWidget(self.commit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.refresh_button.setText(t("count_entry.compare"))
        self.table.setHorizontalHeaderLabels(
            [
                t("count_entry.col.position"),
                t("count_entry.col.a"),
                t("count_entry.col.b"),
                t("count_entry.col.decision"),
                "",
            ]
        )
        self.resolver_label.setText(t("count_entry.resolver"))
        self.commit_button.setText(t("count_entry.commit"))
        if self.comparison is not None:
            self.show_comparison(self.comparison)

    def set_batch(self, batch: Batch | None, defn: ContestDefinition | None) -> None:
        same = batch is not None and self._batch is not None and batch.id == self._batch.id
        self._batch, self._defn = batch, defn
        self.comparison = None
        self.table.setRowCount(0)
        self.commit_button.setEnabled(False)
        self.summary.setText("")
        if not same:  # a reload of the same batch (after its commit) keeps the answer
            self.message.setText("")

    # -- worker round trips ---------------------------------------------------------------
    def refresh(self) -> None:
        if self._batch is None:
            return
        batch_id = self._batch.id
        self._worker.submit(
            lambda: self._backend.compare(batch_id), self.show_comparison, self._fail
        )

    def resolve(self, diff: Difference, value: Any) -> None:
        if self._batch is None:
            return
        who = self.resolver.text().strip()
        if not who:
            self.message.say(t("count_entry.resolver_required"), "error")
            self.resolver.setFocus()
            return
        batch_id = self._batch.id
        self._worker.submit(
            lambda: self._backend.resolve(batch_id, diff.item, value, who),
            self.show_comparison,
            self._fail,
        )

    def commit(self) -> None:
        if self._batch is None or self.comparison is None or not self.comparison.ready:
            return
        batch_id = self._batch.id
        self.commit_button.setEnabled(False)
        self._worker.submit(lambda: self._backend.commit(batch_id), self._committed, self._fail)

    def _committed(self, done: Committed) -> None:
        self.message.say(
            t(
                "count_entry.committed",
                label=done.label,
                papers=done.papers,
                blank=done.blank,
                invalid=done.invalid,
            ),
            "ok",
        )
        self.table.setRowCount(0)
        self.committed.emit(done)

    def _fail(self, error: JobError) -> None:
        self.message.say(error.message, "error")
        if self.comparison is not None:
            self.commit_button.setEnabled(self.comparison.ready)

    # -- showing ----------------------------------------------------------------------------
    def _value(self, value: Any) -> str:
        if value is None:
            return t("count_entry.no_paper")
        if isinstance(value, dict) and self._defn is not None:
            return describe(self._defn, value)
        return str(value)

    def _where(self, diff: Difference) -> str:
        if diff.position_a is None and diff.position_b is None:
            if diff.item.startswith("option:"):
                name = diff.item[7:]
                return t(f"count_entry.vote.{name}") if name in ("yes", "no", "abstain") else name
            return t(f"count_entry.field.{diff.item}")
        a = "–" if diff.position_a is None else str(diff.position_a)
        b = "–" if diff.position_b is None else str(diff.position_b)
        return f"A {a} / B {b}"

    def show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        names = comparison.volunteers
        unit = t("count_entry.papers_unit")
        text = t(
            "count_entry.compare_summary",
            a=names.get("A", "–"),
            b=names.get("B", "–"),
            count_a=f"{comparison.count_a}{unit}",
            count_b=f"{comparison.count_b}{unit}",
            differences=len(comparison.differences),
            open=comparison.unresolved,
        )
        if comparison.missing:
            text += "  " + t("count_entry.missing", side=comparison.missing[0].value)
        if comparison.expected_mismatch:
            text += "  " + t(
                "count_entry.expected_mismatch",
                expected=comparison.expected_size,
                papers=comparison.result_count,
            )
        self.summary.setText(text)
        self.table.setRowCount(len(comparison.differences))
        for row, diff in enumerate(comparison.differences):
            cells = [
                self._where(diff),
                self._value(diff.a),
                self._value(diff.b),
                (
                    t("count_entry.decided", value=self._value(diff.value), who=diff.resolved_by)
                    if diff.resolved
                    else t("count_entry.undecided")
                ),
            ]
            for col, text_ in enumerate(cells):
                item = QTableWidgetItem(text_)
                if col == 3 and not diff.resolved:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)
            self.table.setCellWidget(row, 4, self._buttons(diff))
        self.table.resizeRowsToContents()
        self.commit_button.setEnabled(comparison.ready)
        if comparison.ready:
            self.message.say(t("count_entry.ready", papers=comparison.result_count), "ok")
        elif not comparison.missing:
            self.message.say(t("count_entry.not_ready", open=comparison.unresolved), "error")
        else:
            self.message.setText("")

    def _buttons(self, diff: Difference) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 2, 2, 2)
        for side, value in (("A", diff.a), ("B", diff.b)):
            button = QPushButton(t("count_entry.take", side=side))
            button.setObjectName(f"take{side}")
            button.clicked.connect(lambda _=False, v=value: self.resolve(diff, v))
            row.addWidget(button)
        return box

    @property
    def kind(self) -> BatchKind | None:
        return None if self._batch is None else self._batch.kind
