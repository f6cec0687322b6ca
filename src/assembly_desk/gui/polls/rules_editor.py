"""The counting-rule part of the contest editor, with the rule read back in one sentence.

Only the fields the ballot type uses are shown: method (among those its paper allows),
seats, threshold, base and quorum for a motion, weights and trimming for score sheets,
the budget method's options, what one wrongly marked ranked paper costs, and the tie
priority. The sentence under them ("3명 선출, 1인 3표, 최다 득표순") is what the chair
agrees to when opening the poll; it is rebuilt from the definition as typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from assembly_desk.counting.methods import DUPLICATE_RULES, OVERVOTE_RULES, SKIPPED_RULES
from assembly_desk.domain.contest_rules import (
    BASES,
    COMPLETIONS,
    SATISFACTIONS,
    THRESHOLDS,
    methods_for,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.gui.polls.form import RulesForm
from assembly_desk.i18n import t

SKIPPED = (*SKIPPED_RULES, "1", "2")  # or up to that many skipped ranks in a row

_CHOICES: dict[str, tuple[str, ...]] = {
    "threshold": THRESHOLDS,
    "base": BASES,
    "satisfaction": SATISFACTIONS,
    "completion": COMPLETIONS,
    "overvote": OVERVOTE_RULES,
    "skipped": SKIPPED,
    "duplicates": DUPLICATE_RULES,
}
# Which ballot types use each field (method, seats and tie priority: all but noted).
_USED_BY: dict[str, tuple[BallotType, ...]] = {
    "method": tuple(BallotType),
    "seats": (BallotType.CHOOSE_N, BallotType.RANKED, BallotType.SCORE),
    "threshold": (BallotType.YES_NO,),
    "base": (BallotType.YES_NO,),
    "quorum": (BallotType.YES_NO,),
    "criteria_weights": (BallotType.SCORE,),
    "group_weights": (BallotType.SCORE,),
    "trim": (BallotType.SCORE,),
    "satisfaction": (BallotType.BUDGET,),
    "completion": (BallotType.BUDGET,),
    "increment": (BallotType.BUDGET,),
    "overvote": (BallotType.RANKED,),
    "skipped": (BallotType.RANKED,),
    "duplicates": (BallotType.RANKED,),
    "tie_priority": (BallotType.CHOOSE_N, BallotType.RANKED, BallotType.SCORE, BallotType.BUDGET),
}


def _combo(values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value, value)
    return combo


def _box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMaximumHeight(70)
    return box


class RulesEditor(QGroupBox):
    """The rule fields; ``sentence`` shows the rule of the definition last given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.seats = QSpinBox()
        self.seats.setRange(0, 200)
        self.quorum = QSpinBox()
        self.quorum.setRange(0, 1_000_000)
        self.increment = QSpinBox()
        self.increment.setRange(0, 1_000_000_000)
        # 0, the default, is the exact completion: no step in won at all.
        self.increment.setSpecialValueText(t("contest_rules.form.increment_exact"))
        self.trim = QCheckBox()
        self.criteria_weights, self.group_weights = _box(), _box()
        self.tie_priority = _box()
        self.combos = {key: _combo(values) for key, values in _CHOICES.items()}
        self.sentence = QLabel()
        self.sentence.setObjectName("rulesSentence")
        self.sentence.setWordWrap(True)
        self.fields: dict[str, QWidget] = {
            "method": self.method,
            "seats": self.seats,
            **self.combos,
            "quorum": self.quorum,
            "criteria_weights": self.criteria_weights,
            "group_weights": self.group_weights,
            "trim": self.trim,
            "increment": self.increment,
            "tie_priority": self.tie_priority,
        }
        self.form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        for key, widget in self.fields.items():
            label = QLabel()
            label.setWordWrap(True)
            self.labels[key] = label
            self.form.addRow(label, widget)
        self.form.addRow(self.sentence)

    def retranslate(self) -> None:
        self.setTitle(t("contest_rules.form.heading"))
        self.seats.setSpecialValueText(t("contest_rules.form.seats_default"))
        self.quorum.setSpecialValueText(t("contest_rules.form.quorum_none"))
        for key, label in self.labels.items():
            label.setText(t(f"contest_rules.form.{key}"))
        for key, combo in self.combos.items():
            for i in range(combo.count()):
                combo.setItemText(i, t(f"contest_rules.{key}.{combo.itemData(i)}"))
        for i in range(self.method.count()):
            self.method.setItemText(i, t(f"contest_rules.method.{self.method.itemData(i)}"))

    def offer_methods(self, defn: ContestDefinition) -> None:
        """List the methods this paper allows, keeping the chosen one when still allowed."""
        allowed = methods_for(defn)
        current = self.method.currentData()
        if tuple(self.method.itemData(i) for i in range(self.method.count())) != allowed:
            self.method.blockSignals(True)
            self.method.clear()
            for name in allowed:
                self.method.addItem(t(f"contest_rules.method.{name}"), name)
            self.method.blockSignals(False)
        index = self.method.findData(current)
        self.method.setCurrentIndex(max(0, index))

    def changes(self) -> list[object]:
        """The signals that change the rule (the editor rebuilds the sentence on each)."""
        out: list[object] = [self.method.currentIndexChanged, self.seats.valueChanged]
        out += [self.quorum.valueChanged, self.increment.valueChanged, self.trim.toggled]
        out += [box.textChanged for box in (self.criteria_weights, self.tie_priority)]
        out += [self.group_weights.textChanged]
        out += [combo.currentIndexChanged for combo in self.combos.values()]
        return out

    def show_for(self, kind: BallotType) -> None:
        for key, widget in self.fields.items():
            self.form.setRowVisible(widget, kind in _USED_BY[key])

    def show_sentence(self, text: str) -> None:
        self.sentence.setText(t("contest_rules.form.sentence", sentence=text))

    def load(self, rules: RulesForm) -> None:
        index = self.method.findData(rules.method)
        if index < 0 and rules.method:
            self.method.addItem(t(f"contest_rules.method.{rules.method}"), rules.method)
            index = self.method.count() - 1
        self.method.setCurrentIndex(max(0, index))
        self.seats.setValue(rules.seats)
        self.quorum.setValue(rules.quorum)
        self.increment.setValue(rules.increment)
        self.trim.setChecked(rules.trim)
        self.criteria_weights.setPlainText(rules.criteria_weights)
        self.group_weights.setPlainText(rules.group_weights)
        self.tie_priority.setPlainText(rules.tie_priority)
        for key, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(getattr(rules, key))))

    def values(self) -> RulesForm:
        pick = {key: str(combo.currentData()) for key, combo in self.combos.items()}
        return RulesForm(
            method=str(self.method.currentData() or ""),
            seats=self.seats.value(),
            quorum=self.quorum.value(),
            tie_priority=self.tie_priority.toPlainText(),
            criteria_weights=self.criteria_weights.toPlainText(),
            group_weights=self.group_weights.toPlainText(),
            trim=self.trim.isChecked(),
            increment=self.increment.value(),
            **pick,
        )
