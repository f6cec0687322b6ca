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

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from assembly_desk.domain.contests import Contest
from assembly_desk.gui.count_entry.choice_line import ChoiceLine, batch_text
from assembly_desk.gui.count_entry.compare import ComparePanel
from assembly_desk.gui.count_entry.keys import KeyPad, Outcome, Result
from assembly_desk.gui.count_entry.reconcile import ReconcilePanel
from assembly_desk.gui.count_entry.saving import EntrySaver
from assembly_desk.gui.count_entry.totals_form import TotalsForm
from assembly_desk.gui.count_entry.typing_panel import TypingPanel
from assembly_desk.gui.count_entry.widgets import NewBatchDialog, legend_html
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
        self.saver = EntrySaver(
            worker,
            backend.save_entry,
            saving=lambda: self.saved.say(t("count_entry.saving"), "hint"),
            saved=self._saved_ok,
            failed=self._save_failed,
        )
        self.saved_count = 0
        self.last_key_at = 0.0
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_choice_line())
        layout.addWidget(self._build_tabs(worker, assembly_id), 1)
        self.retranslate()
        self._show_pad()

    def _build_choice_line(self) -> ChoiceLine:
        self.choice = ChoiceLine()
        self.contest_box, self.batch_box = self.choice.contest_box, self.choice.batch_box
        self.contest_box.currentIndexChanged.connect(self._contest_changed)
        self.batch_box.currentIndexChanged.connect(self._batch_changed)
        self.choice.new_batch.clicked.connect(self._ask_new_batch)
        self.side_a, self.side_b = self.choice.side_a, self.choice.side_b
        self.choice.sides.idClicked.connect(lambda _id: self._load_entry())
        self.volunteer = self.choice.volunteer
        self.choice.done.connect(lambda: self.field.setFocus())
        return self.choice

    def _build_tabs(self, worker: DbWorker, assembly_id: Callable[[], int | None]) -> QTabWidget:
        """Typing (or the totals form), comparing a batch, and the paper reconciliation."""
        self.typing = TypingPanel()
        self.field, self.message = self.typing.field, self.typing.message
        self.field.key.connect(self.press)
        self.counts, self.list = self.typing.counts, self.typing.list
        self.legend, self.saved = self.typing.legend, self.typing.saved
        self.totals_form = TotalsForm()
        self.totals_form.save.connect(self.save_totals)
        self.entry_stack = QStackedWidget()
        self.entry_stack.addWidget(self.typing)
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
        return self.tabs

    # -- text -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.choice.retranslate()
        self.totals_form.retranslate()
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
            self.batch_box.addItem(batch_text(b), b.id)
        open_ids = [b.id for b in batches if b.state is BatchState.OPEN]
        want = current if current is not None else (open_ids[0] if open_ids else None)
        index = self.batch_box.findData(want) if want is not None else -1
        self.batch_box.setCurrentIndex(max(index, 0) if batches else -1)
        self.batch_box.blockSignals(False)
        self._batch_changed()

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
                self.message.say(t("count_entry.batch_done", label=batch.label), "ok")
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
        self.message.say(t("count_entry.ready_to_type", label=batch.label, side=side.value), "hint")

    def _fail_load(self, error: JobError) -> None:
        self._loading = False
        self._set_pad(None)
        self._fail(error)

    def _flush(self) -> None:
        """Save the entry if it changed; at most one save runs, later papers ride the next."""
        marks = self.pad.marks if self.pad is not None else None
        self.saver.flush(self._loaded_key, self.volunteer.text(), marks)

    def _saved_ok(self, count: int) -> None:
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
            self.batch_box.setItemText(index, batch_text(self.batches[index]))

    def _save_failed(self, error: JobError) -> None:
        self.saved.say(t("count_entry.save_failed", error=error.message), "error")

    def _show_saved(self) -> None:
        self.saved.say(t("count_entry.saved", count=self.saved_count), "hint")

    @property
    def all_saved(self) -> bool:
        return self.saver.all_saved

    # -- keys -------------------------------------------------------------------------------
    def press(self, key: str) -> Outcome | None:
        """One key from the field; every answer is on screen before this returns."""
        self.last_key_at = time.perf_counter()
        pad = self.pad
        if pad is None or self._loading:
            self.message.say(t("count_entry.choose_batch_first"), "error")
            return None
        if key == "ENTER" and pad.pending and not self.volunteer.text().strip():
            self.message.say(t("count_entry.name_first"), "error")  # every entry is signed
            self.volunteer.setFocus()
            return None
        outcome = pad.press(key)
        if outcome.result is Result.RECORDED:
            mark = pad.marks[-1]
            self.list.addItem(f"{len(pad.marks)}. {pad.describe(mark)}")
            self.list.scrollToBottom()
            self.message.say(
                t("count_entry.recorded", n=len(pad.marks), what=pad.describe(mark)), "ok"
            )
        elif outcome.result is Result.UNDONE:
            self.list.takeItem(self.list.count() - 1)
            self.message.say(t("count_entry.undone", n=len(pad.marks) + 1), "hint")
        elif outcome.result in (Result.IGNORED, Result.REJECTED):
            self.message.say(
                outcome.text(), "hint" if outcome.result is Result.IGNORED else "error"
            )
        if outcome.result in (Result.RECORDED, Result.UNDONE):
            self.saver.dirty = True
            self._flush()
            self._show_counts()
        self._show_pending()
        return outcome

    # -- showing ----------------------------------------------------------------------------
    def _set_pad(self, pad: KeyPad | None) -> None:
        self.pad = pad
        self._loaded_key = None
        self.saver.dirty = False
        self.entry_stack.setCurrentIndex(0)
        self._show_pad(rebuild=True)

    def _show_pad(self, rebuild: bool = False) -> None:
        if rebuild:
            self.typing.show_marks(self.pad)
        contest, batch = self.contest, self.batch
        where = None
        if contest is not None and batch is not None and self.pad is not None:
            where = (contest.definition.title, batch.label, self.side.value)
        self.typing.show_caption(where)
        if self.pad is not None and not self.pad.supported:
            self.message.say(t("count_entry.type_unsupported"), "error")
        self._show_pending()
        self._show_counts()

    def _show_pending(self) -> None:
        self.typing.show_pending(self.pad)

    def _show_counts(self) -> None:
        batch = self.batch
        self.typing.show_counts(self.pad, batch.expected_size if batch is not None else None)

    def _fail(self, error: JobError) -> None:
        self.message.say(error.message, "error")

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
    def _show_totals(self, entry: Entry | None) -> None:
        contest = self.contest
        if contest is None:
            return
        if entry is not None:
            self.volunteer.setText(entry.volunteer)
        saved = dict(entry.totals or {}) if entry is not None else {}
        self.totals_form.show_totals(contest.definition, saved)
        self.entry_stack.setCurrentIndex(1)

    def save_totals(self) -> None:
        if self._loaded_key is None:
            return
        batch_id, side = self._loaded_key
        totals, name = self.totals_form.totals(), self.volunteer.text()
        self._worker.submit(
            lambda: self.backend.save_totals(batch_id, side, name, totals),
            lambda _t: self.message.say(t("count_entry.totals_saved"), "ok"),
            self._fail,
        )
