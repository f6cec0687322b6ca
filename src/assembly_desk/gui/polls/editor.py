"""The contest editor beside the poll list: one form for every ballot type.

Only the fields the chosen ballot type uses are shown (options for all but 찬반, the
number of marks for 1인 N표 and ranked ballots, criteria for score sheets, a cap for
budgets, the panel's card codes for a panel vote, a motion's text for 찬반), then the
counting rule (``polls.rules_editor``) with the sentence that reads it back. The
text ⇄ definition rules are in ``polls.form``; this widget only holds and shows what the
chair types.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from assembly_desk.domain.contests import BallotType, VoterScope
from assembly_desk.domain.errors import DeskError
from assembly_desk.gui.polls.form import ContestForm, to_definition
from assembly_desk.gui.polls.rules_editor import RulesEditor
from assembly_desk.i18n import t
from assembly_desk.services.tally.wording import rules_sentence


def _text_box(max_height: int = 0) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    if max_height:
        box.setMaximumHeight(max_height)
    return box


def _spin(low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    return spin


class ContestEditor(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_edit = QLineEdit()
        self.description_edit = _text_box(120)
        self.rules = RulesEditor()
        self._marks = 1  # the number of marks last shown, for seats that follow it
        self.type_combo = QComboBox()
        for kind in BallotType:
            self.type_combo.addItem("", kind)
        self.type_combo.currentIndexChanged.connect(self.type_changed)
        self.options_edit = _text_box()
        self.max_choices = _spin(0, 200, 1)
        self.criteria_edit = _text_box(90)
        self.max_score = _spin(1, 1000, 10)
        self.budget_cap = QLineEdit()
        self.scope_combo = QComboBox()
        for scope in VoterScope:
            self.scope_combo.addItem("", scope)
        self.scope_combo.currentIndexChanged.connect(self.type_changed)
        self.panel_edit = _text_box(90)
        self.save_button = QPushButton()
        self.form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        for key, field in (
            ("title", self.title_edit),
            ("type", self.type_combo),
            ("description", self.description_edit),
            ("options", self.options_edit),
            ("max_choices", self.max_choices),
            ("criteria", self.criteria_edit),
            ("max_score", self.max_score),
            ("budget_cap", self.budget_cap),
            ("scope", self.scope_combo),
            ("panel", self.panel_edit),
        ):
            label = QLabel()
            label.setWordWrap(True)
            self.labels[key] = label
            self.form.addRow(label, field)
        self.form.addRow(self.rules)
        self.form.addRow(self.save_button)
        self.max_choices.valueChanged.connect(self._marks_changed)
        for signal in (
            self.options_edit.textChanged,
            self.criteria_edit.textChanged,
            self.budget_cap.textChanged,
            self.title_edit.textChanged,
            *self.rules.changes(),
        ):
            signal.connect(self.rules_changed)  # type: ignore[attr-defined]

    def retranslate(self) -> None:
        self.save_button.setText(t("gui.polls.save"))
        for i in range(self.type_combo.count()):
            self.type_combo.setItemText(i, t(f"ballot_type.{self.type_combo.itemData(i)}"))
        for i in range(self.scope_combo.count()):
            self.scope_combo.setItemText(i, t(f"gui.polls.scope.{self.scope_combo.itemData(i)}"))
        for key, label in self.labels.items():
            label.setText(t(f"gui.polls.field.{key}"))
        self.rules.retranslate()
        self.type_changed()

    def load_form(self, form: ContestForm) -> None:
        self.title_edit.setText(form.title)
        self.type_combo.setCurrentIndex(self.type_combo.findData(form.ballot_type))
        self.options_edit.setPlainText(form.options)
        self.max_choices.setValue(form.max_choices)
        self.criteria_edit.setPlainText(form.criteria)
        self.max_score.setValue(form.max_score)
        self.budget_cap.setText(form.budget_cap)
        self.scope_combo.setCurrentIndex(self.scope_combo.findData(form.scope))
        self.panel_edit.setPlainText(form.panel_codes)
        self.description_edit.setPlainText(form.description)
        self._marks = form.max_choices
        self.type_changed()
        self.rules.load(form.rules)
        self.rules_changed()

    def form_values(self) -> ContestForm:
        return ContestForm(
            title=self.title_edit.text(),
            ballot_type=BallotType(self.type_combo.currentData()),
            options=self.options_edit.toPlainText(),
            max_choices=self.max_choices.value(),
            criteria=self.criteria_edit.toPlainText(),
            max_score=self.max_score.value(),
            budget_cap=self.budget_cap.text(),
            scope=VoterScope(self.scope_combo.currentData()),
            panel_codes=self.panel_edit.toPlainText(),
            description=self.description_edit.toPlainText(),
            rules=self.rules.values(),
        )

    def _marks_changed(self, marks: int) -> None:
        """Seats that equalled the number of marks follow it (1인 N표 elects N by default)."""
        if self.rules.seats.value() == self._marks:
            self.rules.seats.setValue(marks)
        self._marks = marks
        self.rules_changed()

    def rules_changed(self) -> None:
        """Offer the methods the paper allows and read the rule back in a sentence."""
        try:
            defn = to_definition(self.form_values())
        except DeskError as error:
            self.rules.show_sentence(error.message())
            return
        self.rules.offer_methods(defn)
        self.rules.show_sentence(rules_sentence(defn.normalised()))

    def type_changed(self) -> None:
        """Show only the fields the chosen ballot type uses."""
        kind = self.type_combo.currentData()
        if kind is None:
            return
        kind = BallotType(kind)
        panel = self.scope_combo.currentData() == VoterScope.PANEL.value
        visible = {
            "options": kind is not BallotType.YES_NO,
            "max_choices": kind in (BallotType.CHOOSE_N, BallotType.RANKED),
            "criteria": kind is BallotType.SCORE,
            "max_score": kind is BallotType.SCORE,
            "budget_cap": kind is BallotType.BUDGET,
            "panel": panel,
            "description": kind is BallotType.YES_NO,
        }
        fields: dict[str, QWidget] = {
            "options": self.options_edit,
            "max_choices": self.max_choices,
            "criteria": self.criteria_edit,
            "max_score": self.max_score,
            "budget_cap": self.budget_cap,
            "panel": self.panel_edit,
            "description": self.description_edit,
        }
        for key, field in fields.items():
            self.form.setRowVisible(field, visible[key])
        budget = kind is BallotType.BUDGET
        self.labels["options"].setText(
            t("gui.polls.field.options_budget" if budget else "gui.polls.field.options")
        )
        ranked = kind is BallotType.RANKED
        self.labels["max_choices"].setText(
            t("gui.polls.field.max_ranks" if ranked else "gui.polls.field.max_choices")
        )
        self.rules.show_for(kind)
        self.rules_changed()
