"""A tally-mark batch: the counters' totals per choice, typed as numbers, not paper by paper.

For ballot types whose papers are counted by hand into totals (``TOTALS_TYPES``) the
typing tab is replaced by this form: one number per option, blank, invalid and (for
multi-mark ballots) the papers, as ``services.count_entry`` stores them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QPushButton, QSpinBox, QWidget

from assembly_desk.domain.contests import YES_NO_VOTES, BallotType, ContestDefinition
from assembly_desk.i18n import t

_OPTION = "option:"


def totals_fields(defn: ContestDefinition) -> list[tuple[str, str]]:
    """(key, label) of each number the form asks for, in the paper's order."""
    if defn.ballot_type is BallotType.YES_NO:
        options = [(f"{_OPTION}{v}", t(f"count_entry.vote.{v}")) for v in YES_NO_VOTES]
    else:
        options = [(f"{_OPTION}{n}", f"{i + 1}. {n}") for i, n in enumerate(defn.names)]
    fields = [*options, ("blank", t("count_entry.blank"))]
    fields.append(("invalid", t("count_entry.invalid")))
    if defn.ballot_type is not BallotType.YES_NO:
        fields.append(("papers", t("count_entry.field.papers")))
    return fields


class TotalsForm(QWidget):
    save = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.spins: dict[str, QSpinBox] = {}
        self.save_button = QPushButton()

    def show_totals(self, defn: ContestDefinition, saved: dict[str, Any]) -> None:
        """One spin box per field, filled from what was saved (zero where nothing was)."""
        while self.layout_.rowCount():
            self.layout_.removeRow(0)
        self.save_button = QPushButton(t("count_entry.totals_save"))
        self.save_button.clicked.connect(self.save)
        self.spins = {}
        for key, label in totals_fields(defn):
            spin = QSpinBox()
            spin.setRange(0, 1_000_000)
            spin.setMinimumHeight(34)
            if key.startswith(_OPTION):
                spin.setValue(int(saved.get("options", {}).get(key[len(_OPTION) :], 0)))
            else:
                spin.setValue(int(saved.get(key, 0)))
            self.spins[key] = spin
            self.layout_.addRow(label, spin)
        self.layout_.addRow(self.save_button)

    def totals(self) -> dict[str, Any]:
        """The numbers as the service stores them: ``{"options": {...}, "blank": n, ...}``."""
        totals: dict[str, Any] = {"options": {}}
        for key, spin in self.spins.items():
            if key.startswith(_OPTION):
                totals["options"][key[len(_OPTION) :]] = spin.value()
            else:
                totals[key] = spin.value()
        return totals

    def retranslate(self) -> None:
        self.save_button.setText(t("count_entry.totals_save"))
