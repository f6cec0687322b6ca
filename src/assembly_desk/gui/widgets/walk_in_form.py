"""Registering someone who is not on the roll, at the desk, with the verdict as you type.

The eligibility verdict (and its reason: age, category, guardian consent) appears while
the volunteer is still typing, so nobody is registered only to be refused a moment later.
The same form sits on the roll page and in a dialog opened from the desk.

When the roll already holds someone with the same name and birth date, the service
refuses and names them (roll number, birth month, 통/반); the form then shows that match
and a reason field, and registers only once the volunteer has said why this is another
person. The reason is sealed in the audit log.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.assembly import Category
from assembly_desk.gui import theme
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.importers.dates import DateProblem, parse_birth_date
from assembly_desk.services import roll
from assembly_desk.services.facade.desk import DeskService, WalkInAnswer, WalkInVerdict

JUDGE_DELAY_MS = 150


def _verdict_style(background: str, text: str) -> str:
    """The verdict box: its colours say the answer before the words are read."""
    return theme.style(
        theme.font(theme.TYPE.large, 700),
        "padding: 8px; border-radius: 8px;",
        theme.bg(background),
        theme.fg(text),
    )


class WalkInForm(QWidget):
    registered = Signal(object)  # WalkInAnswer

    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._verdict: WalkInVerdict | None = None
        self._problem: DateProblem | None = None
        self._error: JobError | None = None
        self._judge_seq = 0
        self.title = QLabel()
        self.title.setStyleSheet(theme.font(theme.TYPE.heading, 700))
        self.name = QLineEdit()
        self.birth = QLineEdit()
        self.category = QComboBox()
        for category in Category:
            self.category.addItem("", category.value)
        self.address = QLineEdit()
        self.tong = QLineEdit()
        self.ban = QLineEdit()
        self.tong.setMaximumWidth(90)
        self.ban.setMaximumWidth(90)
        self.phone = QLineEdit()
        self.consent = QCheckBox()
        self.verdict = QLabel()
        self.verdict.setObjectName("walkInVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(48)
        self.error = QLabel()
        self.error.setObjectName("walkInError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.text_style(theme.PALETTE.error_text, theme.TYPE.small))
        self.match_label = QLabel()
        self.match_label.setWordWrap(True)
        self.match_reason = QLineEdit()
        self.match_reason.setObjectName("walkInMatchReason")
        self._match_ids = ""
        self.register_button = QPushButton()
        self.register_in_button = QPushButton()
        self.register_in_button.setDefault(True)
        for button in (self.register_button, self.register_in_button):
            button.setMinimumHeight(44)
        self.register_button.clicked.connect(lambda: self.submit(check_in=False))
        self.register_in_button.clicked.connect(lambda: self.submit(check_in=True))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        units = QHBoxLayout()
        units.addWidget(self.tong)
        self._ban_label = QLabel()
        units.addWidget(self._ban_label)
        units.addWidget(self.ban)
        units.addStretch(1)
        self._labels = [QLabel() for _ in range(6)]
        self.form.addRow(self._labels[0], self.name)
        self.form.addRow(self._labels[1], self.birth)
        self.form.addRow(self._labels[2], self.category)
        self.form.addRow(self._labels[3], self.address)
        self.form.addRow(self._labels[4], units)
        self.form.addRow(self._labels[5], self.phone)
        self.form.addRow("", self.consent)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.register_in_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.error)
        layout.addWidget(self.match_label)
        layout.addWidget(self.match_reason)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self._judge_timer = QTimer(self)
        self._judge_timer.setSingleShot(True)
        self._judge_timer.setInterval(JUDGE_DELAY_MS)
        self._judge_timer.timeout.connect(self._judge)
        for edit in (self.name, self.birth):
            edit.textChanged.connect(self._changed)
            edit.textEdited.connect(self._hide_match)
        self._hide_match()
        self.category.currentIndexChanged.connect(self._changed)
        self.consent.toggled.connect(self._changed)
        self.retranslate()

    # -- reading the form ----------------------------------------------------------------
    def birth_date_or_problem(self) -> roll.WalkIn | DateProblem | None:
        text = self.birth.text().strip()
        if not text:
            return None
        try:
            birth = parse_birth_date(text, date.today())
        except DateProblem as problem:
            return problem
        return roll.WalkIn(
            name=self.name.text(),
            birth_date=birth,
            category=Category(self.category.currentData()),
            address=self.address.text(),
            tong=self.tong.text(),
            ban=self.ban.text(),
            phone=self.phone.text(),
            guardian_consent=self.consent.isChecked(),
            match_reason="" if self.match_reason.isHidden() else self.match_reason.text(),
        )

    # -- behaviour -----------------------------------------------------------------------
    def reset(self) -> None:
        for edit in (self.name, self.birth, self.address, self.tong, self.ban, self.phone):
            edit.clear()
        self.category.setCurrentIndex(0)
        self.consent.setChecked(False)
        self._hide_match()
        self._verdict = None
        self._problem = None
        self._error = None
        self._render_verdict()
        self.name.setFocus()

    def submit(self, check_in: bool) -> None:
        form = self.birth_date_or_problem()
        self._error = None
        if not isinstance(form, roll.WalkIn):
            self._problem = form if isinstance(form, DateProblem) else None
            self._render_verdict()
            self.error.setText(t("gui.walkin.need_birth") if form is None else self._problem_text())
            return
        self.error.setText("")
        self.register_button.setEnabled(False)
        self.register_in_button.setEnabled(False)
        self._worker.submit(
            lambda: self._backend.register_walk_in(form, check_in), self._done, self._failed
        )

    def _done(self, answer: WalkInAnswer) -> None:
        self.register_button.setEnabled(True)
        self.register_in_button.setEnabled(True)
        self.reset()
        self.registered.emit(answer)

    def _failed(self, error: JobError) -> None:
        self.register_button.setEnabled(True)
        self.register_in_button.setEnabled(True)
        self._error = error
        self.error.setText(error.message)
        if isinstance(error.exception, roll.PossibleDuplicate):
            self._show_match(error.exception)

    def _show_match(self, duplicate: roll.PossibleDuplicate) -> None:
        """Ask why this is another person than the one(s) on the roll; keep what was typed."""
        self._match_ids = ", ".join(str(m.id) for m in duplicate.matches)
        self.match_label.setText(t("input.walk_in_match_confirm", ids=self._match_ids))
        self.match_label.show()
        self.match_reason.show()
        self.match_reason.setFocus()

    def _hide_match(self) -> None:
        """A changed name or birth date may match no one (or someone else): ask afresh."""
        self._match_ids = ""
        self.match_reason.clear()
        self.match_label.hide()
        self.match_reason.hide()

    def _changed(self) -> None:
        self._judge_timer.start()

    def _judge(self) -> None:
        form = self.birth_date_or_problem()
        self._judge_seq += 1
        seq = self._judge_seq
        if not isinstance(form, roll.WalkIn):
            self._verdict = None
            self._problem = form if isinstance(form, DateProblem) else None
            self._render_verdict()
            return
        self._problem = None

        def done(verdict: WalkInVerdict) -> None:
            if seq == self._judge_seq:
                self._verdict = verdict
                self._render_verdict()

        self._worker.submit(lambda: self._backend.judge_walk_in(form), done, self._failed)

    def _problem_text(self) -> str:
        assert self._problem is not None
        return t(self._problem.key, value=self.birth.text().strip())

    def _render_verdict(self) -> None:
        p = theme.PALETTE
        if self._problem is not None:
            self.verdict.setText(self._problem_text())
            self.verdict.setStyleSheet(_verdict_style(p.error_bg, p.error_on_bg))
        elif self._verdict is None:
            self.verdict.setText(t("gui.walkin.verdict_wait"))
            self.verdict.setStyleSheet(_verdict_style(p.surface_idle, p.text_muted))
        elif self._verdict.verdict.eligible:
            self.verdict.setText(self._verdict.text())
            self.verdict.setStyleSheet(_verdict_style(p.ok_bg, p.ok_text))
        elif self._verdict.verdict.needs_guardian_consent:
            self.verdict.setText(self._verdict.text())
            self.verdict.setStyleSheet(_verdict_style(p.warn_bg, p.warn_text_strong))
        else:
            self.verdict.setText(self._verdict.text())
            self.verdict.setStyleSheet(_verdict_style(p.error_bg, p.error_on_bg))

    def retranslate(self) -> None:
        self.title.setText(t("gui.walkin.title"))
        keys = ("field.name", "field.birth_date", "field.category", "field.address",
                "gui.walkin.tong", "field.phone")  # fmt: skip
        for label, key in zip(self._labels, keys, strict=True):
            label.setText(t(key))
        self._ban_label.setText(t("field.ban"))
        self.birth.setPlaceholderText(t("gui.walkin.birth_placeholder"))
        self.phone.setPlaceholderText(t("gui.walkin.phone_placeholder"))
        for index in range(self.category.count()):
            self.category.setItemText(index, t(f"category.{self.category.itemData(index)}"))
        self.consent.setText(t("gui.walkin.consent"))
        self.match_reason.setPlaceholderText(t("input.walk_in_match_placeholder"))
        if self._match_ids:
            self.match_label.setText(t("input.walk_in_match_confirm", ids=self._match_ids))
        self.register_button.setText(t("gui.walkin.register"))
        self.register_in_button.setText(t("gui.walkin.register_and_check_in"))
        if self._error is not None:
            self.error.setText(self._error_message())
        self._render_verdict()

    def _error_message(self) -> str:
        assert self._error is not None
        exc = self._error.exception
        return (
            exc.message()
            if self._error.expected and hasattr(exc, "message")
            else (self._error.message)
        )


class WalkInDialog(QDialog):
    """The walk-in form opened from the desk; closes itself once the person is registered."""

    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(t("gui.walkin.title"))
        self.setMinimumWidth(560)
        self.form = WalkInForm(worker, backend, self)
        self.form.title.hide()
        self.answer: WalkInAnswer | None = None
        self.form.registered.connect(self._registered)
        close = QPushButton(t("gui.close"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.form.name.setFocus()

    def _registered(self, answer: WalkInAnswer) -> None:
        self.answer = answer
        self.accept()
