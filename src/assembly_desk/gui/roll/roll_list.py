"""명부 목록: the roll as a table to filter, with one person's correction, card and the export.

Filtering runs in the worker (the roll may hold 100,000 people); the table shows at most
``MAX_SHOWN`` rows and says how many more matched, so typing stays quick. Card codes are
never shown: a code on a screen could be typed in at a desk. A one-card reprint writes
the person's existing code, in the cards PDF's layout; the export is a CSV without codes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
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

from assembly_desk.domain.assembly import Category
from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.roll.correction_form import CorrectionForm
from assembly_desk.gui.widgets.file_dialogs import get_save_file_name
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.cards import CardsResult
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.roll_edit import Corrected, RollEntry, RollFilter

MAX_SHOWN = 500
FILTER_DELAY_MS = 150
_COLUMNS = ("id", "name", "birth", "category", "place", "phone", "eligible", "checked_in")


class RollList(QWidget):
    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._entries: list[RollEntry] = []
        self._seq = 0
        self.loaded = 0  # how many refreshes have arrived (tests wait on it)
        self.search = QLineEdit()
        self.search.setObjectName("rollSearch")
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        for value in (None, True, False):
            self.state.addItem("", value)
        self.category = QComboBox()
        self.category.addItem("", None)
        for category in Category:
            self.category.addItem("", category.value)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._picked)
        self.count = QLabel()
        self.count.setObjectName("rollCount")
        self.count.setStyleSheet(theme.fg(theme.PALETTE.text_secondary))
        self.form = CorrectionForm(worker, backend)
        self.form.corrected.connect(self._corrected)
        self.card_button = QPushButton()
        self.card_button.setEnabled(False)
        self.card_button.clicked.connect(self.choose_card_file)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export_file)
        self.note = QLabel()
        self.note.setObjectName("rollNote")
        self.note.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.state)
        filters.addWidget(self.category)
        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        left.addLayout(bottom)
        right = QVBoxLayout()
        right.addWidget(self.form)
        right.addWidget(self.card_button)
        right.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.category.currentIndexChanged.connect(lambda _i: self.refresh())
        self.retranslate()

    # -- the list ------------------------------------------------------------------------
    def current_filter(self) -> RollFilter:
        category = self.category.currentData()
        return RollFilter(
            text=self.search.text(),
            checked_in=self.state.currentData(),
            category=Category(category) if category else None,
        )

    def refresh(self) -> None:
        """Ask the worker for the people matching the filter; the newest answer wins."""
        self._seq += 1
        seq, flt = self._seq, self.current_filter()
        self._worker.submit(
            lambda: self._backend.list_roll(flt),
            lambda entries: self._listed(seq, entries),
            self._failed,
        )

    def _listed(self, seq: int, entries: list[RollEntry]) -> None:
        if seq != self._seq:
            return  # an older filter's answer
        picked = self.selected()
        self._entries = entries
        shown = entries[:MAX_SHOWN]
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for r, e in enumerate(shown):
            place = " ".join(
                p
                for p in (
                    f"{e.tong}{t('unit.tong')}" if e.tong else "",
                    f"{e.ban}{t('unit.ban')}" if e.ban else "",
                )
                if p
            )
            cells = (
                str(e.id),
                e.name,
                e.birth_date.isoformat(),
                t(f"category.{e.category.value}"),
                place,
                f"****{e.phone_last4}" if e.phone_last4 else "",
                t("roll_merge.export.yes" if e.eligible else "roll_merge.export.no"),
                t("roll_merge.export.yes" if e.checked_in else "roll_merge.export.no"),
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.loaded += 1
        if picked is not None:
            self.select_person(picked.id)
        self.retranslate()

    def _failed(self, error: JobError) -> None:
        exc = error.exception
        self._note(exc.message() if isinstance(exc, DeskError) else error.message, ok=False)

    def rows(self) -> list[RollEntry]:
        """The people in the table, top to bottom."""
        return self._entries[:MAX_SHOWN]

    def selected(self) -> RollEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._entries):
            return None
        return self._entries[rows[0].row()]

    def select_person(self, person_id: int) -> bool:
        for r, e in enumerate(self.rows()):
            if e.id == person_id:
                self.table.selectRow(r)
                self._picked()
                return True
        return False

    def _picked(self) -> None:
        entry = self.selected()
        self.form.show_entry(entry)
        self.card_button.setEnabled(entry is not None)

    def _corrected(self, done: Corrected) -> None:
        self.refresh()

    # -- one card, the export ------------------------------------------------------------
    def choose_card_file(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        path = get_save_file_name(
            self, t("roll_merge.gui.card"), f"card-{entry.id}.pdf", t("roll_merge.gui.pdf_filter")
        )
        if path:
            self.reprint_to(entry.id, Path(path))

    def reprint_to(self, person_id: int, path: Path) -> None:
        self._worker.submit(
            lambda: self._backend.write_card(person_id, path),
            lambda result: self._printed(result, path),
            self._failed,
        )

    def _printed(self, result: CardsResult, path: Path) -> None:
        text = t("cli.cards_written", count=result.count, path=path.name)
        self._note(text + (f"\n{result.warning}" if result.warning else ""), ok=True)

    def choose_export_file(self) -> None:
        path = get_save_file_name(
            self, t("roll_merge.gui.export"), "roll.csv", t("roll_merge.gui.csv_filter")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        self._worker.submit(
            lambda: self._backend.export_roll(path),
            lambda count: self._note(
                t("roll_merge.exported", count=count, path=path.name), ok=True
            ),
            self._failed,
        )

    def _note(self, text: str, ok: bool) -> None:
        role = theme.PALETTE.ok_text if ok else theme.PALETTE.error_text
        self.note.setStyleSheet(theme.text_style(role, theme.TYPE.small))
        self.note.setText(text)

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.search.setPlaceholderText(t("roll_merge.gui.search"))
        for i, key in enumerate(("roll_merge.gui.all", "roll_merge.gui.in", "roll_merge.gui.out")):
            self.state.setItemText(i, t(key))
        self.category.setItemText(0, t("roll_merge.gui.all_categories"))
        for i, category in enumerate(Category, start=1):
            self.category.setItemText(i, t(f"category.{category.value}"))
        self.table.setHorizontalHeaderLabels([t(f"roll_merge.gui.col.{c}") for c in _COLUMNS])
        more = len(self._entries) - MAX_SHOWN
        text = t("roll_merge.gui.count", count=len(self._entries))
        if more > 0:
            text += " " + t("roll_merge.gui.more", count=more)
        self.count.setText(text)
        self.card_button.setText(t("roll_merge.gui.card"))
        self.export_button.setText(t("roll_merge.gui.export"))
        self.form.retranslate()
