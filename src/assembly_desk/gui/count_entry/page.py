"""개표 입력: paper ballots typed at the count table, two keystrokes a 찬반 paper.

The page keeps the entry in memory (``KeyPad``) and answers every key on the spot; the
database sees the entry only through the worker, saved after each paper without waiting
for the answer. Saves coalesce: while one is running, later papers wait in memory and go
out together in the next one, so a slow disk or network costs nothing at the keyboard and
10 papers a second is no strain. A restart reloads what was saved.

Three tabs: typing (entry A or B of a batch), comparing and committing a batch, and the
paper reconciliation per contest. The lead hosts this page in the main window:
``CountEntryPage(worker, services.count_entry, lambda: current_assembly_id)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import YES_NO_VOTES, BallotType, Contest, ContestDefinition
from assembly_desk.gui.count_entry.compare import ComparePanel
from assembly_desk.gui.count_entry.keys import KeyPad, Outcome, Result
from assembly_desk.gui.count_entry.reconcile import ReconcilePanel
from assembly_desk.gui.count_entry.widgets import KeyField, NewBatchDialog, legend_html
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.count_entry import (
    TOTALS_TYPES,
    Batch,
    BatchKind,
    BatchState,
    Committed,
    Entry,
    Side,
)
from assembly_desk.services.facade.count_entry import CountEntryService

_ERROR = "color: #b00020; font-size: 16px; font-weight: 600;"
_HINT = "color: #52606d; font-size: 16px;"
_OK = "color: #14632b; font-size: 16px; font-weight: 600;"


class CountEntryPage(QWidget):
    """The count table: choose contest, batch and entry A/B, then type the papers."""

    def __init__(
        self,
        worker: DbWorker,
        backend: CountEntryService,
        assembly_id: Callable[[], int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.backend = backend
        self._assembly_id = assembly_id
        self.contests: list[Contest] = []
        self.batches: list[Batch] = []
        self.pad: KeyPad | None = None
        self._loaded_key: tuple[int, Side] | None = None
        self._loading = False
        self._dirty = False
        self._saving = False
        self.saved_count = 0
        self.last_key_at = 0.0

        # -- the choice line --
        self.contest_label, self.batch_label = QLabel(), QLabel()
        self.contest_box = QComboBox()
        self.contest_box.setObjectName("countContest")
        self.contest_box.setMinimumWidth(300)
        self.contest_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.contest_box.currentIndexChanged.connect(self._contest_changed)
        self.batch_box = QComboBox()
        self.batch_box.setObjectName("countBatch")
        self.batch_box.setMinimumWidth(200)
        self.batch_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.batch_box.currentIndexChanged.connect(self._batch_changed)
        self.new_batch = QPushButton()
        self.new_batch.clicked.connect(self._ask_new_batch)
        self.side_a, self.side_b = QPushButton(), QPushButton()
        self.sides = QButtonGroup(self)
        for i, button in enumerate((self.side_a, self.side_b)):
            button.setCheckable(True)
            button.setMinimumWidth(90)
            button.setStyleSheet(
                "QPushButton { padding: 5px 12px; }"
                " QPushButton:checked { background: #1f5fae; color: #ffffff; font-weight: 700; }"
            )
            self.sides.addButton(button, i)
        self.side_a.setChecked(True)
        self.sides.idClicked.connect(lambda _id: self._load_entry())
        self.volunteer_label = QLabel()
        self.volunteer = QLineEdit()
        self.volunteer.setObjectName("countVolunteer")
        self.volunteer.setMaximumWidth(150)
        self.volunteer.returnPressed.connect(lambda: self.field.setFocus())
        choose = QHBoxLayout()
        for w in (self.contest_label, self.contest_box, self.batch_label, self.batch_box):
            choose.addWidget(w)
        choose.addWidget(self.new_batch)
        choose.addSpacing(12)
        choose.addWidget(self.side_a)
        choose.addWidget(self.side_b)
        choose.addSpacing(12)
        choose.addWidget(self.volunteer_label)
        choose.addWidget(self.volunteer)
        choose.addStretch(1)

        # -- typing --
        self.field = KeyField()
        self.field.key.connect(self.press)
        self.message = QLabel()
        self.message.setObjectName("countMessage")
        self.message.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setObjectName("countCounts")
        self.counts.setWordWrap(True)
        self.counts.setStyleSheet("font-size: 21px;")
        self.list = QListWidget()
        self.list.setObjectName("countList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setStyleSheet("QListWidget { font-size: 18px; }")
        self.legend = QLabel()
        self.legend.setObjectName("countLegend")
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.legend.setStyleSheet(
            "#countLegend { background: #eef1f4; border-radius: 10px; padding: 12px;"
            " font-size: 16px; }"
        )
        self.saved = QLabel()
        self.saved.setObjectName("countSaved")
        left = QVBoxLayout()
        left.addWidget(self.field)
        left.addWidget(self.message)
        left.addWidget(self.counts)
        left.addWidget(self.list, 1)
        right = QVBoxLayout()
        right.addWidget(self.legend, 1)
        right.addWidget(self.saved)
        typing = QWidget()
        row = QHBoxLayout(typing)
        row.addLayout(left, 3)
        row.addLayout(right, 2)

        # -- totals (tally-mark batches) --
        self.totals_form = QWidget()
        self.totals_layout = QFormLayout(self.totals_form)
        self.totals_spins: dict[str, QSpinBox] = {}
        self.totals_save = QPushButton()
        self.totals_save.clicked.connect(self.save_totals)
        self.entry_stack = QStackedWidget()
        self.entry_stack.addWidget(typing)
        self.entry_stack.addWidget(self.totals_form)

        self.compare = ComparePanel(worker, self.backend)
        self.compare.committed.connect(self._committed)
        self.reconcile = ReconcilePanel(worker, self.backend, assembly_id)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("countTabs")
        self.tabs.addTab(self.entry_stack, "")
        self.tabs.addTab(self.compare, "")
        self.tabs.addTab(self.reconcile, "")
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self._show_pad()

    # -- text -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.contest_label.setText(t("count_entry.contest"))
        self.batch_label.setText(t("count_entry.batch"))
        self.new_batch.setText(t("count_entry.new_batch"))
        self.side_a.setText(t("count_entry.side", side="A"))
        self.side_b.setText(t("count_entry.side", side="B"))
        self.volunteer_label.setText(t("count_entry.volunteer"))
        self.volunteer.setPlaceholderText(t("count_entry.volunteer_placeholder"))
        self.totals_save.setText(t("count_entry.totals_save"))
        for i, key in enumerate(
            ("count_entry.tab.entry", "count_entry.tab.compare", "reconcile.tab")
        ):
            self.tabs.setTabText(i, t(key))
        self.compare.retranslate()
        self.reconcile.retranslate()
        self._show_pad()

    # -- choosing -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.contests:
            self.refresh()

    def refresh(self) -> None:
        """Reload the contests of the current assembly (and with them the batches)."""
        aid = self._assembly_id()
        if aid is None:
            return
        self._worker.submit(lambda: self.backend.contests(aid), self._got_contests, self._fail)

    def _got_contests(self, contests: list[Contest]) -> None:
        current = self.contest_id
        self.contests = contests
        self.contest_box.blockSignals(True)
        self.contest_box.clear()
        for c in contests:
            kind = t(f"ballot_type.{c.definition.ballot_type.value}")
            self.contest_box.addItem(f"{c.definition.title} ({kind})", c.id)
        index = self.contest_box.findData(current) if current is not None else 0
        self.contest_box.setCurrentIndex(max(index, 0))
        self.contest_box.blockSignals(False)
        self._contest_changed()

    @property
    def contest(self) -> Contest | None:
        index = self.contest_box.currentIndex()
        return self.contests[index] if 0 <= index < len(self.contests) else None

    @property
    def contest_id(self) -> int | None:
        contest = self.contest
        return None if contest is None else contest.id

    @property
    def batch(self) -> Batch | None:
        index = self.batch_box.currentIndex()
        return self.batches[index] if 0 <= index < len(self.batches) else None

    @property
    def side(self) -> Side:
        return Side.B if self.side_b.isChecked() else Side.A

    def _contest_changed(self) -> None:
        self._flush()
        contest = self.contest
        self.legend.setText(legend_html(None if contest is None else contest.definition))
        self.batches = []
        self.batch_box.clear()
        if contest is None:
            self._set_pad(None)
            return
        self._reload_batches(None)

    def _reload_batches(self, select_id: int | None) -> None:
        contest_id = self.contest_id
        if contest_id is None:
            return
        self._worker.submit(
            lambda: self.backend.batches(contest_id),
            lambda batches: self._got_batches(contest_id, batches, select_id),
            self._fail,
        )

    def _got_batches(self, contest_id: int, batches: list[Batch], select_id: int | None) -> None:
        if contest_id != self.contest_id:
            return  # the volunteer has moved on
        current = select_id if select_id is not None else getattr(self.batch, "id", None)
        self.batches = batches
        self.batch_box.blockSignals(True)
        self.batch_box.clear()
        for b in batches:
            self.batch_box.addItem(self._batch_text(b), b.id)
        open_ids = [b.id for b in batches if b.state is BatchState.OPEN]
        want = current if current is not None else (open_ids[0] if open_ids else None)
        index = self.batch_box.findData(want) if want is not None else -1
        self.batch_box.setCurrentIndex(max(index, 0) if batches else -1)
        self.batch_box.blockSignals(False)
        self._batch_changed()

    def _batch_text(self, b: Batch) -> str:
        if b.state is BatchState.COMMITTED:
            return t("count_entry.batch_committed_item", label=b.label, papers=b.papers)
        sides = "·".join(s.value for s in b.entered) or "–"
        kind = t("count_entry.kind.totals") if b.kind is BatchKind.TOTALS else ""
        return t("count_entry.batch_item", label=b.label, sides=sides, kind=kind).strip()

    def _batch_changed(self) -> None:
        self._flush()
        contest, batch = self.contest, self.batch
        self.compare.set_batch(batch, None if contest is None else contest.definition)
        self._load_entry()

    def _ask_new_batch(self) -> None:
        contest = self.contest
        if contest is None:
            return
        dialog = NewBatchDialog(contest.definition.ballot_type in TOTALS_TYPES, self)
        dialog.label.setText(t("count_entry.batch_default", n=len(self.batches) + 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        label, expected, kind = dialog.values()
        self.create_batch(label, expected, kind)

    def create_batch(
        self, label: str, expected: int | None = None, kind: BatchKind = BatchKind.BALLOTS
    ) -> None:
        contest_id = self.contest_id
        if contest_id is None:
            return
        self._worker.submit(
            lambda: self.backend.create_batch(contest_id, label, expected, kind),
            lambda b: self._reload_batches(b.id),
            self._fail,
        )

    # -- loading and saving an entry ---------------------------------------------------------
    def _load_entry(self) -> None:
        self._flush()
        contest, batch = self.contest, self.batch
        if contest is None or batch is None or batch.state is BatchState.COMMITTED:
            self._set_pad(None)
            if batch is not None:
                self._say(t("count_entry.batch_done", label=batch.label), _OK)
            return
        side = self.side
        self._loading = True
        self._set_pad(KeyPad(contest.definition))
        self._worker.submit(
            lambda: self.backend.load_entry(batch.id, side),
            lambda entry: self._got_entry(batch, side, entry),
            self._fail_load,
        )

    def _got_entry(self, batch: Batch, side: Side, entry: Entry | None) -> None:
        if self.batch is None or self.batch.id != batch.id or self.side is not side:
            return
        self._loading = False
        self._loaded_key = (batch.id, side)
        if batch.kind is BatchKind.TOTALS:
            self._show_totals(entry)
            return
        if self.pad is not None and entry is not None:
            self.pad.marks = list(entry.marks)
        if entry is not None:
            self.volunteer.setText(entry.volunteer)
        self.saved_count = len(entry.marks) if entry is not None else 0
        self._show_pad(rebuild=True)
        self._show_saved()
        self.field.setFocus()
        self._say(t("count_entry.ready_to_type", label=batch.label, side=side.value), _HINT)

    def _fail_load(self, error: JobError) -> None:
        self._loading = False
        self._set_pad(None)
        self._fail(error)

    def _flush(self) -> None:
        """Save the entry if it changed; at most one save runs, later papers ride the next."""
        if not self._dirty or self._saving or self.pad is None or self._loaded_key is None:
            return
        batch_id, side = self._loaded_key
        name, marks = self.volunteer.text(), list(self.pad.marks)
        self._dirty, self._saving = False, True
        self.saved.setText(t("count_entry.saving"))
        self._worker.submit(
            lambda: self.backend.save_entry(batch_id, side, name, marks),
            self._saved_ok,
            self._save_failed,
        )

    def _saved_ok(self, count: int) -> None:
        self._saving = False
        self.saved_count = count
        self._show_saved()
        self._mark_entered()
        self._flush()

    def _mark_entered(self) -> None:
        """Show in the batch list that this entry now exists, without a reload."""
        index, batch = self.batch_box.currentIndex(), self.batch
        if batch is None or self._loaded_key is None or self._loaded_key[0] != batch.id:
            return
        side = self._loaded_key[1]
        if side not in batch.entered:
            entered = tuple(sorted({*batch.entered, side}))
            self.batches[index] = replace(batch, entered=entered)
            self.batch_box.setItemText(index, self._batch_text(self.batches[index]))

    def _save_failed(self, error: JobError) -> None:
        self._saving = False
        self._dirty = True  # kept in memory; tried again with the next paper
        self.saved.setStyleSheet(_ERROR)
        self.saved.setText(t("count_entry.save_failed", error=error.message))

    def _show_saved(self) -> None:
        self.saved.setStyleSheet(_HINT)
        self.saved.setText(t("count_entry.saved", count=self.saved_count))

    @property
    def all_saved(self) -> bool:
        return not self._dirty and not self._saving

    # -- keys -------------------------------------------------------------------------------
    def press(self, key: str) -> Outcome | None:
        """One key from the field; every answer is on screen before this returns."""
        self.last_key_at = time.perf_counter()
        pad = self.pad
        if pad is None or self._loading:
            self._say(t("count_entry.choose_batch_first"), _ERROR)
            return None
        if key == "ENTER" and pad.pending and not self.volunteer.text().strip():
            self._say(t("count_entry.name_first"), _ERROR)  # every entry is signed
            self.volunteer.setFocus()
            return None
        outcome = pad.press(key)
        if outcome.result is Result.RECORDED:
            mark = pad.marks[-1]
            self.list.addItem(f"{len(pad.marks)}. {pad.describe(mark)}")
            self.list.scrollToBottom()
            self._say(t("count_entry.recorded", n=len(pad.marks), what=pad.describe(mark)), _OK)
        elif outcome.result is Result.UNDONE:
            self.list.takeItem(self.list.count() - 1)
            self._say(t("count_entry.undone", n=len(pad.marks) + 1), _HINT)
        elif outcome.result in (Result.IGNORED, Result.REJECTED):
            self._say(outcome.text(), _HINT if outcome.result is Result.IGNORED else _ERROR)
        if outcome.result in (Result.RECORDED, Result.UNDONE):
            self._dirty = True
            self._flush()
            self._show_counts()
        self._show_pending()
        return outcome

    # -- showing ----------------------------------------------------------------------------
    def _set_pad(self, pad: KeyPad | None) -> None:
        self.pad = pad
        self._loaded_key = None
        self._dirty = False
        self.entry_stack.setCurrentIndex(0)
        self._show_pad(rebuild=True)

    def _show_pad(self, rebuild: bool = False) -> None:
        if rebuild:
            self.list.clear()
            if self.pad is not None:
                self.list.addItems(
                    [f"{i + 1}. {self.pad.describe(m)}" for i, m in enumerate(self.pad.marks)]
                )
                self.list.scrollToBottom()
        contest, batch = self.contest, self.batch
        if contest is not None and batch is not None and self.pad is not None:
            self.field.caption.setText(
                t(
                    "count_entry.caption",
                    contest=contest.definition.title,
                    batch=batch.label,
                    side=self.side.value,
                )
            )
        else:
            self.field.caption.setText(t("count_entry.choose_batch_first"))
        if self.pad is not None and not self.pad.supported:
            self._say(t("count_entry.type_unsupported"), _ERROR)
        self._show_pending()
        self._show_counts()

    def _show_pending(self) -> None:
        pending = self.pad.pending_text() if self.pad is not None else ""
        self.field.pending.setText(pending + " ⏎" if pending else "_")

    def _show_counts(self) -> None:
        if self.pad is None:
            self.counts.setText("")
            return
        parts = [f"{label} <b>{n}</b>" for label, n in self.pad.tally()]
        total = t("count_entry.total", n=len(self.pad.marks))
        batch = self.batch
        if batch is not None and batch.expected_size:
            total += " / " + t("count_entry.expected_n", n=batch.expected_size)
        self.counts.setText("&nbsp;&nbsp; ".join(parts) + f"&nbsp;&nbsp; — <b>{total}</b>")

    def _say(self, text: str, style: str) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)

    def _fail(self, error: JobError) -> None:
        self._say(error.message, _ERROR)

    def _committed(self, done: Committed) -> None:
        self._reload_batches(done.batch_id)
        self.reconcile.refresh()

    def _tab_changed(self, index: int) -> None:
        self._flush()
        if index == 1:
            self.compare.refresh()
        elif index == 2:
            self.reconcile.refresh()
        elif self.pad is not None:
            self.field.setFocus()

    # -- totals batches -------------------------------------------------------------------
    def _totals_fields(self, defn: ContestDefinition) -> list[tuple[str, str]]:
        if defn.ballot_type is BallotType.YES_NO:
            options = [(f"option:{v}", t(f"count_entry.vote.{v}")) for v in YES_NO_VOTES]
        else:
            options = [(f"option:{n}", f"{i + 1}. {n}") for i, n in enumerate(defn.names)]
        fields = [*options, ("blank", t("count_entry.blank"))]
        fields.append(("invalid", t("count_entry.invalid")))
        if defn.ballot_type is not BallotType.YES_NO:
            fields.append(("papers", t("count_entry.field.papers")))
        return fields

    def _show_totals(self, entry: Entry | None) -> None:
        contest = self.contest
        if contest is None:
            return
        while self.totals_layout.rowCount():
            self.totals_layout.removeRow(0)
        self.totals_save = QPushButton(t("count_entry.totals_save"))
        self.totals_save.clicked.connect(self.save_totals)
        self.totals_spins = {}
        saved: dict[str, Any] = dict(entry.totals or {}) if entry is not None else {}
        if entry is not None:
            self.volunteer.setText(entry.volunteer)
        for key, label in self._totals_fields(contest.definition):
            spin = QSpinBox()
            spin.setRange(0, 1_000_000)
            spin.setMinimumHeight(34)
            if key.startswith("option:"):
                spin.setValue(int(saved.get("options", {}).get(key[7:], 0)))
            else:
                spin.setValue(int(saved.get(key, 0)))
            self.totals_spins[key] = spin
            self.totals_layout.addRow(label, spin)
        self.totals_layout.addRow(self.totals_save)
        self.entry_stack.setCurrentIndex(1)

    def save_totals(self) -> None:
        if self._loaded_key is None:
            return
        batch_id, side = self._loaded_key
        totals: dict[str, Any] = {"options": {}}
        for key, spin in self.totals_spins.items():
            if key.startswith("option:"):
                totals["options"][key[7:]] = spin.value()
            else:
                totals[key] = spin.value()
        name = self.volunteer.text()
        self._worker.submit(
            lambda: self.backend.save_totals(batch_id, side, name, totals),
            lambda _t: self._say(t("count_entry.totals_saved"), _OK),
            self._fail,
        )
