"""명부: bring a roll file in (preview first, all or nothing) and register walk-ins.

The file is read and checked in the worker thread; "가져오기" is enabled only when the
preview found no problem, and the import itself runs there too. A file with a
주민등록번호 column is refused before any preview, with the law and the fix spelled out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.roll.import_preview import ImportPreview
from assembly_desk.gui.roll.roll_list import RollList
from assembly_desk.gui.widgets.file_dialogs import get_open_file_name
from assembly_desk.gui.widgets.walk_in_form import WalkInForm
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.importers.records import RollPreview
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.roll import ImportRejected, ImportReport
from assembly_desk.services.roll_merge import MergePlan, MergeRejected, MergeReport


class RollPage(QWidget):
    imported = Signal(object)  # ImportReport

    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._path: Path | None = None
        self._preview_data: RollPreview | None = None
        self._refusal: JobError | None = None
        self._report: ImportReport | None = None
        self._plan: MergePlan | None = None
        self._merged: MergeReport | None = None
        self.busy = False

        self.title = QLabel()
        self.title.setStyleSheet(theme.font(theme.TYPE.heading, 700))
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet(theme.fg(theme.PALETTE.text_secondary))
        self.choose_button = QPushButton()
        self.choose_button.setMinimumHeight(40)
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel()
        self.merge_check = QCheckBox()
        self.merge_check.setObjectName("mergeCheck")
        self.merge_check.toggled.connect(self._merge_toggled)
        self.refusal = QLabel()
        self.refusal.setObjectName("importRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(
            theme.rule(
                "QLabel#importRefusal",
                theme.bg(theme.PALETTE.error_bg),
                theme.fg(theme.PALETTE.error_on_bg),
                theme.font(theme.TYPE.body),
                theme.border(3, theme.PALETTE.error, 10),
                "padding: 12px;",
            )
        )
        self.refusal.hide()
        self.preview = ImportPreview()
        self.import_button = QPushButton()
        self.import_button.setObjectName("importButton")
        self.import_button.setMinimumHeight(44)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        self.result = QLabel()
        self.result.setObjectName("importResult")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(theme.font(theme.TYPE.body, 600))
        self.walk_in = WalkInForm(worker, backend)

        choose = QHBoxLayout()
        choose.addWidget(self.choose_button)
        choose.addWidget(self.file_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.result, 1)
        bottom.addWidget(self.import_button)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.explain)
        left.addLayout(choose)
        left.addWidget(self.merge_check)
        left.addWidget(self.refusal)
        left.addWidget(self.preview, 1)
        left.addLayout(bottom)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setStyleSheet(theme.fg(theme.PALETTE.border))
        right = QVBoxLayout()
        right.addWidget(self.walk_in)
        importing = QWidget()
        layout = QHBoxLayout(importing)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(left, 3)
        layout.addWidget(line)
        layout.addLayout(right, 2)
        self.roll_list = RollList(worker, backend)
        self.tabs = QTabWidget()
        self.tabs.addTab(importing, "")
        self.tabs.addTab(self.roll_list, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.walk_in.registered.connect(lambda _r: self._roll_changed())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)
        self.retranslate()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.roll_list:
            self.roll_list.refresh()

    def _roll_changed(self) -> None:
        if self.tabs.currentWidget() is self.roll_list:
            self.roll_list.refresh()

    def _merge_toggled(self, _on: bool) -> None:
        if self._path is not None and not self.busy:
            self.load_file(self._path)  # the same file, previewed the other way

    # -- the import ----------------------------------------------------------------------
    def choose_file(self) -> None:
        path = get_open_file_name(self, t("gui.import.choose"), "", t("gui.import.filter"))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read and check ``path`` in the worker; the preview (or refusal) shows when done."""
        self._path = path
        self._preview_data = None
        self._refusal = None
        self._report = None
        self._plan = None
        self._merged = None
        self.preview.clear()
        self.refusal.hide()
        self.import_button.setEnabled(False)
        self.busy = True
        self.retranslate()
        if self.merge_check.isChecked():
            self._worker.submit(
                lambda: self._backend.preview_merge(path), self._merge_previewed, self._refused
            )
            return
        self._worker.submit(
            lambda: self._backend.preview_import(path), self._previewed, self._refused
        )

    def _merge_previewed(self, plan: MergePlan) -> None:
        self.busy = False
        self._plan = plan
        self._preview_data = plan.preview
        self.preview.show_plan(plan)
        self.import_button.setEnabled(plan.ok and bool(plan.new or plan.changed))
        self.retranslate()

    def _previewed(self, preview: RollPreview) -> None:
        self.busy = False
        self._preview_data = preview
        self.preview.show_preview(preview)
        self.import_button.setEnabled(preview.ok and bool(preview.records))
        self.retranslate()

    def _refused(self, error: JobError) -> None:
        self.busy = False
        self._refusal = error
        self.preview.clear()
        self.import_button.setEnabled(False)
        self.retranslate()

    def do_import(self) -> None:
        if self._path is None or self._preview_data is None or not self._preview_data.ok:
            return
        path, preview, plan = self._path, self._preview_data, self._plan
        self.import_button.setEnabled(False)
        self.busy = True
        if plan is not None:
            self._worker.submit(
                lambda: self._backend.merge_roll(path, plan), self._did_merge, self._import_failed
            )
            return
        self._worker.submit(
            lambda: self._backend.import_roll(path, preview), self._imported, self._import_failed
        )

    def _imported(self, report: ImportReport) -> None:
        self.busy = False
        self._report = report
        self._preview_data = None
        self.retranslate()
        self.imported.emit(report)

    def _did_merge(self, report: MergeReport) -> None:
        self.busy = False
        self._merged = report
        self._plan = None
        self._preview_data = None
        self.retranslate()
        self._roll_changed()
        self.imported.emit(report)

    def _import_failed(self, error: JobError) -> None:
        self.busy = False
        if isinstance(error.exception, (ImportRejected, MergeRejected)):
            self.preview.show_problems(error.exception.problems)
        self._refusal = error
        self.retranslate()

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(t("gui.import.title"))
        self.explain.setText(t("gui.import.explain"))
        self.choose_button.setText(t("gui.import.choose"))
        self.tabs.setTabText(0, t("roll_merge.gui.tab_import"))
        self.tabs.setTabText(1, t("roll_merge.gui.tab_roll"))
        self.merge_check.setText(t("roll_merge.gui.merge"))
        self.import_button.setText(
            t("roll_merge.gui.do_merge" if self.merge_check.isChecked() else "gui.import.do")
        )
        if self._path is None:
            self.file_label.setText(t("gui.import.no_file"))
        elif self.busy:
            self.file_label.setText(t("gui.import.reading", file=self._path.name))
        else:
            self.file_label.setText(self._path.name)
        if self._refusal is not None:
            exc = self._refusal.exception
            message = exc.message() if isinstance(exc, DeskError) else self._refusal.message
            self.refusal.setText(message)
            self.refusal.show()
        else:
            self.refusal.hide()
        if self._merged is not None:
            m = self._merged
            self.result.setText(
                t(
                    "roll_merge.done",
                    added=m.added,
                    changed=m.changed,
                    missing=m.missing,
                    eligible=m.eligible,
                )
            )
        elif self._report is not None:
            self.result.setText(
                t("gui.import.done", count=self._report.imported, eligible=self._report.eligible)
            )
        elif self._preview_data is not None and not self._preview_data.ok:
            self.result.setText(t("gui.import.fix_first"))
        elif self._preview_data is not None:
            self.result.setText(t("gui.import.ready", count=len(self._preview_data.records)))
        else:
            self.result.setText("")
        self.preview.retranslate()
        self.walk_in.retranslate()
        self.roll_list.retranslate()
        self.result.setAlignment(Qt.AlignmentFlag.AlignVCenter)
