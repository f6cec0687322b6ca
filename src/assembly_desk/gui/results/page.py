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
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import PollState
from assembly_desk.gui.results.count_panel import CountPanel, grouped_hash
from assembly_desk.gui.results.dialogs import ask_export, ask_new_key, pick_public_file
from assembly_desk.gui.results.look import STATUS_COLOURS, heading_style, page_style
from assembly_desk.gui.results.signers_box import SignersBox
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.gui.widgets.tables import pick_list
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade.results import (
    ExportRequest,
    NewKey,
    ResultRow,
    ResultsService,
    ResultsView,
)
from assembly_desk.services.signers import Signer
from assembly_desk.services.tally import TallyState

__all__ = ["ResultsPage", "grouped_hash"]

COLUMNS = ("gui.results.col.title", "gui.results.col.state", "gui.results.col.tally")
_STATE_KEYS = {
    PollState.DRAFT: "gui.polls.state.draft",
    PollState.OPEN: "gui.polls.state.open",
    PollState.CLOSED: "gui.polls.state.closed",
}


class ResultsPage(QWidget):
    """The contests on the left with the signers box under them; the count on the right.

    Shown again (the tab chosen), it reloads: a poll closed on the polls screen or at
    another desk is then 마감 here without pressing 새로 고침.
    """

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
        layout = QHBoxLayout(self)
        layout.addLayout(self._build_left(), 5)
        layout.addWidget(self._build_right(), 6)
        self.setStyleSheet(page_style())
        self.retranslate()
        self._show_selected()

    def _build_left(self) -> QVBoxLayout:
        """The contest list, the message line and the signers box."""
        self.heading = QLabel()
        self.heading.setStyleSheet(heading_style())
        self.table = pick_list(len(COLUMNS))
        self.table.setObjectName("resultsContests")
        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.message = StatusLine("resultsMessage", min_height=44)
        self.signers_box = SignersBox()
        self.signers = self.signers_box.table
        self.add_file_button = self.signers_box.add_file_button
        self.add_file_button.clicked.connect(self.add_signer_file)
        self.create_key_button = self.signers_box.create_key_button
        self.create_key_button.clicked.connect(self.create_key)
        self.announce = self.signers_box.announce
        self.export_button = self.signers_box.export_button
        self.export_button.clicked.connect(self.export)
        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        left.addLayout(top)
        left.addWidget(self.table, 2)
        left.addWidget(self.message)
        left.addWidget(self.signers_box, 3)
        return left

    def _build_right(self) -> CountPanel:
        """The chosen contest: seed, count, rounds; short names for what tests touch."""
        panel = CountPanel()
        self.count_panel = panel
        self.contest_title, self.summary, self.ties = panel.contest_title, panel.summary, panel.ties
        self.seed_edit, self.commitment = panel.seed_edit, panel.commitment
        self.commitment_state = panel.commitment_state
        self.seed_edit.textChanged.connect(self._show_commitment)
        self.commit_button = panel.commit_button
        self.commit_button.clicked.connect(self.commit_seed)
        self.count_button = panel.count_button
        self.count_button.clicked.connect(self.count)
        self.ready_button = panel.ready_button
        self.ready_button.clicked.connect(self.mark_ready)
        self.rounds, self.rounds_table = panel.rounds, panel.rounds_table
        return panel

    def showEvent(self, event: QShowEvent) -> None:
        """Reload whenever the tab is chosen, so a poll's state is never stale here."""
        super().showEvent(event)
        self.refresh()

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
            status.setForeground(QColor(STATUS_COLOURS[row.status]))
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
        self.signers_box.fill(view.signers)
        self._show_selected()

    def current(self) -> ResultRow | None:
        if self.view is None or self.selected is None:
            return None
        return next((r for r in self.view.rows if r.tally.contest_id == self.selected), None)

    def _row_chosen(self) -> None:
        items = self.table.selectedItems()
        first = self.table.item(items[0].row(), 0) if items else None
        self.selected = int(first.data(Qt.ItemDataRole.UserRole)) if first is not None else None
        self.seed_edit.clear()
        self.message.say("")
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
        self.count_panel.show_tally(row.tally if row else None)
        any_counted = self.view is not None and any(r.tally.result_hash for r in self.view.rows)
        self.export_button.setEnabled(bool(any_counted))

    def _show_commitment(self) -> None:
        row = self.current()
        self.count_panel.show_commitment(row.tally if row else None)

    def _failed(self, error: JobError) -> None:
        self.message.say(error.message, "error")

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
        self.message.say(t("gui.results.seed.done"))
        self.refresh()

    def count(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.tally.state is not PollState.CLOSED:
            self.message.say(t("gui.results.count_needs_close"), "error")
            return
        cid, seed = row.tally.contest_id, self.seed_edit.text().strip() or None
        self.worker.submit(lambda: self.backend.count(cid, seed), self._counted, self._failed)

    def _counted(self, state: TallyState) -> None:
        self._replace(state)
        self._show_selected()
        self.message.say(t("gui.results.counted", hash=(state.result_hash or "")[:16]))
        self.refresh()

    def mark_ready(self) -> None:
        row = self.current()
        if row is None:
            return
        cid = row.tally.contest_id
        self.worker.submit(lambda: self.backend.mark_ready(cid), self._made_ready, self._failed)

    def _made_ready(self, state: TallyState) -> None:
        self._replace(state)
        self.message.say(t("gui.results.ready_done", title=state.title))
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
        self.signers_box.announce_signer(signer)
        self.message.say(t("gui.results.signers.added", name=signer.info.name))
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
        self.message.say(t("gui.results.export.done", path=str(path)))

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(t("gui.results.heading"))
        self.table.setHorizontalHeaderLabels([t(k) for k in COLUMNS])
        self.refresh_button.setText(t("gui.results.refresh"))
        self.signers_box.retranslate()
        self.count_panel.retranslate()
        if self.view is not None:
            self._loaded(self.view)
        else:
            self._show_selected()
