"""총회 설정: create an assembly, or change who may take part and what makes a quorum.

The services validate; this page only shows their verdict next to the field it concerns.
After creation, kind, title, date and place are fixed (they are in the audit log and
on printed cards); eligibility and quorum stay editable, and every person's verdict is
recomputed by ``update_rules``.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.domain.assembly import (
    Assembly,
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.setup.age_rule import AgeRuleEditor, layout_rows
from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.i18n import t
from assembly_desk.services.assemblies import AssemblySpec
from assembly_desk.services.facade.desk import DeskService

NEW = -1
_ERROR_STYLE = theme.border(2, theme.PALETTE.error, 4)
_UNITS = {
    QuorumKind.NUMBER: "gui.setup.unit_people",
    QuorumKind.PERCENT_OF_ROLL: "gui.setup.unit_percent",
    QuorumKind.COUNCIL_MULTIPLE: "gui.setup.unit_times",
}


class SetupPage(QWidget):
    created = Signal(object)  # Assembly
    chosen = Signal(object)  # Assembly: "use this assembly at the desk"
    saved = Signal(object)  # Assembly with new rules

    def __init__(self, worker: DbWorker, backend: DeskService, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._backend = backend
        self._assemblies: list[Assembly] = []
        self._current_id: int | None = None
        self._error: JobError | None = None
        self._saved_note = ""

        self.intro = QLabel()
        self.intro.setObjectName("setupIntro")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(
            theme.rule(
                "QLabel#setupIntro",
                theme.bg(theme.PALETTE.accent_bg),
                theme.fg(theme.PALETTE.accent_deep),
                theme.font(theme.TYPE.emphasis),
                "border-radius: 10px; padding: 12px;",
            )
        )
        self.chooser = QComboBox()
        self.chooser.currentIndexChanged.connect(self._chooser_changed)
        self.use_button = QPushButton()
        self.use_button.clicked.connect(self._use_selected)

        self.kind = QComboBox()
        for kind in AssemblyKind:
            self.kind.addItem("", kind.value)
        self.title = QLineEdit()
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.held_on.setDate(QDate.currentDate())
        self.venue = QLineEdit()
        self.district = QLineEdit()
        self.ages = AgeRuleEditor(self)
        self.min_age = self.ages.min_age
        self.categories: dict[Category, QCheckBox] = {c: QCheckBox() for c in Category}
        self.categories[Category.RESIDENT].setChecked(True)
        self.guardian = self.ages.guardian
        self.quorum_kind = QComboBox()
        for quorum_kind in QuorumKind:
            self.quorum_kind.addItem("", quorum_kind.value)
        self.quorum_value = QSpinBox()
        self.quorum_value.setRange(0, 100_000)
        # 0 reads as "enter the quorum"; saving refuses it (error.quorum_zero).
        self.quorum_value.setSpecialValueText(t("gui.setup.quorum_unset"))
        self.council = QSpinBox()
        self.council.setRange(0, 1000)
        self.quorum_kind.currentIndexChanged.connect(self._quorum_kind_changed)

        self.fixed_note = QLabel()
        self.fixed_note.setWordWrap(True)
        self.fixed_note.setStyleSheet(theme.fg(theme.PALETTE.text_muted))
        self.error = QLabel()
        self.error.setObjectName("setupError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.text_style(theme.PALETTE.error_text, theme.TYPE.body, 600))
        self.saved_label = QLabel()
        self.saved_label.setStyleSheet(
            theme.text_style(theme.PALETTE.ok_text, theme.TYPE.body, 600)
        )
        self.save_button = QPushButton()
        self.save_button.setObjectName("setupSave")
        self.save_button.setMinimumHeight(44)
        self.save_button.clicked.connect(self.save)

        self.what = QGroupBox()
        what = QFormLayout(self.what)
        self._what_labels = [QLabel() for _ in range(5)]
        what.addRow(self._what_labels[0], self.kind)
        what.addRow(self._what_labels[1], self.title)
        what.addRow(self._what_labels[2], self.held_on)
        what.addRow(self._what_labels[3], self.venue)
        what.addRow(self._what_labels[4], self.district)
        what.addRow(self.fixed_note)
        self.who = QGroupBox()
        who = QFormLayout(self.who)
        self._who_labels = [QLabel() for _ in range(3)]
        who.addRow(self._who_labels[0], self.min_age)
        who.addRow(self._who_labels[2], layout_rows(self.ages))
        boxes = QVBoxLayout()
        for box in self.categories.values():
            boxes.addWidget(box)
        self.categories_box = QWidget()
        self.categories_box.setLayout(boxes)
        who.addRow(self._who_labels[1], self.categories_box)
        self.quorum = QGroupBox()
        quorum = QFormLayout(self.quorum)
        self._quorum_labels = [QLabel() for _ in range(3)]
        quorum.addRow(self._quorum_labels[0], self.quorum_kind)
        quorum.addRow(self._quorum_labels[1], self.quorum_value)
        quorum.addRow(self._quorum_labels[2], self.council)

        chooser = QHBoxLayout()
        self._chooser_label = QLabel()
        chooser.addWidget(self._chooser_label)
        chooser.addWidget(self.chooser, 1)
        chooser.addWidget(self.use_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.save_button)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.what)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.who)
        right.addWidget(self.quorum)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        inner = QWidget()
        body = QVBoxLayout(inner)
        body.addWidget(self.intro)
        body.addLayout(chooser)
        body.addLayout(columns)
        body.addWidget(self.error)
        body.addLayout(buttons)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(scroll)
        self._quorum_kind_changed()
        self.retranslate()

    # -- data ----------------------------------------------------------------------------
    def load(self) -> None:
        """Fetch the list of assemblies (after start-up, creation or a rules change)."""
        self._worker.submit(self._backend.list_assemblies, self.set_assemblies, self._failed)

    def set_assemblies(self, items: list[Assembly], current_id: int | None = None) -> None:
        self._assemblies = list(items)
        if current_id is not None:
            self._current_id = current_id
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for assembly in self._assemblies:
            self.chooser.addItem(self._label_for(assembly), assembly.id)
        self.chooser.addItem(t("gui.setup.new"), NEW)
        target = self._current_id if self._current_id is not None else NEW
        index = self.chooser.findData(target)
        self.chooser.setCurrentIndex(index if index >= 0 else self.chooser.count() - 1)
        self.chooser.blockSignals(False)
        self._chooser_changed()

    def set_current(self, assembly_id: int | None) -> None:
        self._current_id = assembly_id

    def selected(self) -> Assembly | None:
        aid = self.chooser.currentData()
        return next((a for a in self._assemblies if a.id == aid), None)

    def _label_for(self, assembly: Assembly) -> str:
        mark = t("gui.setup.in_use") if assembly.id == self._current_id else ""
        return f"{assembly.held_on.isoformat()}  {assembly.title}{mark}"

    def _chooser_changed(self) -> None:
        assembly = self.selected()
        self._clear_error()
        self._saved_note = ""
        if assembly is None:
            self._fill_new()
        else:
            self._fill(assembly)
        self.retranslate()

    def _fill_new(self) -> None:
        for widget in (self.kind, self.title, self.held_on, self.venue, self.district):
            widget.setEnabled(True)
        self.title.clear()
        self.venue.clear()
        self.district.clear()
        self.held_on.setDate(QDate.currentDate())

    def _fill(self, assembly: Assembly) -> None:
        self.kind.setCurrentIndex(self.kind.findData(assembly.kind.value))
        self.title.setText(assembly.title)
        held = assembly.held_on
        self.held_on.setDate(QDate(held.year, held.month, held.day))
        self.venue.setText(assembly.venue)
        self.district.setText(assembly.district)
        for widget in (self.kind, self.title, self.held_on, self.venue, self.district):
            widget.setEnabled(False)
        self.ages.set_rules(assembly.rules)
        for category, box in self.categories.items():
            box.setChecked(category in assembly.rules.allowed)
        self.quorum_kind.setCurrentIndex(self.quorum_kind.findData(assembly.quorum.kind.value))
        self.quorum_value.setValue(assembly.quorum.value)
        self.council.setValue(assembly.quorum.council_members)

    def rules(self) -> EligibilityRules:
        min_age, consent, consent_under = self.ages.values()
        return EligibilityRules(
            min_age=min_age,
            allowed=frozenset(c for c, box in self.categories.items() if box.isChecked()),
            guardian_consent_under_14=consent,
            consent_under=consent_under,
        )

    def quorum_rule(self) -> QuorumRule:
        return QuorumRule(
            QuorumKind(self.quorum_kind.currentData()),
            self.quorum_value.value(),
            self.council.value(),
        )

    def spec(self) -> AssemblySpec:
        qdate = self.held_on.date()
        return AssemblySpec(
            kind=AssemblyKind(self.kind.currentData()),
            title=self.title.text(),
            held_on=date(qdate.year(), qdate.month(), qdate.day()),
            venue=self.venue.text(),
            district=self.district.text(),
            rules=self.rules(),
            quorum=self.quorum_rule(),
        )

    # -- saving --------------------------------------------------------------------------
    def save(self) -> None:
        self._clear_error()
        self._saved_note = ""
        assembly = self.selected()
        self.save_button.setEnabled(False)
        if assembly is None:
            spec = self.spec()
            self._worker.submit(
                lambda: self._backend.create_assembly(spec), self._created, self._failed
            )
        else:
            aid, rules, quorum = assembly.id, self.rules(), self.quorum_rule()
            self._worker.submit(
                lambda: self._backend.update_rules(aid, rules, quorum), self._saved, self._failed
            )

    def _created(self, assembly: Assembly) -> None:
        self.save_button.setEnabled(True)
        self._current_id = assembly.id
        self._saved_note = "gui.setup.created"
        self._assemblies.append(assembly)
        self.set_assemblies(self._assemblies)
        self._saved_note = "gui.setup.created"
        self.retranslate()
        self.created.emit(assembly)

    def _saved(self, assembly: Assembly) -> None:
        self.save_button.setEnabled(True)
        self._assemblies = [assembly if a.id == assembly.id else a for a in self._assemblies]
        self._saved_note = "gui.setup.saved"
        self.retranslate()
        self.saved.emit(assembly)

    def _failed(self, error: JobError) -> None:
        self.save_button.setEnabled(True)
        self._error = error
        self._mark_field(error)
        self.retranslate()

    def _use_selected(self) -> None:
        assembly = self.selected()
        if assembly is not None:
            self._current_id = assembly.id
            self.set_assemblies(self._assemblies)
            self.chosen.emit(assembly)

    def _mark_field(self, error: JobError) -> None:
        key = getattr(error.exception, "key", "")
        target: QWidget | None = self.ages.error_target(error.exception) or {
            "error.empty_title": self.title,
            "error.no_category": self.categories_box,
            "error.bad_date": self.held_on,
            "error.quorum_negative": self.quorum_value,
            "error.quorum_zero": self.quorum_value,
            "error.quorum_percent": self.quorum_value,
            "error.quorum_council": self.council,
        }.get(key)
        if target is not None:
            target.setStyleSheet(_ERROR_STYLE)
            target.setFocus()

    def _clear_error(self) -> None:
        self._error = None
        for widget in (self.title, self.min_age, self.ages.consent_under, self.categories_box,
                       self.held_on, self.quorum_value, self.council):  # fmt: skip
            widget.setStyleSheet("")

    def _quorum_kind_changed(self) -> None:
        kind = QuorumKind(self.quorum_kind.currentData() or QuorumKind.NUMBER.value)
        self.council.setEnabled(kind is QuorumKind.COUNCIL_MULTIPLE)
        self.quorum_value.setSuffix(t(_UNITS.get(kind, "gui.setup.unit_people")))
        self.quorum_value.setMaximum(100 if kind is QuorumKind.PERCENT_OF_ROLL else 100_000)

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        existing = self.selected()
        self.intro.setText(
            t("gui.setup.intro_first") if not self._assemblies else t("gui.setup.intro")
        )
        self._chooser_label.setText(t("gui.setup.choose"))
        for index in range(self.chooser.count()):
            aid = self.chooser.itemData(index)
            match = next((a for a in self._assemblies if a.id == aid), None)
            self.chooser.setItemText(index, self._label_for(match) if match else t("gui.setup.new"))
        self.use_button.setText(t("gui.setup.use"))
        self.use_button.setVisible(existing is not None and existing.id != self._current_id)
        self.what.setTitle(t("gui.setup.what"))
        self.who.setTitle(t("gui.setup.who"))
        self.quorum.setTitle(t("gui.setup.quorum"))
        labels = ("gui.setup.kind", "gui.setup.title", "gui.setup.date", "gui.setup.venue",
                  "gui.setup.district")  # fmt: skip
        for label, key in zip(self._what_labels, labels, strict=True):
            label.setText(t(key))
        self._who_labels[0].setText(t("gui.setup.min_age"))
        self._who_labels[1].setText(t("gui.setup.categories"))
        self._who_labels[2].setText(t("gui.setup.consent_label"))
        self._quorum_labels[0].setText(t("gui.setup.quorum_kind"))
        self._quorum_labels[1].setText(t("gui.setup.quorum_value"))
        self.quorum_value.setSpecialValueText(t("gui.setup.quorum_unset"))
        self._quorum_labels[2].setText(t("gui.setup.council"))
        self.ages.retranslate()
        self.council.setSuffix(t("gui.setup.unit_people"))
        for index in range(self.kind.count()):
            self.kind.setItemText(index, t(f"kind.{self.kind.itemData(index)}"))
        for index in range(self.quorum_kind.count()):
            self.quorum_kind.setItemText(index, t(f"quorum.{self.quorum_kind.itemData(index)}"))
        for category, box in self.categories.items():
            box.setText(t(f"category.{category.value}"))
        self.title.setPlaceholderText(t("gui.setup.title_placeholder"))
        self.district.setPlaceholderText(t("gui.setup.district_placeholder"))
        self.fixed_note.setText(t("gui.setup.fixed") if existing is not None else "")
        self.fixed_note.setVisible(existing is not None)
        self.save_button.setText(
            t("gui.setup.save_rules") if existing is not None else t("gui.setup.create")
        )
        self._quorum_kind_changed()
        if self._error is not None:
            exc = self._error.exception
            self.error.setText(exc.message() if isinstance(exc, DeskError) else self._error.message)
        else:
            self.error.setText("")
        self.saved_label.setText(t(self._saved_note) if self._saved_note else "")
