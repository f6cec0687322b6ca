"""The auditor's window: open or drop a signed tally bundle and see whether it holds.

It is the window form of ``assembly-desk verify`` for 감사 and 참관인 on their own
laptops: no database, no services, only :mod:`assembly_desk.audit`. The verdict comes
first and large (green valid, red invalid, grey unreadable) with one line of reason;
below it every check with ✓/✗ and its explanation, each contest's signed result round
by round, and the signers with their fingerprints under a badge that says whether their
identities were checked against keys the auditor trusts (the "trusted keys" button takes
the fingerprints from the minutes, as ``verify --trust`` does).

Verification recounts every ballot (about two seconds for 100,000), so it runs in a
worker thread (:class:`DbWorker`, which is a plain job thread despite its name) while a
busy bar moves; opening another bundle meanwhile simply makes the earlier answer stale.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.audit.verify import TrustAnchor, TrustError, render_report, verify_bundle
from assembly_desk.gui import theme
from assembly_desk.gui.auditor.banner import VerdictBanner, bundle_path
from assembly_desk.gui.auditor.checks import ChecksList
from assembly_desk.gui.auditor.open_bar import OpenBar
from assembly_desk.gui.auditor.signers import SignersPanel
from assembly_desk.gui.auditor.trust import TrustDialog, identity_state, parse_lines
from assembly_desk.gui.widgets.file_dialogs import get_existing_directory, get_open_file_name
from assembly_desk.gui.widgets.language_menu import LanguageMenu, follow_language
from assembly_desk.gui.widgets.rounds_table import ContestPanel
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import (
    AuditOutcome,
    Verifier,
    audit,
    contest_views,
    policy_text,
    signer_rows,
    verdict_reason,
)


def _reproduced(panel: ContestPanel) -> bool:
    return panel.view.recount is not None and panel.view.recount.ok


def _section_title() -> QLabel:
    label = QLabel()
    label.setObjectName("sectionTitle")
    return label


def _splitter(
    orientation: Qt.Orientation, first: QWidget, second: QWidget, stretch: tuple[int, int],
    sizes: list[int],
) -> QSplitter:  # fmt: skip
    splitter = QSplitter(orientation)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes(sizes)
    return splitter


_STYLE = theme.style(
    theme.rule(
        "QLabel#sectionTitle",
        theme.text_style(theme.PALETTE.text_secondary, theme.TYPE.emphasis, 700),
    ),
    theme.rule("QLabel#bundlePath", theme.fg(theme.PALETTE.text_quiet)),
    theme.rule("QTableView", theme.font(theme.TYPE.caption)),
)


class AuditorWindow(QMainWindow):
    """Standalone verification window. ``verified`` is emitted after each answer is shown."""

    verified = Signal(object)  # AuditOutcome

    def __init__(
        self,
        path: str | None = None,
        *,
        verify: Verifier = verify_bundle,
        store: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditorWindow")
        self.setAcceptDrops(True)
        self._verify = verify
        self._store = store
        self._generation = 0
        self._path: str | None = None
        self.outcome: AuditOutcome | None = None
        self.state = "idle"
        self._error: str | None = None
        self.worker = DbWorker(self)
        self.contest_panels: list[ContestPanel] = []
        self.trusted_lines: list[str] = []
        self._trust: list[TrustAnchor] | None = None
        #: Asks for the trusted keys (lines); None = cancelled. Tests replace it.
        self.ask_trust: Callable[[list[str]], list[str] | None] = self._trust_dialog

        self.bar = self._build_bar()
        self.banner = VerdictBanner()
        self.body = self._build_body()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(10)
        layout.addWidget(self.bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        self.setCentralWidget(central)
        self.setStyleSheet(_STYLE)
        self._build_menus()
        follow_language(self, lambda window: window.retranslate())  # type: ignore[attr-defined]
        self.retranslate()
        if path:
            self.open_bundle(path)

    def _build_bar(self) -> OpenBar:
        bar = OpenBar()
        self.open_button, self.folder_button = bar.open_button, bar.folder_button
        self.again_button, self.copy_button = bar.again_button, bar.copy_button
        self.path_label = bar.path_label
        self.open_button.clicked.connect(self.choose_file)
        self.folder_button.clicked.connect(self.choose_folder)
        self.again_button.clicked.connect(self.verify_again)
        self.copy_button.clicked.connect(self.copy_report)
        return bar

    def _build_body(self) -> QSplitter:
        """The checks on the left; the contests' rounds over the signers on the right."""
        self.checks_title = _section_title()
        self.checks = ChecksList()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.checks_title)
        left_layout.addWidget(self.checks, 1)
        self.results_title = _section_title()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("contestTabs")
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)  # full title in the tooltip
        self.signers = SignersPanel()
        self.signers.trust_requested.connect(self.choose_trust)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.results_title)
        results_layout.addWidget(self.tabs, 1)
        right = _splitter(Qt.Orientation.Vertical, results, self.signers, (3, 1), [420, 170])
        return _splitter(Qt.Orientation.Horizontal, left, right, (1, 1), [480, 700])

    # -- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.open_action = QAction(self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_file)
        self.folder_action = QAction(self)
        self.folder_action.triggered.connect(self.choose_folder)
        self.again_action = QAction(self)
        self.again_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.again_action.triggered.connect(self.verify_again)
        self.copy_action = QAction(self)
        self.copy_action.triggered.connect(self.copy_report)
        self.close_action = QAction(self)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        self.close_action.triggered.connect(self.close)
        for action in (self.open_action, self.folder_action, self.again_action):
            self.file_menu.addAction(action)
        self.file_menu.addAction(self.copy_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_action)
        self.language_menu = LanguageMenu(self, on_change=self._language_chosen)
        self.menuBar().addMenu(self.language_menu)

    def _language_chosen(self, lang: str) -> None:
        if self._store is not None:
            self._store.setValue("language", lang)

    # -- opening -----------------------------------------------------------------------
    def choose_file(self) -> None:
        name = get_open_file_name(
            self, t("gui.auditor.open.title"), "", t("gui.auditor.open.filter")
        )
        target = bundle_path(name) if name else None
        if target:
            self.open_bundle(target)

    def choose_folder(self) -> None:
        name = get_existing_directory(self, t("gui.auditor.open.folder_title"))
        if name:
            self.open_bundle(name)

    def open_bundle(self, path: str | Path) -> None:
        """Verify ``path`` in the worker; the answer replaces whatever is shown."""
        self._path = str(path)
        self._generation += 1
        generation = self._generation
        self.outcome = None
        self._error = None
        self.state = "busy"
        self._render()
        target, verify, trust = str(path), self._verify, self._trust
        if not self.worker.is_running():  # closed once and shown again
            self.worker.deleteLater()
            self.worker = DbWorker(self)
        self.worker.submit(
            lambda: audit(target, verify, trust),
            lambda outcome: self._answer(generation, outcome),
            lambda error: self._failed(generation, error),
        )

    def set_trusted(self, lines: list[str]) -> None:
        """Use these fingerprints / key files as trust anchors (none: identities unchecked).

        Raises :class:`TrustError` for a line that is not a key; the current bundle is
        verified again with the new anchors.
        """
        anchors = parse_lines("\n".join(lines))
        self.trusted_lines = [line.strip() for line in lines if line.strip()]
        self._trust = anchors or None
        if self._path and self.state != "busy":
            self.open_bundle(self._path)
        else:
            self._render()

    def choose_trust(self) -> None:
        lines = self.ask_trust(list(self.trusted_lines))
        if lines is None:
            return
        try:
            self.set_trusted(lines)
        except TrustError as error:  # the dialog checks first; a test hook might not
            self._error = t("gui.auditor.trust.bad", reason=str(error))
            self.banner.show_state("invalid", t("gui.auditor.trust.title"), self._error)

    def _trust_dialog(self, current: list[str]) -> list[str] | None:
        dialog = TrustDialog(current, self)
        return dialog.lines() if dialog.exec() == TrustDialog.DialogCode.Accepted else None

    def verify_again(self) -> None:
        if self._path and self.state != "busy":
            self.open_bundle(self._path)

    def copy_report(self) -> None:
        """The CLI's text report, for pasting into minutes or an e-mail."""
        if self.outcome is not None:
            QApplication.clipboard().setText(render_report(self.outcome.report))

    @property
    def is_busy(self) -> bool:
        return self.state == "busy"

    def _answer(self, generation: int, outcome: AuditOutcome) -> None:
        if generation != self._generation:
            return  # another bundle was opened meanwhile
        self.outcome = outcome
        self.state = outcome.verdict
        self._render()
        # Lead the eye to what failed: the first contest whose recount differs, the
        # first red check.
        failing = [i for i, p in enumerate(self.contest_panels) if not _reproduced(p)]
        self.tabs.setCurrentIndex(failing[0] if failing else 0)
        self.checks.reveal_first_failure()
        self.verified.emit(outcome)

    def _failed(self, generation: int, error: JobError) -> None:
        if generation != self._generation:
            return
        exc = error.exception
        self._error = f"{type(exc).__name__}: {exc}"
        self.state = "unreadable"
        self._render()
        self.verified.emit(None)

    # -- drag and drop -----------------------------------------------------------------
    def _dropped_path(self, event: QDragEnterEvent | QDropEvent) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        return bundle_path(urls[0].toLocalFile())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        target = self._dropped_path(event)
        if target:
            event.acceptProposedAction()
            self.open_bundle(target)
        else:
            event.ignore()

    # -- drawing -----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(t("gui.auditor.title"))
        self.file_menu.setTitle(t("gui.auditor.menu.file"))
        self.bar.retranslate()
        self.open_action.setText(t("gui.auditor.open.button"))
        self.folder_action.setText(t("gui.auditor.open.folder"))
        self.again_action.setText(t("gui.auditor.again"))
        self.copy_action.setText(t("gui.auditor.copy"))
        self.close_action.setText(t("gui.auditor.menu.close"))
        self.checks_title.setText(t("gui.auditor.checks.title"))
        self.results_title.setText(t("gui.auditor.results.title"))
        self.language_menu.retranslate()
        self.signers.retranslate()
        self._render()

    def _render(self) -> None:
        outcome = self.outcome
        state = self.state
        if state == "busy":
            headline, reason = t("gui.auditor.verdict.busy"), t("gui.auditor.reason.busy")
        elif state == "idle":
            headline, reason = t("gui.auditor.verdict.idle"), t("gui.auditor.reason.idle")
        elif outcome is None:
            headline = t("gui.auditor.verdict.unreadable")
            reason = t("gui.auditor.reason.error", detail=self._error or "?")
        else:
            headline = t(f"gui.auditor.verdict.{state}")
            reason = verdict_reason(outcome)
        self.banner.show_state(state, headline, reason)
        if self._path:
            where = self._path
            if outcome is not None:
                where += "  ·  " + t("gui.auditor.took", seconds=f"{outcome.seconds:.1f}")
            self.path_label.setText(where)
        else:
            self.path_label.setText(t("gui.auditor.drop_hint"))
        self.again_button.setEnabled(bool(self._path) and state != "busy")
        self.copy_button.setEnabled(outcome is not None)
        self.again_action.setEnabled(self.again_button.isEnabled())
        self.copy_action.setEnabled(outcome is not None)
        self._fill(outcome)

    def _fill(self, outcome: AuditOutcome | None) -> None:
        manifest = outcome.manifest if outcome else None
        self.checks.set_checks(list(outcome.report.checks) if outcome else [], manifest)
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for panel in self.contest_panels:
            panel.hide()
            panel.deleteLater()
        self.contest_panels = []
        if outcome is not None:
            for view in contest_views(outcome):
                panel = ContestPanel(view)
                mark = "" if view.recount is None else ("✓ " if view.recount.ok else "✗ ")
                index = self.tabs.addTab(panel, mark + view.title)
                self.tabs.setTabToolTip(index, f"{view.title} ({view.id})")
                self.contest_panels.append(panel)
        if self.contest_panels:
            self.tabs.setCurrentIndex(max(0, min(current, len(self.contest_panels) - 1)))
        self.signers.set_signers(
            signer_rows(outcome) if outcome else [], policy_text(manifest) if outcome else ""
        )
        state, text = identity_state(outcome)
        self.signers.set_identity(state, text, len(self._trust or []))

    # -- closing -----------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the worker (a running recount finishes first; its answer is dropped).

        The window may be shown again afterwards (a menu entry in the desk app keeps
        one): the next ``open_bundle`` starts a fresh worker.
        """
        self.worker.shutdown()
        if self.state == "busy":
            self._generation += 1
            self.state = "idle"
            self._path = None
            self._render()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
