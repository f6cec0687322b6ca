"""입장 확인: the page a volunteer at the door lives in.

One field takes everything (scanner, typed code, name, initials, birth date, phone's last
four) and keeps the focus; the banner answers; the list tells namesakes apart; the
counts show the quorum. Every database call goes through the worker, and every answer
ends with the field empty and focused, ready for the next person.

When the database cannot be reached the page says so in words (never a driver's error):
a scan is answered as kept on this laptop, a search or a pick says the database is gone,
and a line under the counts shows how many scans wait until the poller has sent them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain import card_code
from assembly_desk.gui import theme
from assembly_desk.gui.desk.camera import CameraScanner
from assembly_desk.gui.desk.search_list import ResultsList
from assembly_desk.gui.desk.undo_dialog import UndoDialog
from assembly_desk.gui.widgets.banner import Banner, Note
from assembly_desk.gui.widgets.counts_panel import CountsPanel
from assembly_desk.gui.widgets.scan_field import ScanField
from assembly_desk.gui.widgets.sounds import Sounds
from assembly_desk.gui.widgets.status_poller import StatusPoller
from assembly_desk.gui.widgets.walk_in_form import WalkInDialog
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.facade.desk import DeskService, EnterAnswer, OfflineState, WalkInAnswer
from assembly_desk.services.offline_queue import QueuedScan, is_unreachable
from assembly_desk.services.people import PersonView
from assembly_desk.services.search import SearchHit

_CAMERA_STATE_KEYS = {
    "on": "gui.camera.on",
    "none": "gui.camera.none",
    "failed": "gui.camera.failed",
}


class DeskPage(QWidget):
    def __init__(
        self,
        worker: DbWorker,
        backend: DeskService,
        poller: StatusPoller,
        sounds: Sounds,
        parent: QWidget | None = None,
        video_inputs: Callable[[], list[Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deskPage")
        self._worker = worker
        self._backend = backend
        self._poller = poller
        self._sounds = sounds
        self._search_busy = False
        self._search_next: str | None = None
        self._search_seq = 0
        self.dialog: QDialog | None = None  # the open dialog, for tests

        self.field = ScanField()
        self.field.setMinimumHeight(64)
        self.field.setStyleSheet(
            theme.rule(
                "QLineEdit#scanField",
                theme.font(theme.TYPE.field),
                "padding: 6px 14px;",
                theme.border(3, theme.PALETTE.accent, 12),
                theme.bg(theme.PALETTE.surface),
            )
        )
        self.camera_button = QPushButton()
        self.walk_in_button = QPushButton()
        for button in (self.camera_button, self.walk_in_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(64)
            button.setStyleSheet(theme.style(theme.font(theme.TYPE.emphasis), "padding: 0 18px;"))
        self.banner = Banner()
        self.results = ResultsList()
        self.counts = CountsPanel()
        self.camera_state = QLabel()
        self.camera_state.setObjectName("cameraState")
        self.camera_state.setWordWrap(True)
        self.camera_state.setStyleSheet(
            theme.text_style(theme.PALETTE.warn_text, theme.TYPE.body, 600)
        )
        self.camera = CameraScanner(self, video_inputs=video_inputs)
        self.offline_state = QLabel()
        self.offline_state.setObjectName("offlineState")
        self.offline_state.setWordWrap(True)
        self.offline_state.setStyleSheet(
            theme.text_style(theme.PALETTE.error_strong, theme.TYPE.body, 600)
        )
        self.offline_state.hide()
        self._offline: tuple[str, dict[str, int]] | None = None  # key and params shown
        self._pending = 0
        self.keys_hint = QLabel()
        self.keys_hint.setStyleSheet(theme.text_style(theme.PALETTE.text_muted, theme.TYPE.caption))

        top = QHBoxLayout()
        top.addWidget(self.field, 1)
        top.addWidget(self.camera_button)
        top.addWidget(self.walk_in_button)
        self._side = QVBoxLayout()
        self._side.addWidget(self.counts, 1)
        self._side.addWidget(self.camera_state)
        self._side.addWidget(self.offline_state)
        middle = QHBoxLayout()
        middle.addWidget(self.results, 1)
        middle.addLayout(self._side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        layout.addWidget(self.keys_hint)

        self.field.scanned.connect(self.scan_code)
        self.field.entered.connect(self.enter_text)
        self.field.searchRequested.connect(self.search)
        self.field.moveRequested.connect(self.results.move_selection)
        self.field.cleared.connect(self._cleared)
        self.results.checkInRequested.connect(lambda hit: self.check_in(hit.person))
        self.results.undoRequested.connect(lambda hit: self.ask_undo(hit.person))
        self.results.touched.connect(self.refocus)
        self.banner.undoRequested.connect(self.ask_undo)
        self.banner.consentRequested.connect(lambda p: self.check_in(p, guardian_consent=True))
        self.camera_button.clicked.connect(self.toggle_camera)
        self.walk_in_button.clicked.connect(self.open_walk_in)
        self.camera.codeRead.connect(self.scan_code)
        self.camera.stateChanged.connect(self._camera_changed)
        poller.updated.connect(self.counts.show_status)
        poller.offline.connect(self.show_offline_state)
        poller.failed.connect(self._poll_failed)
        self.retranslate()

    # -- actions -------------------------------------------------------------------------
    def scan_code(self, code: str) -> None:
        """A scanned (or camera-read) card code: check in, answer on the banner."""
        self._worker.submit(lambda: self._backend.scan(code), self._scanned, self.show_error)

    def enter_text(self, text: str) -> None:
        """Enter on typed text: the chosen row, a code, or the one person the text finds."""
        query = text.strip()
        hit = self.results.selected_hit()
        if hit is not None and (not query or query == self.results.query):
            self.check_in(hit.person)
            return
        if not query:
            self.refocus()
            return
        self._search_seq += 1  # an Enter answer supersedes any search still on its way
        self._worker.submit(lambda: self._backend.enter(query), self._entered, self.show_error)

    def search(self, query: str) -> None:
        """Search as you type; one search in flight, only the newest text waits behind it."""
        if not query:
            self._search_seq += 1
            self.results.clear_hits()
            return
        if card_code.looks_like_code(query):
            self.results.set_code_hint(query)
            return
        if self._search_busy:
            self._search_next = query
            return
        self._search_busy = True
        self._search_seq += 1
        seq = self._search_seq

        def done(hits: tuple[SearchHit, ...]) -> None:
            self._search_busy = False
            if seq == self._search_seq and self.field.text().strip() == query:
                self.results.set_hits(hits, query)
            self._search_again()

        def failed(error: JobError) -> None:
            self._search_busy = False
            self.show_error(error)
            self._search_again()

        self._worker.submit(lambda: self._backend.search(query), done, failed)

    def _search_again(self) -> None:
        query, self._search_next = self._search_next, None
        if query is not None and query == self.field.text().strip():
            self.search(query)

    def check_in(self, person: PersonView, guardian_consent: bool = False) -> None:
        pid = person.id
        self._worker.submit(
            lambda: self._backend.check_in(pid, guardian_consent), self.show_result, self.show_error
        )

    def ask_undo(self, person: PersonView) -> None:
        dialog = UndoDialog(person, self)
        self.dialog = dialog
        dialog.finished.connect(lambda code: self._undo_answered(dialog, code))
        dialog.open()

    def _undo_answered(self, dialog: UndoDialog, code: int) -> None:
        self.dialog = None
        if code == QDialog.DialogCode.Accepted:
            person, reason = dialog.person, dialog.reason_text()
            self._worker.submit(
                lambda: self._backend.undo(person.id, reason),
                lambda _none: self._undone(person, reason),
                self.show_error,
            )
        dialog.deleteLater()
        self.refocus()

    def open_walk_in(self) -> None:
        dialog = WalkInDialog(self._worker, self._backend, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._walk_in_closed(dialog))
        dialog.open()

    def _walk_in_closed(self, dialog: WalkInDialog) -> None:
        self.dialog = None
        if dialog.answer is not None:
            self.show_walk_in(dialog.answer)
        dialog.deleteLater()
        self.refocus()

    def show_walk_in(self, answer: WalkInAnswer) -> None:
        if answer.scan is not None:
            self.show_result(answer.scan)
            return
        person = answer.registration.person
        self.banner.show_note(
            Note(
                "info",
                "gui.walkin.registered",
                "gui.walkin.registered_detail",
                (("name", person.name), ("code", card_code.display(answer.registration.card_code))),
            )
        )
        self._poller.refresh()
        self.refocus()

    def toggle_camera(self) -> None:
        if self.camera.state == "on":
            self.camera.stop()
        else:
            self.camera.start()
            if self.camera.preview is not None:
                self._side.insertWidget(0, self.camera.preview)
        self.refocus()

    # -- answers -------------------------------------------------------------------------
    def _scanned(self, answer: ScanResult | QueuedScan) -> None:
        if isinstance(answer, QueuedScan):
            self.show_queued(answer)
        else:
            self.show_result(answer)

    def show_queued(self, queued: QueuedScan) -> None:
        """A card kept on this laptop: say so, amber, and get ready for the next person."""
        self.banner.show_note(
            Note(
                "info",
                "outage.queued.headline",
                "outage.queued.detail",
                (("pending", str(queued.pending)),),
            )
        )
        if not queued.repeat:
            self._sounds.play("amber")
        self._set_offline(queued.pending)
        self.field.reset()
        self._search_seq += 1
        self.results.clear_hits()
        self.refocus()

    def show_offline_state(self, state: OfflineState) -> None:
        """After a refresh that reached the database: what the last send did, if anything."""
        report = state.report
        if state.pending and report is not None and report.failed:
            self._pending = state.pending
            self._show_state("outage.state.stuck", {"pending": report.failed})
        elif state.pending:
            self._set_offline(state.pending)
        elif report is not None and report.sent:
            if report.conflicts:
                params = {"sent": report.sent, "conflicts": report.conflicts}
                self._show_state("outage.state.sent_conflicts", params)
            else:
                self._show_state("outage.state.sent", {"sent": report.sent})
        elif self._offline is not None and self._offline[0] == "outage.state.offline":
            self._show_state(None, {})
        self._pending = state.pending

    def _poll_failed(self, error: JobError) -> None:
        if is_unreachable(error.exception):
            self._set_offline(self._pending)

    def _set_offline(self, pending: int) -> None:
        self._pending = pending
        self._show_state("outage.state.offline", {"pending": pending})

    def _show_state(self, key: str | None, params: dict[str, int]) -> None:
        self._offline = (key, params) if key is not None else None
        self.offline_state.setText(t(key, None, **params) if key is not None else "")
        self.offline_state.setVisible(key is not None)

    def show_result(self, result: ScanResult) -> None:
        self.banner.show_result(result)
        self._sounds.play(result.colour.value)
        self.field.reset()
        self._search_seq += 1
        self.results.clear_hits()
        self._poller.refresh()
        self.refocus()

    def _entered(self, answer: EnterAnswer) -> None:
        if answer.queued is not None:
            self.show_queued(answer.queued)
            return
        if answer.scan is not None:
            self.show_result(answer.scan)
            return
        self.results.set_hits(answer.hits, answer.query)
        self.refocus()

    def _undone(self, person: PersonView, reason: str) -> None:
        self.banner.show_note(
            Note(
                "info",
                "gui.undo.done",
                "gui.undo.done_detail",
                (("name", person.name), ("reason", reason)),
            )
        )
        self.results.clear_hits()
        self._poller.refresh()
        self.refocus()

    def show_error(self, error: JobError) -> None:
        if is_unreachable(error.exception):
            # Words a volunteer can act on, not the driver's text with its URL.
            self.banner.show_note(Note("fault", "outage.headline", "outage.unreachable"))
            self._set_offline(self._pending)
        else:
            self.banner.show_error(error)
        self.refocus()

    def _cleared(self) -> None:
        self._search_seq += 1
        self.results.clear_hits()

    def _camera_changed(self, state: str) -> None:
        key = _CAMERA_STATE_KEYS.get(state)
        self.camera_state.setText(t(key) if key else "")
        self.camera_state.setVisible(key is not None)
        self.camera_button.setText(
            t("gui.camera.turn_off") if state == "on" else t("gui.camera.turn_on")
        )
        self.camera_button.setEnabled(state != "none")

    # -- focus and language --------------------------------------------------------------
    def refocus(self) -> None:
        """The field gets the keyboard back after every action, click and dialog."""
        if self.dialog is None:
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refocus()

    def retranslate(self) -> None:
        self.field.setPlaceholderText(t("gui.desk.placeholder"))
        self.walk_in_button.setText(t("gui.desk.walk_in"))
        self._camera_changed(self.camera.state)
        self.keys_hint.setText(t("gui.desk.keys"))
        if self._offline is not None:
            self._show_state(*self._offline)
        self.banner.retranslate()
        self.results.retranslate()
        self.counts.retranslate()

    def shutdown(self) -> None:
        self.camera.shutdown()
