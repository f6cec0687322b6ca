"""One person's details, corrected: the same fields and checks as a walk-in, never the card.

The form is filled from the person picked in the roll list. Saving sends every field to
the service, which checks them as the import does (widths, hidden characters, a birth
date from 1900 to today, four phone digits or none, someone else's name and birth date)
and audits the change. The card code is not shown and cannot be edited.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.assembly import Category
from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.importers.dates import DateProblem, parse_birth_date
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.roll_edit import Corrected, Correction, RollEntry


class CorrectionForm(QWidget):
    corrected = Signal(object)  # Corrected

    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._entry: RollEntry | None = None
        self._message = ""
        self._message_key = ""
        self._message_params: dict[str, str] = {}
        self.busy = False
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
        self.phone = QLineEdit()
        self.consent = QCheckBox()
        self.save_button = QPushButton()
        self.save_button.setObjectName("correctionSave")
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("correctionMessage")
        self.message.setWordWrap(True)
        self._labels = [QLabel() for _ in range(7)]
        form = QFormLayout()
        for label, field in zip(
            self._labels,
            (self.name, self.birth, self.category, self.address, self.tong, self.ban, self.phone),
            strict=True,
        ):
            form.addRow(label, field)
        form.addRow("", self.consent)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_entry(None)

    def show_entry(self, entry: RollEntry | None) -> None:
        """Fill the form with ``entry`` (or empty it); nothing is saved until "저장".

        The same person shown again (the list refreshed after their correction) keeps the
        message saying what was saved.
        """
        same = entry is not None and self._entry is not None and entry.id == self._entry.id
        self._entry = entry
        if not same:
            self._set_message("", ok=True)
        for edit in (self.name, self.birth, self.address, self.tong, self.ban, self.phone):
            edit.setText("")
        if entry is not None:
            self.name.setText(entry.name)
            self.birth.setText(entry.birth_date.isoformat())
            self.category.setCurrentIndex(max(0, self.category.findData(entry.category.value)))
            self.address.setText(entry.address)
            self.tong.setText(entry.tong)
            self.ban.setText(entry.ban)
            self.phone.setText(entry.phone_last4)
            self.consent.setChecked(entry.guardian_consent)
        self.setEnabled(entry is not None)
        self.retranslate()

    def correction(self) -> Correction | DateProblem:
        try:
            birth = parse_birth_date(self.birth.text().strip(), date.today())
        except DateProblem as problem:
            return problem
        return Correction(
            name=self.name.text(),
            birth_date=birth,
            category=Category(self.category.currentData()),
            address=self.address.text(),
            tong=self.tong.text(),
            ban=self.ban.text(),
            phone=self.phone.text(),
            guardian_consent=self.consent.isChecked(),
        )

    def save(self) -> None:
        if self._entry is None or self.busy:
            return
        correction = self.correction()
        if isinstance(correction, DateProblem):
            self._set_message(t(correction.key, value=self.birth.text()), ok=False)
            return
        person_id = self._entry.id
        self.busy = True
        self.save_button.setEnabled(False)
        self._worker.submit(
            lambda: self._backend.correct_person(person_id, correction), self._saved, self._failed
        )

    def _saved(self, done: Corrected) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self._entry = done.entry
        if done.fields:
            fields = ", ".join(t(f"field.{f}") for f in done.fields)
            text = t("roll_merge.corrected", id=done.entry.id, fields=fields)
            if done.notice:
                text = f"{text}\n{done.notice}"
            self._set_message(text, ok=done.notice is None)
            self.corrected.emit(done)
        else:
            self._set_message(t("roll_merge.nothing_corrected", id=done.entry.id), ok=True)

    def _failed(self, error: JobError) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        exc = error.exception
        self._set_message(exc.message() if isinstance(exc, DeskError) else error.message, ok=False)

    def _set_message(self, text: str, ok: bool) -> None:
        self._message = text
        role = theme.PALETTE.ok_text if ok else theme.PALETTE.error_text
        self.message.setStyleSheet(theme.text_style(role, theme.TYPE.small))
        self.message.setText(text)

    def retranslate(self) -> None:
        if self._entry is None:
            self.title.setText(t("roll_merge.gui.correct_none"))
        else:
            self.title.setText(t("roll_merge.gui.correct_title", id=self._entry.id))
        for label, key in zip(
            self._labels,
            ("name", "birth_date", "category", "address", "tong", "ban", "phone"),
            strict=True,
        ):
            label.setText(t(f"field.{key}"))
        for i, category in enumerate(Category):
            self.category.setItemText(i, t(f"category.{category.value}"))
        self.consent.setText(t("field.guardian_consent"))
        self.save_button.setText(t("roll_merge.gui.save"))
