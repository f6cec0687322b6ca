"""현황: the live numbers, large enough to read across a hall or on a projector.

Fed by the same ``StatusPoller`` as the desk's counts panel; nothing here queries the
database by itself. Below the counts, the chair sees the scans desks kept during an outage
that did not simply check someone in (in at another desk meanwhile, unknown card, not
eligible): listed, never dropped.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.gui.widgets.counts_panel import fill_quorum_bar, quorum_text
from assembly_desk.i18n import t
from assembly_desk.services.clock import local_hhmm
from assembly_desk.services.status import Status


def _table() -> QTableWidget:
    table = QTableWidget(0, 3)
    table.verticalHeader().hide()
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setStyleSheet(
        theme.rule("QTableWidget", theme.font(theme.TYPE.large))
        + " "
        + theme.rule("QHeaderView::section", theme.font(theme.TYPE.small))
    )
    return table


class StatusPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: Status | None = None
        self._updated: datetime | None = None
        self.title = QLabel()
        self.title.setStyleSheet(theme.font(theme.TYPE.title, 700))
        self.big = QLabel("–")
        self.big.setObjectName("statusBig")
        self.big.setStyleSheet(theme.font(theme.TYPE.big_number, 800))
        self.sub = QLabel()
        self.sub.setStyleSheet(theme.text_style(theme.PALETTE.text_secondary, theme.TYPE.subtitle))
        self.bar = QProgressBar()
        self.bar.setMinimumHeight(44)
        self.quorum = QLabel()
        self.quorum.setObjectName("statusQuorum")
        self.quorum.setStyleSheet(theme.font(theme.TYPE.display, 700))
        self.categories = _table()
        self.desks = _table()
        self.desks.setColumnCount(2)
        self.conflicts_title = QLabel()
        self.conflicts_title.setObjectName("statusConflictsTitle")
        self.conflicts_title.setStyleSheet(
            theme.text_style(theme.PALETTE.error_strong, theme.TYPE.large, 700)
        )
        self.conflicts = _table()
        self.conflicts.setObjectName("statusConflicts")
        self.conflicts.setColumnCount(4)
        self.conflicts.setMaximumHeight(220)
        self.conflicts_title.hide()
        self.conflicts.hide()
        self.updated = QLabel()
        self.updated.setStyleSheet(theme.text_style(theme.PALETTE.text_muted, theme.TYPE.caption))
        tables = QHBoxLayout()
        tables.addWidget(self.categories, 3)
        tables.addWidget(self.desks, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.big)
        layout.addWidget(self.sub)
        layout.addSpacing(10)
        layout.addWidget(self.bar)
        layout.addWidget(self.quorum)
        layout.addSpacing(10)
        layout.addLayout(tables, 1)
        layout.addWidget(self.conflicts_title)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.updated)
        self.retranslate()

    def show_status(self, status: Status) -> None:
        self._status = status
        self._updated = datetime.now()
        self.retranslate()

    def retranslate(self) -> None:
        self.categories.setHorizontalHeaderLabels(
            [t("field.category"), t("gui.status.checked_in"), t("gui.status.eligible")]
        )
        self.desks.setHorizontalHeaderLabels([t("gui.status.desk"), t("gui.status.checked_in")])
        self.conflicts.setHorizontalHeaderLabels(
            [
                t("outage.conflict.time"),
                t("outage.conflict.desk"),
                t("outage.conflict.who"),
                t("outage.conflict.what"),
            ]
        )
        status = self._status
        if status is None:
            self.title.setText(t("gui.status.title_empty"))
            self.sub.setText(t("gui.counts.loading"))
            return
        self.title.setText(status.title)
        self.big.setText(t("gui.status.big", count=status.checked_in))
        self.sub.setText(
            t("gui.counts.of_eligible", eligible=status.eligible, roll=status.roll_total)
        )
        fill_quorum_bar(self.bar, status)
        self.quorum.setText(quorum_text(status))
        colour = theme.PALETTE.ok if status.quorum_met else theme.PALETTE.warn
        self.quorum.setStyleSheet(theme.text_style(colour, theme.TYPE.display, 700))
        self.categories.setRowCount(len(status.per_category))
        for row, count in enumerate(status.per_category):
            cells = (t(f"category.{count.category}"), str(count.checked_in), str(count.eligible))
            for column, text in enumerate(cells):
                self.categories.setItem(row, column, QTableWidgetItem(text))
        self.desks.setRowCount(len(status.per_desk))
        for row, (desk, scans) in enumerate(sorted(status.per_desk.items())):
            self.desks.setItem(row, 0, QTableWidgetItem(desk))
            self.desks.setItem(row, 1, QTableWidgetItem(str(scans)))
        self._show_conflicts(status)
        if self._updated is not None:
            self.updated.setText(t("gui.status.updated", time=self._updated.strftime("%H:%M:%S")))

    def _show_conflicts(self, status: Status) -> None:
        conflicts = status.conflicts
        self.conflicts_title.setText(t("outage.conflicts.title", count=len(conflicts)))
        self.conflicts_title.setVisible(bool(conflicts))
        self.conflicts.setVisible(bool(conflicts))
        self.conflicts.setRowCount(len(conflicts))
        for row, conflict in enumerate(conflicts):
            cells = (
                local_hhmm(conflict.scanned_at),
                conflict.desk,
                conflict.who(),
                conflict.what(),
            )
            for column, text in enumerate(cells):
                self.conflicts.setItem(row, column, QTableWidgetItem(text))
