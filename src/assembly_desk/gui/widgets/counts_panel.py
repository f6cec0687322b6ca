"""The numbers beside the desk: who is in, who may be, and how far to the quorum.

Refreshed from ``StatusPoller`` (every two seconds and after each action at this desk),
so check-ins at the other desks show here too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.clock import local_hhmm
from assembly_desk.services.status import Status


def quorum_text(status: Status) -> str:
    if status.quorum_reached_at is not None:
        return t("status.quorum_reached", time=local_hhmm(status.quorum_reached_at))
    if status.quorum_met:
        return t("gui.counts.quorum_met", required=status.quorum_required)
    return t("status.quorum", required=status.quorum_required, missing=status.quorum_missing)


def category_lines(status: Status) -> str:
    return "\n".join(
        t(
            "gui.counts.category",
            category=t(f"category.{c.category}"),
            checked_in=c.checked_in,
            eligible=c.eligible,
        )
        for c in status.per_category
    )


def fill_quorum_bar(bar: QProgressBar, status: Status) -> None:
    required = max(status.quorum_required, 1)
    bar.setRange(0, required)
    bar.setValue(min(status.checked_in, required))
    bar.setFormat(
        t("gui.counts.bar", checked_in=status.checked_in, required=status.quorum_required)
    )
    p = theme.PALETTE
    colour = p.ok_fill if status.quorum_met else p.warn_fill
    bar.setStyleSheet(
        theme.rule(
            "QProgressBar",
            theme.border(2, p.border_input, 8),
            "text-align: center;",
            theme.font(theme.TYPE.body, 700),
            theme.bg(p.surface),
            "min-height: 30px;",
        )
        + theme.rule("QProgressBar::chunk", theme.bg(colour), "border-radius: 6px;")
    )


class CountsPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countsPanel")
        self.setMinimumWidth(290)
        self.setStyleSheet(
            theme.rule(
                "QFrame#countsPanel",
                theme.bg(theme.PALETTE.surface_panel),
                theme.border(1, theme.PALETTE.border, 12),
            )
            + "QLabel { background: transparent; }"
        )
        self._status: Status | None = None
        self.title = QLabel()
        self.title.setStyleSheet(theme.text_style(theme.PALETTE.text_muted, theme.TYPE.body))
        self.checked_in = QLabel("–")
        self.checked_in.setObjectName("countCheckedIn")
        self.checked_in.setStyleSheet(theme.font(theme.TYPE.count, 800))
        self.eligible = QLabel()
        self.eligible.setStyleSheet(theme.font(theme.TYPE.emphasis))
        self.eligible.setWordWrap(True)
        self.bar = QProgressBar()
        self.quorum = QLabel()
        self.quorum.setObjectName("countQuorum")
        self.quorum.setWordWrap(True)
        self.quorum.setStyleSheet(theme.font(theme.TYPE.emphasis, 600))
        self.categories = QLabel()
        self.categories.setStyleSheet(
            theme.text_style(theme.PALETTE.text_secondary, theme.TYPE.small)
        )
        self.categories.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.checked_in, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.eligible)
        layout.addSpacing(8)
        layout.addWidget(self.bar)
        layout.addWidget(self.quorum)
        layout.addSpacing(8)
        layout.addWidget(self.categories)
        layout.addStretch(1)
        self.retranslate()

    def show_status(self, status: Status) -> None:
        self._status = status
        self.retranslate()

    @property
    def status(self) -> Status | None:
        return self._status

    def retranslate(self) -> None:
        self.title.setText(t("gui.counts.title"))
        status = self._status
        if status is None:
            self.checked_in.setText("–")
            self.eligible.setText(t("gui.counts.loading"))
            self.quorum.setText("")
            self.categories.setText("")
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
            self.bar.setFormat("")
            return
        self.checked_in.setText(t("gui.counts.people", count=status.checked_in))
        self.eligible.setText(
            t("gui.counts.of_eligible", eligible=status.eligible, roll=status.roll_total)
        )
        fill_quorum_bar(self.bar, status)
        self.quorum.setText(quorum_text(status))
        self.categories.setText(category_lines(status))
