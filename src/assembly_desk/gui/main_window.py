"""The window: a thin shell that hosts the six pages, the menus and the status line.

It owns the shared pieces — the database worker, the worker-side backend, the status
poller, the sounds — and wires page signals to each other. It holds no rules and runs
no queries; pages do their work through the worker.

While a voting station is open this window is hidden and disabled (with every other
window of the app), so no window, menu or shortcut reaches the roll or the desk; closing
it, the app's quit and the session's log-out are turned into the station's passphrase
question. The "station open" marker (``station.lock``) brings the station back, locked,
after a crash or a kill; ``station.host`` does the hiding and the marker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)

from assembly_desk.domain.assembly import Assembly
from assembly_desk.gui import theme
from assembly_desk.gui.count_entry.page import CountEntryPage
from assembly_desk.gui.desk.page import DeskPage
from assembly_desk.gui.polls.page import PollsPage
from assembly_desk.gui.preferences import MemoryStore, Store, clean_desk_name, flag
from assembly_desk.gui.printing.menu import PrintMenu
from assembly_desk.gui.results.page import ResultsPage
from assembly_desk.gui.roll.page import RollPage
from assembly_desk.gui.setup.page import SetupPage
from assembly_desk.gui.station.host import StationHost
from assembly_desk.gui.station.kiosk_exit import AskPassphrase
from assembly_desk.gui.station.lock import StationMarker, database_fingerprint, read_marker
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.gui.status.page import StatusPage
from assembly_desk.gui.widgets.language_menu import LanguageMenu, follow_language
from assembly_desk.gui.widgets.sounds import Sounds
from assembly_desk.gui.widgets.status_poller import StatusPoller
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade import Services
from assembly_desk.services.facade.desk import WalkInAnswer

DESK, ROLL, SETUP, STATUS, POLLS, COUNT_ENTRY, RESULTS = range(7)
_TAB_KEYS = ("gui.tab.desk", "gui.tab.roll", "gui.tab.setup", "gui.tab.status", "gui.polls.tab",
             "gui.tab.count_entry", "gui.results.tab")  # fmt: skip


class MainWindow(QMainWindow):
    ready = Signal()  # the assembly (or its absence) is known and the pages are usable

    def __init__(
        self,
        services: Services,
        desk: str,
        assembly_id: int | None = None,
        *,
        store: Store | None = None,
        sounds: bool | None = None,
        video_inputs: Callable[[], list[Any]] | None = None,
        station_full_screen: bool = True,
        station_ask: AskPassphrase | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store if store is not None else MemoryStore()
        self.station_full_screen = station_full_screen
        # A station left open by a crash or a kill on this database comes back first.
        marker = read_marker(self.store)
        self.resuming: StationMarker | None = None
        if marker is not None and marker.database == database_fingerprint(services.url):
            self.resuming = marker
            assembly_id = marker.assembly_id
        self.worker = DbWorker(self)
        self.services = services
        self.backend = services.desk(desk)
        self.desk_name = desk  # the UI's copy; the backend's belongs to the worker thread
        self.poller = StatusPoller(self.worker, self.backend, self)
        enabled = flag(self.store, "sound", True) if sounds is None else sounds
        self.sounds = Sounds(enabled=enabled, parent=self)
        self.assembly: Assembly | None = None
        self.is_ready = False

        self._build_pages(services, video_inputs)
        self.station_host = StationHost(
            self, self.store, services.url, self.worker,
            ask=station_ask, on_closed=self.polls_page.refresh,
        )  # fmt: skip
        self._build_tabs()
        self._build_menus()
        self._wire()
        follow_language(self, lambda window: window.retranslate())  # type: ignore[attr-defined]
        self.retranslate()
        self._set_pages_enabled(False)
        if self.resuming is not None:
            self.setEnabled(False)  # nothing here is usable until the station is back
        app = QGuiApplication.instance()
        self._session_hooked = isinstance(app, QGuiApplication)
        if isinstance(app, QGuiApplication):
            app.commitDataRequest.connect(self.session_ending)
        self.worker.submit(lambda: self.backend.open(assembly_id), self._opened, self._open_failed)

    # -- building ------------------------------------------------------------------------
    def _build_pages(
        self, services: Services, video_inputs: Callable[[], list[Any]] | None
    ) -> None:
        """One page per tab; each gets the worker and its own service from ``services``."""
        self.desk_page = DeskPage(
            self.worker, self.backend, self.poller, self.sounds, video_inputs=video_inputs
        )
        self.roll_page = RollPage(self.worker, self.backend)
        self.setup_page = SetupPage(self.worker, self.backend)
        self.status_page = StatusPage()
        self.polls_page = PollsPage(self.worker, services.polls)
        self.count_entry_page = CountEntryPage(
            self.worker, services.count_entry, lambda: self.assembly.id if self.assembly else None
        )
        self.results_page = ResultsPage(self.worker, services.results)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setStyleSheet(
            theme.rule("QTabBar::tab", theme.font(theme.TYPE.emphasis), "padding: 10px 26px;")
        )
        for page in self._pages():
            self.tabs.addTab(page, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.where = QLabel()
        self.statusBar().addPermanentWidget(self.where)

    def _wire(self) -> None:
        """Page signals to each other and to the status bar (the window holds no rules)."""
        self.poller.updated.connect(self.status_page.show_status)
        self.poller.failed.connect(
            lambda error: self.statusBar().showMessage(error.message, 10_000)
        )  # not the banner: a failed refresh must not hide the last answer at the door
        self.worker.error.connect(self._show_error)
        self.setup_page.created.connect(self._activate)
        self.setup_page.chosen.connect(self._activate)
        self.setup_page.saved.connect(self._rules_saved)
        self.roll_page.imported.connect(lambda _report: self.poller.refresh())
        self.roll_page.walk_in.registered.connect(self._walk_in_from_roll)

    # -- start-up ------------------------------------------------------------------------
    def _opened(self, assembly: Assembly | None) -> None:
        self.setup_page.set_current(assembly.id if assembly else None)
        self.setup_page.load()
        if assembly is None:
            self.tabs.setCurrentIndex(SETUP)
        else:
            self._activate(assembly, switch=True, use=False)
        resuming, self.resuming = self.resuming, None
        if resuming is not None and assembly is not None and assembly.id == resuming.assembly_id:
            self._open_station(assembly.id, self.station_full_screen)  # stays hidden, disabled
        elif resuming is not None:
            self._resume_abandoned()
        self.is_ready = True
        self.ready.emit()

    def _open_failed(self, error: JobError) -> None:
        if self.resuming is not None:
            self.resuming = None
            self._resume_abandoned()
        self._show_error(error)
        self.setup_page.load()
        self.tabs.setCurrentIndex(SETUP)
        self.is_ready = True
        self.ready.emit()

    def _activate(self, assembly: Assembly, switch: bool = True, use: bool = True) -> None:
        """Work on ``assembly`` from now on (after start-up, creation or choosing it)."""
        self.assembly = assembly
        if use:
            self.worker.submit(lambda: self.backend.use(assembly.id))
        self.setup_page.set_current(assembly.id)
        self._set_pages_enabled(True)
        self.desk_page.banner.show_idle()
        self.desk_page.results.clear_hits()
        self.poller.start()
        self.worker.submit(self.backend.warm_search, background=True)
        self.polls_page.set_assembly(assembly.id)
        self.results_page.set_assembly(assembly.id)
        self.count_entry_page.refresh()
        self._update_where()
        if switch:
            self.tabs.setCurrentIndex(DESK)

    def _rules_saved(self, assembly: Assembly) -> None:
        if self.assembly is not None and assembly.id == self.assembly.id:
            self.assembly = assembly
            self.poller.refresh()

    def _set_pages_enabled(self, enabled: bool) -> None:
        for index in (DESK, ROLL, STATUS, POLLS, COUNT_ENTRY, RESULTS):
            self.tabs.setTabEnabled(index, enabled)

    # -- wiring --------------------------------------------------------------------------
    def _walk_in_from_roll(self, answer: WalkInAnswer) -> None:
        self.desk_page.show_walk_in(answer)
        if answer.scan is not None:
            self.tabs.setCurrentIndex(DESK)

    def _show_error(self, error: JobError) -> None:
        self.statusBar().showMessage(error.message, 15_000)
        if self.tabs.currentIndex() == DESK:
            self.desk_page.show_error(error)

    def _tab_changed(self, index: int) -> None:
        if index == DESK:
            self.desk_page.refocus()
        elif index == COUNT_ENTRY:
            self.count_entry_page.refresh()  # polls may have closed since

    # -- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.language_menu = LanguageMenu(self, on_change=self._language_chosen)
        self.settings_menu = QMenu(self)
        self.desk_name_action = QAction(self)
        self.desk_name_action.triggered.connect(self.ask_desk_name)
        self.sound_action = QAction(self)
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(self.sounds.enabled)
        self.sound_action.toggled.connect(self._sound_toggled)
        self.settings_menu.addAction(self.desk_name_action)
        self.settings_menu.addAction(self.sound_action)
        self.menuBar().addMenu(self.settings_menu)
        self.voting_menu = QMenu(self)
        self.station_action = QAction(self)
        self.station_action.triggered.connect(lambda: self.start_station())
        self.voting_menu.addAction(self.station_action)
        self.menuBar().addMenu(self.voting_menu)
        # Cards and paper ballots, previewed: the same PDFs as `assembly-desk cards|ballots`.
        self.print_menu = PrintMenu(
            self, self.worker, self.services.printing,
            lambda: self.assembly.id if self.assembly else None,
            lambda: self.desk_name,
        )  # fmt: skip
        self.menuBar().addMenu(self.print_menu)
        self.menuBar().addMenu(self.language_menu)

    def _language_chosen(self, lang: str) -> None:
        self.store.setValue("language", lang)
        self.retranslate()

    def ask_desk_name(self) -> None:
        name, ok = QInputDialog.getText(
            self, t("gui.settings.desk_title"), t("gui.settings.desk_prompt"),
            text=self.desk_name,
        )  # fmt: skip
        if ok:
            self.rename_desk(name)
        self.desk_page.refocus()

    def rename_desk(self, name: str) -> None:
        name = clean_desk_name(name)
        if not name:
            return
        self.store.setValue("desk", name)
        self.desk_name = name
        self.worker.submit(lambda: self.backend.rename_desk(name), lambda _r: self._update_where())

    def _sound_toggled(self, on: bool) -> None:
        self.sounds.enabled = on
        self.store.setValue("sound", on)

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(t("app.title"))
        for index, key in enumerate(_TAB_KEYS):
            self.tabs.setTabText(index, t(key))
        self.language_menu.retranslate()
        self.settings_menu.setTitle(t("gui.menu.settings"))
        self.desk_name_action.setText(t("gui.settings.desk_name"))
        self.sound_action.setText(t("gui.settings.sound"))
        self.voting_menu.setTitle(t("gui.station.menu"))
        self.station_action.setText(t("gui.station.start"))
        self.print_menu.retranslate()
        for page in self._pages():
            page.retranslate()
        self._update_where()

    def _update_where(self) -> None:
        title = self.assembly.title if self.assembly else t("gui.where.no_assembly")
        self.where.setText(t("gui.where", desk=self.desk_name, title=title))
        self.where.setStyleSheet(theme.style(theme.font(theme.TYPE.caption), "padding: 0 8px;"))
        self.where.setAlignment(Qt.AlignmentFlag.AlignRight)

    def _pages(self) -> tuple[Any, ...]:
        return (
            self.desk_page,
            self.roll_page,
            self.setup_page,
            self.status_page,
            self.polls_page,
            self.count_entry_page,
            self.results_page,
        )

    # -- the voting station --------------------------------------------------------------
    def start_station(self, full_screen: bool = True) -> StationWindow | None:
        """투표소 모드: the kiosk window on this assembly; leaving it needs the chair passphrase."""
        if self.assembly is None:
            self.statusBar().showMessage(t("gui.station.no_assembly"), 10_000)
            return None
        if self.station is not None:
            self.station.activateWindow()
            return self.station
        if not self.polls_page.console.has_passphrase:
            self.statusBar().showMessage(t("gui.station.no_passphrase"), 15_000)
            self.tabs.setCurrentIndex(POLLS)
            return None
        return self._open_station(self.assembly.id, full_screen)

    @property
    def station(self) -> StationWindow | None:
        """The open voting station, if any."""
        return self.station_host.station

    def _open_station(self, assembly_id: int, full_screen: bool) -> StationWindow:
        return self.station_host.open(self.services.station(assembly_id), assembly_id, full_screen)

    def _resume_abandoned(self) -> None:
        """The marker's assembly is not in this database (any more): nothing to lock here.

        The marker stays, for a start on the database the station was opened on.
        """
        self.setEnabled(True)
        self.show()

    def session_ending(self, manager: Any) -> None:
        """Log-out or shut-down asks the app to save (``commitDataRequest``).

        With a station open the session is cancelled where the session manager allows it:
        the chair leaves the station first. Where it does not, the process ends and the
        marker reopens the station at the next start.
        """
        if self.station is None:
            return
        if manager.allowsInteraction():
            manager.cancel()
            manager.release()
            self.station.ask_to_leave_soon()

    # -- closing -------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the timers, the camera, the station and the worker (idempotent).

        A station closed here is forced, not left: its marker stays, so the next start
        reopens it.
        """
        app = QGuiApplication.instance()
        if self._session_hooked and isinstance(app, QGuiApplication):
            app.commitDataRequest.disconnect(self.session_ending)
            self._session_hooked = False
        if self.station is not None:
            self.station.force_close()
        self.poller.stop()
        self.desk_page.shutdown()
        self.worker.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing (the window, the app's quit) while a station is open: the passphrase."""
        if self.station is not None:
            event.ignore()
            self.station.ask_to_leave_soon()
            return
        self.shutdown()
        super().closeEvent(event)
