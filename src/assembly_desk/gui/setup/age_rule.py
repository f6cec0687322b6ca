"""The age part of "who may take part": a minimum age and a guardian-consent range.

Guardian consent is a range of its own ("from 12, under-14s with consent"), and a
checkbox alone hid that: ticked with the minimum age left at 14 it admitted nobody and
said nothing. The editor therefore states the rule as one plain sentence under the
fields ("만 12세부터 참여, 만 14세 미만은 보호자 동의 필요") and, when the two ages
contradict each other, says so in the same place before the chair presses save.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from assembly_desk.domain.assembly import DEFAULT_CONSENT_UNDER, EligibilityRules
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.gui import theme
from assembly_desk.i18n import t


def rule_sentence(min_age: int, consent: bool, consent_under: int) -> tuple[str, bool]:
    """The rule in words, and whether it is a rule that can be saved."""
    if consent and not min_age < consent_under:
        text = t("error.consent_range", min_age=min_age, consent_under=consent_under)
        return text, False
    if consent:
        return t("rules.sentence.consent", min_age=min_age, consent_under=consent_under), True
    return t("rules.sentence.plain", min_age=min_age), True


class AgeRuleEditor(QObject):
    """Minimum age, the consent switch with its age, and the sentence that reads them out.

    A plain object holding the widgets: the form lays them out in its own rows.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.min_age = QSpinBox()
        self.min_age.setRange(0, 120)
        self.min_age.setValue(14)
        self.guardian = QCheckBox()
        self.consent_under = QSpinBox()
        self.consent_under.setObjectName("consentUnder")
        self.consent_under.setRange(1, 120)
        self.consent_under.setValue(DEFAULT_CONSENT_UNDER)
        self.sentence = QLabel()
        self.sentence.setObjectName("ageRuleSentence")
        self.sentence.setWordWrap(True)
        consent_row = QHBoxLayout()
        consent_row.setContentsMargins(0, 0, 0, 0)
        consent_row.addWidget(self.guardian)
        consent_row.addWidget(self.consent_under)
        consent_row.addStretch(1)
        self.consent_row = QWidget()
        self.consent_row.setLayout(consent_row)
        for spin in (self.min_age, self.consent_under):
            spin.valueChanged.connect(self._changed)
        self.guardian.toggled.connect(self._changed)
        self._show()

    # -- values --------------------------------------------------------------------------
    def set_rules(self, rules: EligibilityRules) -> None:
        for widget in (self.min_age, self.guardian, self.consent_under):
            widget.blockSignals(True)
        self.min_age.setValue(rules.min_age)
        self.guardian.setChecked(rules.guardian_consent)
        self.consent_under.setValue(rules.consent_under)
        for widget in (self.min_age, self.guardian, self.consent_under):
            widget.blockSignals(False)
        self._show()

    def values(self) -> tuple[int, bool, int]:
        """Minimum age, whether consent applies, and the age below which it is needed."""
        return self.min_age.value(), self.guardian.isChecked(), self.consent_under.value()

    def error_target(self, error: InvalidInput | object) -> QWidget | None:
        """The field a refused rule concerns, to be outlined by the form."""
        key = getattr(error, "key", "")
        return {"error.min_age": self.min_age, "error.consent_range": self.consent_under}.get(key)

    # -- display -------------------------------------------------------------------------
    def _changed(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        self.consent_under.setEnabled(self.guardian.isChecked())
        text, ok = rule_sentence(*self.values())
        self.sentence.setText(text)
        colour = theme.PALETTE.text if ok else theme.PALETTE.error_text
        self.sentence.setStyleSheet(theme.text_style(colour, theme.TYPE.body, 600))

    def retranslate(self) -> None:
        self.min_age.setSuffix(t("gui.setup.unit_age"))
        self.guardian.setText(t("gui.setup.guardian"))
        self.consent_under.setPrefix(t("gui.setup.consent_prefix"))
        self.consent_under.setSuffix(t("gui.setup.consent_suffix"))
        self._show()


def layout_rows(editor: AgeRuleEditor) -> QVBoxLayout:
    """The consent row and the sentence stacked, for the form's second age row."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(editor.consent_row)
    column.addWidget(editor.sentence)
    return column
