"""The right side of 결과: the chosen contest's seed, its count round by round, and ready.

The seed box shows the commitment's hash in groups of four (read out before the count,
so nobody picks a seed knowing the ballots); the rounds table is the auditor window's
own (the chair sees exactly what an auditor will see). ``show`` draws one contest's
tally state; the chair's actions (commit, count, ready) run in ``ResultsPage``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import PollState
from assembly_desk.gui.results.look import commitment_style, summary_style, title_style
from assembly_desk.gui.widgets.rounds_table import RoundsModel, summary_lines, tie_lines
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import ContestView
from assembly_desk.services.tally import TallyState, commitment_for


def grouped_hash(digest: str) -> str:
    """A 64-digit hash in groups of four, eight groups a line: easy to read out and follow."""
    groups = [digest[i : i + 4] for i in range(0, len(digest), 4)]
    return "\n".join(" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8))


class CountPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contest_title = QLabel()
        self.contest_title.setObjectName("resultsTitle")
        self.contest_title.setWordWrap(True)
        self.contest_title.setStyleSheet(title_style())
        # The rule frozen at opening, in words: what the room agreed before the count.
        self.rule_line = QLabel()
        self.rule_line.setObjectName("resultsRule")
        self.rule_line.setWordWrap(True)
        self.seed_box = self._build_seed_box()
        self.count_button = QPushButton()
        self.count_button.setObjectName("countContest")
        self.ready_button = QPushButton()
        self.ready_button.setObjectName("markReady")
        self.summary = QLabel()
        self.summary.setObjectName("resultsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet(summary_style())
        self.rounds = RoundsModel()
        self.rounds_table = self._build_rounds_table()
        self.ties = QLabel()
        self.ties.setObjectName("resultsTies")
        self.ties.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.contest_title)
        layout.addWidget(self.rule_line)
        layout.addWidget(self.seed_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ready_button)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.rounds_table, 1)
        layout.addWidget(self.ties)

    def _build_seed_box(self) -> QGroupBox:
        box = QGroupBox()
        self.seed_edit = QLineEdit()
        self.seed_edit.setObjectName("seedEdit")
        self.commit_button = QPushButton()
        self.commit_button.setObjectName("commitSeed")
        self.commitment_state = QLabel()
        self.commitment = QLabel()
        self.commitment.setObjectName("commitment")
        self.commitment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.commitment.setStyleSheet(commitment_style(preview=False))
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.seed_edit, 1)
        row.addWidget(self.commit_button)
        layout.addLayout(row)
        layout.addWidget(self.commitment_state)
        layout.addWidget(self.commitment)
        return box

    def _build_rounds_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("roundsTable")
        table.setModel(self.rounds)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(96)
        return table

    # -- showing -------------------------------------------------------------------------
    def show_tally(self, tally: TallyState | None) -> None:
        """The buttons, the seed and the count of ``tally`` (None: nothing chosen)."""
        closed = tally is not None and tally.state is PollState.CLOSED
        counted = tally is not None and tally.result_hash is not None
        self.contest_title.setText(tally.title if tally else t("gui.results.choose"))
        rule = t("contest_rules.form.sentence", sentence=tally.rule) if tally and tally.rule else ""
        self.rule_line.setText(rule)
        self.seed_box.setEnabled(tally is not None)
        committed = tally.seed_commitment if tally else None
        self.commit_button.setEnabled(tally is not None and committed is None and not counted)
        self.seed_edit.setEnabled(tally is not None and (committed is None or tally.seed is None))
        self.count_button.setEnabled(closed)
        self.count_button.setToolTip("" if closed else t("gui.results.count_needs_close"))
        self.ready_button.setEnabled(counted and tally is not None and not tally.ready)
        self.ready_button.setText(
            t("gui.results.is_ready") if tally and tally.ready else t("gui.results.ready")
        )
        self.show_commitment(tally)
        if tally is not None and tally.result is not None:
            view = ContestView(str(tally.contest_id), tally.title, tally.method or "", tally.result,
                               None)  # fmt: skip
            self.summary.setText("\n".join(summary_lines(view)))
            ties = tie_lines(tally.result)
            self.ties.setText(
                t("gui.auditor.tie.title") + "\n" + "\n".join(ties)
                if ties
                else t("gui.auditor.tie.none")
            )
            self.rounds.set_result(tally.result)
        else:
            key = "gui.results.not_counted_yet" if closed else "gui.results.count_needs_close"
            self.summary.setText(t(key) if tally is not None else "")
            self.ties.setText("")
            self.rounds.set_result({})

    def show_commitment(self, tally: TallyState | None) -> None:
        """The stored commitment, or a grey preview of the seed being typed."""
        stored = tally.seed_commitment if tally else None
        if stored is not None:
            revealed = tally is not None and tally.seed is not None
            self.commitment_state.setText(
                t("gui.results.seed.revealed" if revealed else "gui.results.seed.committed")
            )
            self.commitment.setText(grouped_hash(stored))
            self.commitment.setStyleSheet(commitment_style(preview=False))
            return
        seed = self.seed_edit.text().strip()
        if seed:
            self.commitment_state.setText(t("gui.results.seed.preview"))
            self.commitment.setText(grouped_hash(commitment_for(seed)))
            self.commitment.setStyleSheet(commitment_style(preview=True))
        else:
            self.commitment_state.setText(t("gui.results.seed.none"))
            self.commitment.setText("")

    def retranslate(self) -> None:
        self.seed_box.setTitle(t("gui.results.seed.title"))
        self.seed_edit.setPlaceholderText(t("gui.results.seed.placeholder"))
        self.commit_button.setText(t("gui.results.seed.commit"))
        self.count_button.setText(t("gui.results.count"))
