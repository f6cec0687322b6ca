"""결과: after a poll closes, the chair commits the lot seed, counts, signs and releases.

The page follows the order of the day in ``services/tally.py``: the seed's hash is read
out and committed *before* the count (so nobody picks a seed knowing the ballots), the
count shows every round with the auditor window's own rounds table (the chair sees
exactly what an auditor will see), the chair signs the bundle with their key file, and
only then releases the result to the projector. Witnesses sign the exported folder on
their own machine with ``assembly-desk bundle sign``; their keys never touch this one.

Every service call runs on the worker; refusals (open poll, seed mismatch, wrong
passphrase, unregistered key) are shown in words from ``DeskError.message()``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import PollState
from assembly_desk.gui.results.dialogs import ask_export, ask_new_key, pick_public_file
from assembly_desk.gui.widgets.rounds_table import RoundsModel, summary_lines, tie_lines
from assembly_desk.gui.widgets.tables import pick_list
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import ContestView
from assembly_desk.services.facade.results import (
    ExportRequest,
    NewKey,
    ResultRow,
    ResultsService,
    ResultsView,
)
from assembly_desk.services.signers import Signer
from assembly_desk.services.tally import TallyState, commitment_for

COLUMNS = ("gui.results.col.title", "gui.results.col.state", "gui.results.col.tally")
SIGNER_COLUMNS = ("gui.results.col.signer", "gui.results.col.role", "gui.results.col.fingerprint")
_STATE_KEYS = {
    PollState.DRAFT: "gui.polls.state.draft",
    PollState.OPEN: "gui.polls.state.open",
    PollState.CLOSED: "gui.polls.state.closed",
}
_STATUS_COLOURS = {"not_counted": "#5b6b78", "counted": "#1f5fae", "ready": "#1b7a34"}
ERROR_COLOUR = "#7d0b0f"
OK_COLOUR = "#0f5121"
MONO = "font-family: 'DejaVu Sans Mono', 'Consolas', monospace;"


def grouped_hash(digest: str) -> str:
    """A 64-digit hash in groups of four, eight groups a line: easy to read out and follow."""
    groups = [digest[i : i + 4] for i in range(0, len(digest), 4)]
    return "\n".join(" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8))


class ResultsPage(QWidget):
    def __init__(
        self,
        worker: DbWorker,
        backend: ResultsService,
        *,
        ask_key: Callable[[QWidget], NewKey | None] = ask_new_key,
        ask_sign: Callable[[QWidget], ExportRequest | None] = ask_export,
        pick_file: Callable[[QWidget], str | None] = pick_public_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.backend = backend
        self.ask_key = ask_key
        self.ask_sign = ask_sign
        self.pick_file = pick_file
        self.assembly_id: int | None = None
        self.view: ResultsView | None = None
        self.selected: int | None = None  # contest id
        self.last_bundle: Path | None = None

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 24px; font-weight: 700;")
        self.table = pick_list(len(COLUMNS))
        self.table.setObjectName("resultsContests")
        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.message = QLabel()
        self.message.setObjectName("resultsMessage")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(44)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.signers_box = QGroupBox()
        self.signers = QTableWidget(0, len(SIGNER_COLUMNS))
        self.signers.setObjectName("resultsSigners")
        self.signers.verticalHeader().hide()
        self.signers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.signers.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        sheader = self.signers.horizontalHeader()
        sheader.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        sheader.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        sheader.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_file_button = QPushButton()
        self.add_file_button.clicked.connect(self.add_signer_file)
        self.create_key_button = QPushButton()
        self.create_key_button.clicked.connect(self.create_key)
        self.announce = QLabel()
        self.announce.setObjectName("resultsFingerprint")
        self.announce.setWordWrap(True)
        self.announce.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.announce.setStyleSheet(f"font-size: 20px; font-weight: 700; {MONO}")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportBundle")
        self.export_button.clicked.connect(self.export)
        self.witness_hint = QLabel()
        self.witness_hint.setWordWrap(True)
        self.witness_hint.setStyleSheet("color: #33414d; font-size: 14px;")
        sbox = QVBoxLayout(self.signers_box)
        sbox.addWidget(self.signers, 1)
        srow = QHBoxLayout()
        srow.addWidget(self.add_file_button)
        srow.addWidget(self.create_key_button)
        srow.addStretch(1)
        sbox.addLayout(srow)
        sbox.addWidget(self.announce)
        sbox.addWidget(self.export_button)
        sbox.addWidget(self.witness_hint)

        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        left.addLayout(top)
        left.addWidget(self.table, 2)
        left.addWidget(self.message)
        left.addWidget(self.signers_box, 3)

        self.contest_title = QLabel()
        self.contest_title.setObjectName("resultsTitle")
        self.contest_title.setWordWrap(True)
        self.contest_title.setStyleSheet("font-size: 20px; font-weight: 700;")
        self.seed_box = QGroupBox()
        self.seed_edit = QLineEdit()
        self.seed_edit.setObjectName("seedEdit")
        self.seed_edit.textChanged.connect(self._show_commitment)
        self.commit_button = QPushButton()
        self.commit_button.setObjectName("commitSeed")
        self.commit_button.clicked.connect(self.commit_seed)
        self.commitment_state = QLabel()
        self.commitment = QLabel()
        self.commitment.setObjectName("commitment")
        self.commitment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.commitment.setStyleSheet(f"font-size: 22px; font-weight: 700; {MONO}")
        seed_layout = QVBoxLayout(self.seed_box)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_edit, 1)
        seed_row.addWidget(self.commit_button)
        seed_layout.addLayout(seed_row)
        seed_layout.addWidget(self.commitment_state)
        seed_layout.addWidget(self.commitment)

        self.count_button = QPushButton()
        self.count_button.setObjectName("countContest")
        self.count_button.clicked.connect(self.count)
        self.ready_button = QPushButton()
        self.ready_button.setObjectName("markReady")
        self.ready_button.clicked.connect(self.mark_ready)
        self.summary = QLabel()
        self.summary.setObjectName("resultsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet("font-size: 17px;")
        self.rounds = RoundsModel()
        self.rounds_table = QTableView()
        self.rounds_table.setObjectName("roundsTable")
        self.rounds_table.setModel(self.rounds)
        self.rounds_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rounds_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rounds_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rounds_table.horizontalHeader().setMinimumSectionSize(96)
        self.ties = QLabel()
        self.ties.setObjectName("resultsTies")
        self.ties.setWordWrap(True)

        right = QVBoxLayout()
        right.addWidget(self.contest_title)
        right.addWidget(self.seed_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ready_button)
        right.addLayout(buttons)
        right.addWidget(self.summary)
        right.addWidget(self.rounds_table, 1)
        right.addWidget(self.ties)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 5)
        layout.addLayout(right, 6)
        self.setStyleSheet(
            "QWidget { font-size: 16px; } QTableWidget { font-size: 16px; }"
            " QPushButton { padding: 8px 16px; min-height: 32px; }"
            " QPushButton#countContest, QPushButton#exportBundle"
            " { background: #1f5fae; color: white; font-weight: 700; }"
            " QPushButton#markReady { background: #1b7a34; color: white; font-weight: 700; }"
            " QPushButton:disabled { background: #c9d1d9; color: #5b6b78; }"
        )
        self.retranslate()
        self._show_selected()

    # -- data ----------------------------------------------------------------------------
    def set_assembly(self, assembly_id: int) -> None:
        self.assembly_id = assembly_id
        self.selected = None
        self.refresh()

    def refresh(self) -> None:
        if self.assembly_id is None:
            return
        aid = self.assembly_id
        self.worker.submit(lambda: self.backend.load(aid), self._loaded, self._failed)

    def _loaded(self, view: ResultsView) -> None:
        self.view = view
        self.table.blockSignals(True)
        self.table.setRowCount(len(view.rows))
        for r, row in enumerate(view.rows):
            state = QTableWidgetItem(t(_STATE_KEYS[row.tally.state]))
            status = QTableWidgetItem(t(f"gui.results.status.{row.status}"))
            status.setForeground(QColor(_STATUS_COLOURS[row.status]))
            title = QTableWidgetItem(row.tally.title)
            title.setData(Qt.ItemDataRole.UserRole, row.tally.contest_id)
            for c, item in enumerate((title, state, status)):
                self.table.setItem(r, c, item)
            if row.tally.contest_id == self.selected:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        if self.selected is None and view.rows:
            closed = [i for i, row in enumerate(view.rows) if row.tally.state is PollState.CLOSED]
            self.table.selectRow(closed[0] if closed else 0)
        self._fill_signers(view.signers)
        self._show_selected()

    def _fill_signers(self, signers: tuple[Signer, ...]) -> None:
        self.signers.setRowCount(len(signers))
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        for r, signer in enumerate(signers):
            info = signer.info
            fp = QTableWidgetItem(info.fingerprint)
            fp.setFont(mono)
            for c, item in enumerate(
                (QTableWidgetItem(info.name), QTableWidgetItem(self._role(info.role)), fp)
            ):
                self.signers.setItem(r, c, item)

    @staticmethod
    def _role(role: str) -> str:
        key = f"gui.results.role.{role}"
        return t(key) if t(key) != key else role

    def current(self) -> ResultRow | None:
        if self.view is None or self.selected is None:
            return None
        return next((r for r in self.view.rows if r.tally.contest_id == self.selected), None)

    def _row_chosen(self) -> None:
        items = self.table.selectedItems()
        self.selected = (
            int(self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))
            if items
            else None
        )
        self.seed_edit.clear()
        self._say("")
        self._show_selected()

    def _replace(self, state: TallyState) -> None:
        """Put a fresh tally state in the view without waiting for the reload."""
        if self.view is not None:
            rows = tuple(
                ResultRow(r.ballot_type, state) if r.tally.contest_id == state.contest_id else r
                for r in self.view.rows
            )
            self.view = ResultsView(rows, self.view.signers, self.view.policy)

    # -- showing the selected contest ----------------------------------------------------
    def _show_selected(self) -> None:
        row = self.current()
        tally = row.tally if row else None
        closed = tally is not None and tally.state is PollState.CLOSED
        counted = tally is not None and tally.result_hash is not None
        self.contest_title.setText(tally.title if tally else t("gui.results.choose"))
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
        any_counted = self.view is not None and any(r.tally.result_hash for r in self.view.rows)
        self.export_button.setEnabled(bool(any_counted))
        self._show_commitment()
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

    def _show_commitment(self) -> None:
        row = self.current()
        stored = row.tally.seed_commitment if row else None
        if stored is not None:
            revealed = row is not None and row.tally.seed is not None
            self.commitment_state.setText(
                t("gui.results.seed.revealed" if revealed else "gui.results.seed.committed")
            )
            self.commitment.setText(grouped_hash(stored))
            self.commitment.setStyleSheet(f"font-size: 22px; font-weight: 700; {MONO}")
            return
        seed = self.seed_edit.text().strip()
        if seed:
            self.commitment_state.setText(t("gui.results.seed.preview"))
            self.commitment.setText(grouped_hash(commitment_for(seed)))
            self.commitment.setStyleSheet(
                f"font-size: 22px; font-weight: 700; color: #5b6b78; {MONO}"
            )
        else:
            self.commitment_state.setText(t("gui.results.seed.none"))
            self.commitment.setText("")

    def _say(self, text: str, colour: str = OK_COLOUR) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour}; font-weight: 700;")

    def _failed(self, error: JobError) -> None:
        self._say(error.message, ERROR_COLOUR)

    # -- actions -------------------------------------------------------------------------
    def commit_seed(self) -> None:
        row = self.current()
        if row is None:
            return
        cid, seed = row.tally.contest_id, self.seed_edit.text()
        self.worker.submit(
            lambda: self.backend.commit_seed(cid, seed), self._committed, self._failed
        )

    def _committed(self, _commitment: str) -> None:
        self._say(t("gui.results.seed.done"))
        self.refresh()

    def count(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.tally.state is not PollState.CLOSED:
            self._say(t("gui.results.count_needs_close"), ERROR_COLOUR)
            return
        cid, seed = row.tally.contest_id, self.seed_edit.text().strip() or None
        self.worker.submit(lambda: self.backend.count(cid, seed), self._counted, self._failed)

    def _counted(self, state: TallyState) -> None:
        self._replace(state)
        self._show_selected()
        self._say(t("gui.results.counted", hash=(state.result_hash or "")[:16]))
        self.refresh()

    def mark_ready(self) -> None:
        row = self.current()
        if row is None:
            return
        cid = row.tally.contest_id
        self.worker.submit(lambda: self.backend.mark_ready(cid), self._made_ready, self._failed)

    def _made_ready(self, state: TallyState) -> None:
        self._replace(state)
        self._say(t("gui.results.ready_done", title=state.title))
        self.refresh()

    def add_signer_file(self) -> None:
        if self.assembly_id is None:
            return
        path = self.pick_file(self)
        if not path:
            return
        aid = self.assembly_id
        self.worker.submit(
            lambda: self.backend.register_file(aid, path), self._registered, self._failed
        )

    def create_key(self) -> None:
        if self.assembly_id is None:
            return
        request = self.ask_key(self)
        if request is None:
            return
        aid = self.assembly_id
        self.worker.submit(
            lambda: self.backend.create_key(aid, request), self._registered, self._failed
        )

    def _registered(self, signer: Signer) -> None:
        self.announce.setText(
            t("gui.results.signers.read_aloud", name=signer.info.name)
            + "\n"
            + signer.info.fingerprint
        )
        self._say(t("gui.results.signers.added", name=signer.info.name))
        self.refresh()

    def export(self) -> None:
        if self.assembly_id is None:
            return
        request = self.ask_sign(self)
        if request is None:
            return
        aid = self.assembly_id
        self.worker.submit(lambda: self.backend.export(aid, request), self._exported, self._failed)

    def _exported(self, path: Path) -> None:
        self.last_bundle = path
        self._say(t("gui.results.export.done", path=str(path)))

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(t("gui.results.heading"))
        self.table.setHorizontalHeaderLabels([t(k) for k in COLUMNS])
        self.signers.setHorizontalHeaderLabels([t(k) for k in SIGNER_COLUMNS])
        self.refresh_button.setText(t("gui.results.refresh"))
        self.signers_box.setTitle(t("gui.results.signers.title"))
        self.add_file_button.setText(t("gui.results.signers.add_file"))
        self.create_key_button.setText(t("gui.results.signers.create"))
        self.export_button.setText(t("gui.results.export.button"))
        self.witness_hint.setText(t("gui.results.export.witness_hint"))
        self.seed_box.setTitle(t("gui.results.seed.title"))
        self.seed_edit.setPlaceholderText(t("gui.results.seed.placeholder"))
        self.commit_button.setText(t("gui.results.seed.commit"))
        self.count_button.setText(t("gui.results.count"))
        if self.view is not None:
            self._loaded(self.view)
        else:
            self._show_selected()
