"""The window's Print menu: every card, one person's card, a contest's paper ballots.

Each action asks what it needs (a roll id, a contest and a number of copies), has the
database thread write the PDF into a private temporary folder through
``Services.printing`` — the calls behind ``assembly-desk cards`` and ``ballots`` — and
opens the preview on it. The folder goes when the preview closes; a copy the user saved
stays where they put it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade import PrintingService
from assembly_desk.services.facade.printing import NumberedContest

if TYPE_CHECKING:  # the preview (QtPdf, QtPrintSupport) is loaded when first shown
    from assembly_desk.gui.printing.preview import PdfPreviewDialog

MAX_COPIES = 2000


class PrintMenu(QMenu):
    def __init__(
        self,
        parent: QWidget,
        worker: DbWorker,
        printing: PrintingService,
        assembly_id: Callable[[], int | None],
        desk: Callable[[], str],
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.printing = printing
        self.assembly_id = assembly_id
        self.desk = desk  # a reprinted card is audited with the desk that made it
        self.preview: PdfPreviewDialog | None = None  # the one open now (tests read it)
        self.notice: QMessageBox | None = None  # the last thing said (a font warning, an error)
        self.cards_action = QAction(self)
        self.card_action = QAction(self)
        self.ballots_action = QAction(self)
        self.cards_action.triggered.connect(lambda: self.print_cards(None))
        self.card_action.triggered.connect(self.ask_person)
        self.ballots_action.triggered.connect(self.ask_contest)
        for action in (self.cards_action, self.card_action, self.ballots_action):
            self.addAction(action)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(t("fronts.print.menu"))
        self.cards_action.setText(t("fronts.print.all_cards"))
        self.card_action.setText(t("fronts.print.one_card"))
        self.ballots_action.setText(t("fronts.print.ballots"))

    def _owner(self) -> QWidget:
        parent = self.parentWidget()
        return parent if parent is not None else self

    # -- asking ----------------------------------------------------------------------
    def ask_person(self) -> None:
        if self.assembly_id() is None:
            return
        pid, ok = QInputDialog.getInt(
            self._owner(), t("fronts.print.one_card"), t("fronts.print.ask_person"), 1, 1
        )
        if ok:
            self.print_cards(pid)

    def ask_contest(self) -> None:
        aid = self.assembly_id()
        if aid is None:
            return
        self.worker.submit(lambda: self.printing.contests(aid), self._choose_contest, self._failed)

    def _choose_contest(self, contests: list[NumberedContest]) -> None:
        if not contests:
            self._tell(t("fronts.print.no_contests"))
            return
        labels = [
            t("fronts.print.contest_item", number=c.number, title=c.contest.definition.title)
            for c in contests
        ]
        label, ok = QInputDialog.getItem(
            self._owner(),
            t("fronts.print.ballots"),
            t("fronts.print.ask_contest"),
            labels,
            0,
            False,
        )
        if not ok:
            return
        chosen = contests[labels.index(label)]
        copies, ok = QInputDialog.getInt(
            self._owner(), t("fronts.print.ballots"), t("fronts.print.ask_copies"), 1, 1, MAX_COPIES
        )
        if ok:
            self.print_ballots(chosen, copies)

    # -- writing and previewing ------------------------------------------------------
    def print_cards(self, person_id: int | None) -> None:
        aid = self.assembly_id()
        if aid is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="assembly-desk-print-"))
        out = folder / "cards.pdf"
        name = "cards.pdf" if person_id is None else f"card-{person_id}.pdf"
        title = t("fronts.print.all_cards") if person_id is None else t("fronts.print.one_card")
        desk = self.desk()
        self.worker.submit(
            lambda: self.printing.write_cards(aid, out, person_id, desk),
            lambda result: self._show(folder, out, title, name, result.warning),
            lambda error: self._failed(error, folder),
        )

    def print_ballots(self, chosen: NumberedContest, copies: int) -> None:
        folder = Path(tempfile.mkdtemp(prefix="assembly-desk-print-"))
        out = folder / "ballots.pdf"
        cid = chosen.contest.id
        title = t(
            "fronts.print.contest_item", number=chosen.number, title=chosen.contest.definition.title
        )
        self.worker.submit(
            lambda: self.printing.write_ballot_papers(cid, out, copies),
            lambda report: self._show(
                folder, out, title, f"ballots-{chosen.number}.pdf", "\n".join(report.warnings)
            ),
            lambda error: self._failed(error, folder),
        )

    def _show(self, folder: Path, out: Path, title: str, name: str, warning: Any) -> None:
        if warning:
            self._tell(str(warning))
        from assembly_desk.gui.printing.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(out, title, name, self._owner())
        dialog.finished.connect(lambda _code: shutil.rmtree(folder, ignore_errors=True))
        dialog.finished.connect(lambda _code: setattr(self, "preview", None))
        self.preview = dialog
        dialog.open()

    def _failed(self, error: JobError, folder: Path | None = None) -> None:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        self._tell(error.message)

    def _tell(self, text: str) -> None:
        """Say it without blocking: the preview (if any) opens beside it."""
        box = QMessageBox(QMessageBox.Icon.Information, t("fronts.print.menu"), text)
        box.setParent(self._owner(), box.windowFlags())
        self.notice = box
        box.open()
