"""안건·투표: the chair's poll console — contests, their state and turnout, open and close.

The list shows each contest with its number (the id the ``ballots`` and ``tally``
commands take), its state (초안 / 진행 중 / 마감) and two numbers: ballots issued and
ballots stored. The editor beside it defines a draft; saving an open contest
is sent to the service anyway and its refusal ("투표가 시작된 안건은 수정할 수 없습니다")
is shown, so the rule lives in one place. Opening and closing ask for the chair's
passphrase each time (password echo) and show the service's answer — wrong passphrase,
empty panel — in words. All database work runs on the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.contests import Contest, PollState
from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.polls.editor import ContestEditor
from assembly_desk.gui.polls.form import ContestForm, from_definition, parse_codes, to_definition
from assembly_desk.gui.widgets.status_line import StatusLine
from assembly_desk.gui.widgets.tables import pick_list
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.facade.polls import Console, PollRow, PollsService
from assembly_desk.services.facade.refusals import passphrase_refusal_text

REFRESH_MS = 3000
COLUMNS = ("gui.polls.col.number", "gui.polls.col.title", "gui.polls.col.type",
           "gui.polls.col.state", "gui.polls.col.issued", "gui.polls.col.cast")  # fmt: skip
_STATE_COLUMN = 3
_STATE_KEYS = {
    PollState.DRAFT: "gui.polls.state.draft",
    PollState.OPEN: "gui.polls.state.open",
    PollState.CLOSED: "gui.polls.state.closed",
}
_P, _TYPE = theme.PALETTE, theme.TYPE
# The state cell is filled and takes white text: a draft is grey, open green, closed dark red.
_STATE_COLOURS = {
    PollState.DRAFT: _P.text_disabled,
    PollState.OPEN: _P.ok_fill,
    PollState.CLOSED: _P.error_frame,
}
_STRONG = (theme.fg(_P.text_on_strong), "font-weight: 700;")
_STYLE = theme.style(
    theme.rule("QWidget", theme.font(_TYPE.body)),
    theme.rule("QTableWidget", theme.font(_TYPE.emphasis)),
    theme.rule("QPushButton", "padding: 8px 16px; min-height: 32px;"),
    theme.rule("QPushButton#openPoll", theme.bg(_P.ok_fill), *_STRONG),
    theme.rule("QPushButton#closePoll", theme.bg(_P.error_frame), *_STRONG),
    theme.rule("QPushButton:disabled", theme.bg(_P.border_strong), theme.fg(_P.text_disabled)),
)

AskSecret = Callable[[QWidget, str, str], "str | None"]


def ask_secret(parent: QWidget, title: str, prompt: str) -> str | None:
    """A passphrase typed as dots; None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Password)
    return text if ok else None


class PollsPage(QWidget):
    changed = Signal()  # a contest was saved, opened or closed

    def __init__(
        self,
        worker: DbWorker,
        backend: PollsService,
        *,
        ask: AskSecret = ask_secret,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.backend = backend
        self.ask = ask
        self.assembly_id: int | None = None
        self.console = Console(False, ())
        self.editing: int | None = None  # the contest id in the editor; None: a new one
        self._loading = False

        left = self._build_list()
        self.editor = self._build_editor()
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        scroll = QScrollArea()  # the rule fields make the editor taller than a laptop screen
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        layout.addWidget(scroll, 2)
        self.setStyleSheet(_STYLE)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self.retranslate()
        self._update_buttons()

    def _build_list(self) -> QVBoxLayout:
        """The passphrase line, the contest list with its buttons, and the message line."""
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.font(_TYPE.subtitle, 700))
        self.passphrase_state = QLabel()
        self.passphrase_button = QPushButton()
        self.passphrase_button.clicked.connect(self.set_passphrase)
        self.table = pick_list(len(COLUMNS))
        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_contest)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openPoll")
        self.open_button.clicked.connect(self.open_selected)
        self.close_button = QPushButton()
        self.close_button.setObjectName("closePoll")
        self.close_button.clicked.connect(self.close_selected)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.message = StatusLine("pollsMessage", min_height=40)

        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.passphrase_state)
        top.addWidget(self.passphrase_button)
        left.addLayout(top)
        left.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.close_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        left.addLayout(buttons)
        left.addWidget(self.message)

        return left

    def _build_editor(self) -> ContestEditor:
        """The editor, and short names for its fields (tests fill them as the chair does)."""
        editor = ContestEditor()
        editor.save_button.clicked.connect(self.save)
        self.title_edit, self.save_button = editor.title_edit, editor.save_button
        self.panel_edit, self.criteria_edit = editor.panel_edit, editor.criteria_edit
        self.budget_cap, self.labels = editor.budget_cap, editor.labels
        return editor

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(t("gui.polls.heading"))
        self.table.setHorizontalHeaderLabels([t(k) for k in COLUMNS])
        self.new_button.setText(t("gui.polls.new"))
        self.open_button.setText(t("gui.polls.open"))
        self.close_button.setText(t("gui.polls.close"))
        self.refresh_button.setText(t("gui.polls.refresh"))
        self.editor.retranslate()
        self._show_console()

    # -- loading -------------------------------------------------------------------------
    def set_assembly(self, assembly_id: int) -> None:
        self.assembly_id = assembly_id
        self.new_contest()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        if not self._loading:
            self.refresh(background=True)

    def refresh(self, background: bool = False) -> None:
        """Reload the contests and their counts (the timer does this while visible)."""
        aid = self.assembly_id
        if aid is None:
            return
        self._loading = True
        self.worker.submit(
            lambda: self.backend.load(aid), self._loaded, self._load_failed, background=background
        )

    def _loaded(self, console: Console) -> None:
        self._loading = False
        self.console = console
        self._show_console()

    def _load_failed(self, error: JobError) -> None:
        self._loading = False
        self.message.say(error.message, "error")

    def _show_console(self) -> None:
        self.passphrase_state.setText(
            t(
                "gui.polls.passphrase_set"
                if self.console.has_passphrase
                else "gui.polls.passphrase_none"
            )
        )
        self.passphrase_button.setText(
            t(
                "gui.polls.passphrase_change"
                if self.console.has_passphrase
                else "gui.polls.passphrase_set_button"
            )
        )
        selected = self.selected_row()
        keep = selected.contest.id if selected else self.editing
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.console.rows))
        for r, row in enumerate(self.console.rows):
            contest, counts = row.contest, row.counts
            cells = (
                str(contest.id),
                contest.definition.title,
                t(f"ballot_type.{contest.definition.ballot_type.value}"),
                t(_STATE_KEYS[contest.state]),
                str(counts.issued),
                str(counts.ballots),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, contest.id)
                if c == _STATE_COLUMN:
                    item.setForeground(QColor(_P.text_on_strong))
                    item.setBackground(_colour(contest.state))
                if c == 0 or c > _STATE_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
            if contest.id == keep:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        self._update_buttons()

    # -- choosing ------------------------------------------------------------------------
    def selected_row(self) -> PollRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        first = self.table.item(rows[0].row(), 0)
        contest_id = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        return next((r for r in self.console.rows if r.contest.id == contest_id), None)

    def select_contest(self, contest_id: int) -> None:
        for r, row in enumerate(self.console.rows):
            if row.contest.id == contest_id:
                self.table.selectRow(r)
                return

    def _row_chosen(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.editing = row.contest.id
            self.load_form(from_definition(row.contest.definition, row.panel_codes))
            self.editor.setTitle(t("gui.polls.edit_title", title=row.contest.definition.title))
        self._update_buttons()

    def new_contest(self) -> None:
        self.table.clearSelection()
        self.editing = None
        self.load_form(ContestForm())
        self.editor.setTitle(t("gui.polls.new_title"))
        self._update_buttons()
        self.title_edit.setFocus()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        state = row.contest.state if row else None
        self.open_button.setEnabled(state is PollState.DRAFT)
        self.close_button.setEnabled(state is PollState.OPEN)
        self.editor.setEnabled(self.assembly_id is not None)
        if self.editing is None:
            self.editor.setTitle(t("gui.polls.new_title"))

    # -- the editor ----------------------------------------------------------------------
    def load_form(self, form: ContestForm) -> None:
        self.editor.load_form(form)

    def save(self) -> None:
        """Create or update the contest in the editor; the service judges it."""
        aid = self.assembly_id
        if aid is None:
            return
        form = self.editor.form_values()
        try:
            defn = to_definition(form)
        except DeskError as error:
            self.message.say(error.message(), "error")
            return
        codes = parse_codes(form.panel_codes)
        contest_id = self.editing
        self.worker.submit(
            lambda: self.backend.save(aid, contest_id, defn, codes), self._saved, self._failed
        )

    def _saved(self, contest: Contest) -> None:
        self.editing = contest.id
        self.message.say(t("gui.polls.saved", title=contest.definition.title), "ok")
        self.changed.emit()
        self.worker.submit(lambda: self.backend.load(contest.assembly_id), self._after_save)

    def _after_save(self, console: Console) -> None:
        self._loaded(console)
        if self.editing is not None:
            self.select_contest(self.editing)
            self._row_chosen()  # the editor shows what was stored (trimmed, codes grouped)

    # -- the chair's passphrase ----------------------------------------------------------
    def set_passphrase(self) -> None:
        aid = self.assembly_id
        if aid is None:
            return
        title = t("gui.polls.passphrase_title")
        current = None
        if self.console.has_passphrase:
            current = self.ask(self, title, t("gui.polls.ask_current"))
            if current is None:
                return
        new = self.ask(self, title, t("gui.polls.ask_new"))
        if new is None:
            return
        again = self.ask(self, title, t("gui.polls.ask_again"))
        if again is None:
            return
        if again != new:
            self.message.say(t("gui.polls.passphrase_mismatch"), "error")
            return
        self.worker.submit(
            lambda: self.backend.set_passphrase(aid, new, current),
            lambda _r: self._passphrase_saved(),
            self._failed,
        )

    def _passphrase_saved(self) -> None:
        self.message.say(t("gui.polls.passphrase_saved"), "ok")
        self.refresh()

    # -- open and close ------------------------------------------------------------------
    def open_selected(self) -> None:
        self._transition("open")

    def close_selected(self) -> None:
        self._transition("close")

    def _transition(self, action: str) -> None:
        row = self.selected_row()
        if row is None:
            return
        title = row.contest.definition.title
        passphrase = self.ask(
            self, t(f"gui.polls.{action}_title"), t(f"gui.polls.{action}_prompt", title=title)
        )
        if passphrase is None:
            return
        contest_id = row.contest.id
        move = self.backend.open_poll if action == "open" else self.backend.close_poll
        self.worker.submit(
            lambda: move(contest_id, passphrase),
            lambda _r: self._transitioned(action, title),
            self._failed,
        )

    def _transitioned(self, action: str, title: str) -> None:
        done = "gui.polls.opened" if action == "open" else "gui.polls.closed"
        self.message.say(t(done, title=title), "ok")
        self.changed.emit()
        self.refresh()

    # -- messages ------------------------------------------------------------------------
    def _failed(self, error: JobError) -> None:
        """The service's refusal; a wrong passphrase also says how long to wait, if at all."""
        self.message.say(passphrase_refusal_text(error.exception) or error.message, "error")


def _colour(state: PollState) -> QColor:
    return QColor(_STATE_COLOURS[state])
