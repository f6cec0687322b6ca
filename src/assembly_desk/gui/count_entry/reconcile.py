"""투표지 수 대조: per contest, issued = counted + spoiled + not returned, errors in red.

Also where the chair records spoiled papers (with the passphrase and a reason), and where
totals from external channels are shown — beside the paper equation, never inside it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade.count_entry import CountEntryService, SheetRow

_COLUMNS = (
    "reconcile.col.contest",
    "reconcile.col.station",
    "reconcile.col.issued",
    "reconcile.col.ballots",
    "reconcile.col.totals",
    "reconcile.col.spoiled",
    "reconcile.col.not_returned",
    "reconcile.col.equation",
    "reconcile.col.state",
)
_BAD = QColor(theme.PALETTE.error)


class ReconcilePanel(QWidget):
    def __init__(
        self,
        worker: DbWorker,
        backend: CountEntryService,
        assembly_id: Callable[[], int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._assembly_id = assembly_id
        self.rows: list[SheetRow] = []

        self.title = QLabel()
        self.title.setStyleSheet(theme.font(theme.TYPE.heading, 700))
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setObjectName("reconcileTable")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setStyleSheet(theme.rule("QTableWidget", theme.font(theme.TYPE.body)))
        self.external = QLabel()
        self.external.setWordWrap(True)
        self.external.setStyleSheet(
            theme.text_style(theme.PALETTE.text_secondary, theme.TYPE.small)
        )

        self.contest = QComboBox()
        self.spoiled = QSpinBox()
        self.spoiled.setRange(1, 100_000)
        self.reason = QLineEdit()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.record = QPushButton()
        self.record.clicked.connect(self.enter_spoiled)
        self.form_label = QLabel()
        self.message = StatusLine()

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        form = QHBoxLayout()
        form.addWidget(self.form_label)
        form.addWidget(self.contest, 2)
        form.addWidget(self.spoiled)
        form.addWidget(self.reason, 2)
        form.addWidget(self.passphrase, 1)
        form.addWidget(self.record)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.external)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(t("reconcile.title"))
        self.refresh_button.setText(t("reconcile.refresh"))
        self.table.setHorizontalHeaderLabels([t(k) for k in _COLUMNS])
        self.form_label.setText(t("reconcile.spoiled_form"))
        self.reason.setPlaceholderText(t("reconcile.reason"))
        self.passphrase.setPlaceholderText(t("reconcile.passphrase"))
        self.record.setText(t("reconcile.record"))
        if self.rows:
            self.show_rows(self.rows)

    def refresh(self) -> None:
        aid = self._assembly_id()
        if aid is None:
            return
        self._worker.submit(lambda: self._backend.sheet(aid), self.show_rows, self._fail)

    def enter_spoiled(self) -> None:
        contest_id = self.contest.currentData()
        if contest_id is None:
            return
        n, reason, phrase = self.spoiled.value(), self.reason.text(), self.passphrase.text()
        self.passphrase.clear()
        self._worker.submit(
            lambda: self._backend.enter_spoiled(contest_id, n, reason, phrase),
            lambda _rec: self._spoiled_entered(),
            self._fail,
        )

    def _spoiled_entered(self) -> None:
        self.reason.clear()
        self.message.say("", "hint")
        self.refresh()

    def _fail(self, error: JobError) -> None:
        self.message.say(error.message, "error")

    def show_rows(self, rows: list[SheetRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        chosen = self.contest.currentData()
        self.contest.clear()
        external: list[str] = []
        for i, row in enumerate(rows):
            rec = row.reconciliation
            f = rec.figures
            self.contest.addItem(rec.title, rec.contest_id)
            state = (
                t("reconcile.ok")
                if rec.ok
                else " · ".join(
                    t(p, issued=f.issued_paper, counted=f.counted) for p in rec.problems
                )
            )
            if rec.open_batches:
                state += "  " + t("reconcile.open_batches", count=rec.open_batches)
            values = [
                rec.title,
                str(rec.cast_station),
                str(f.issued_paper),
                str(f.paper_ballots),
                str(f.paper_totals),
                str(f.spoiled),
                str(f.not_returned),
                f.equation(),
                state,
            ]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if not rec.ok and col in (6, 7, 8):
                    item.setForeground(_BAD)
                self.table.setItem(i, col, item)
            for ext in row.external:
                totals = ", ".join(
                    f"{t(f'count_entry.vote.{k}') if k in ('yes', 'no', 'abstain') else k} {v}"
                    for k, v in ext.totals.items()
                )
                external.append(
                    t(
                        "reconcile.external_line",
                        contest=rec.title,
                        source=ext.source,
                        weight=ext.weight,
                        totals=totals,
                    )
                )
        if chosen is not None:
            index = self.contest.findData(chosen)
            if index >= 0:
                self.contest.setCurrentIndex(index)
        self.external.setText(
            t("reconcile.external_title") + "\n" + "\n".join(external) if external else ""
        )
