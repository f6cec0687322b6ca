"""Hosting a voting station in the desk app: the marker, the lock on every other window.

While a station is open every other window of the app is hidden and disabled, and each
action is switched off too (an action keeps its own enabled state, and an application-
wide shortcut would still fire), so no window, menu or shortcut reaches the roll or the
desk. The "station open" marker is written *before* the station shows, so a crash or a
kill from then on reopens the station, locked, at the next start; only leaving with the
chair's passphrase clears it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from assembly_desk.gui.preferences import Store
from assembly_desk.gui.station.kiosk_exit import AskPassphrase, ask_passphrase
from assembly_desk.gui.station.lock import (
    StationMarker,
    clear_marker,
    database_fingerprint,
    write_marker,
)
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.gui.widgets.worker import DbWorker
from assembly_desk.services.facade.station import StationService


class StationHost(QObject):
    """Opens the station over ``window`` and gives the window back when it closes.

    ``on_closed`` runs after the station is gone, forced or left (the host refreshes
    what the station changed).
    """

    def __init__(
        self,
        window: QWidget,
        store: Store,
        url: str,
        worker: DbWorker,
        *,
        ask: AskPassphrase | None = None,
        on_closed: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.url = url
        self.worker = worker
        self.ask = ask  # the passphrase dialog (tests hand in answers)
        self.on_closed = on_closed
        self.station: StationWindow | None = None
        self._hidden: list[QWidget] = []
        self._disabled: list[QAction] = []

    def open(self, service: StationService, assembly_id: int, full_screen: bool) -> StationWindow:
        """The marker first (a crash from here on reopens the station), then the lock."""
        write_marker(self.store, StationMarker(assembly_id, database_fingerprint(self.url)))
        station = StationWindow(service, self.worker, ask=self.ask or ask_passphrase)
        self.station = station
        station.left.connect(self._left)
        station.closed.connect(self._closed)
        self._lock()
        if full_screen:
            station.start()
        else:
            station.show()
        return station

    def _lock(self) -> None:
        """Hide and disable every other window of the app: no menu, shortcut or Alt+Tab."""
        for widget in QApplication.topLevelWidgets():
            if widget is not self.station and widget is not self.window and widget.isVisible():
                self._hidden.append(widget)
                widget.hide()
        for action in self.window.findChildren(QAction):
            if action.isEnabled():
                self._disabled.append(action)
                action.setEnabled(False)
        self.window.setEnabled(False)
        self.window.hide()

    def _left(self) -> None:
        """The chair left with the passphrase: forget the marker, bring the desk back."""
        clear_marker(self.store)
        for action in self._disabled:
            action.setEnabled(True)
        self._disabled.clear()
        self.window.setEnabled(True)
        self.window.show()
        for widget in self._hidden:
            with contextlib.suppress(RuntimeError):  # closed and deleted meanwhile
                widget.show()
        self._hidden.clear()
        self.window.activateWindow()

    def _closed(self) -> None:
        self.station = None
        self.on_closed()
