"""One contest's signed result: method, who was elected in which order, every round, ties.

The rounds table mirrors the result JSON of docs/counting.md: a row per candidate, a
column per round, each cell the tally *as signed*. Fractions show as 5-place decimals
with the exact ``num/den`` in the tooltip, so an auditor can compare against the file
without doing arithmetic. A cell is green in the round its candidate is elected and red
in the round they are eliminated; after that the row is greyed, so a transfer's path can
be read left to right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import ContestView, method_text, number_text, option_text

ELECTED_BG = theme.PALETTE.ok_bg_strong
ELECTED_FG = theme.PALETTE.ok_deep
ELIMINATED_BG = theme.PALETTE.error_bg_strong
ELIMINATED_FG = theme.PALETTE.error_deep
OUT_BG = theme.PALETTE.surface_out

EXHAUSTED_ROW = "\x00exhausted"  # a row key no candidate can have

_Index = QModelIndex | QPersistentModelIndex


def _rounds(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rounds = result.get("rounds")
    return [r for r in rounds if isinstance(r, Mapping)] if isinstance(rounds, list) else []


def _names(value: Any) -> list[str]:
    return (
        [str(v) for v in value]
        if isinstance(value, Sequence) and not isinstance(value, str)
        else []
    )


class RoundsModel(QAbstractTableModel):
    """Rows = candidates (then ballots exhausted, when any), columns = rounds."""

    def __init__(self, result: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._rounds: list[Mapping[str, Any]] = []
        self._rows: list[str] = []
        self._method = ""
        self.set_result(result or {})

    def set_result(self, result: Mapping[str, Any]) -> None:
        self.beginResetModel()
        self._rounds = _rounds(result)
        self._method = str(result.get("method", ""))
        rows = _names(result.get("candidates"))
        for rnd in self._rounds:
            tallies = rnd.get("tallies")
            if isinstance(tallies, Mapping):
                rows += [str(name) for name in tallies if str(name) not in rows]
        if any(rnd.get("exhausted") not in (0, None) for rnd in self._rounds):
            rows.append(EXHAUSTED_ROW)
        self._rows = rows
        self.endResetModel()

    # -- shape ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rounds)

    def row_key(self, row: int) -> str:
        return self._rows[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._rounds):
                return None
            rnd = self._rounds[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return t(self._round_key(rnd), round=rnd.get("round", section + 1))
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._round_tooltip(rnd)
            return None
        if not 0 <= section < len(self._rows):
            return None
        key = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return t("gui.auditor.rounds.exhausted") if key == EXHAUSTED_ROW else option_text(key)
        if role == Qt.ItemDataRole.ToolTipRole and key != EXHAUSTED_ROW:
            return key
        return None

    # -- cells ---------------------------------------------------------------------------
    def status(self, row: int, column: int) -> str:
        """``elected``, ``eliminated``, ``out`` (gone before this round) or ``count``."""
        key, rnd = self._rows[row], self._rounds[column]
        if key == EXHAUSTED_ROW:
            return "count"
        if key in _names(rnd.get("elected")):
            return "elected"
        if key in _names(rnd.get("eliminated")):
            return "eliminated"
        tallies = rnd.get("tallies")
        if not isinstance(tallies, Mapping) or key not in tallies:
            return "out"
        return "count"

    def raw(self, row: int, column: int) -> Any:
        """The cell's value exactly as in the JSON (``None`` when the round has none)."""
        key, rnd = self._rows[row], self._rounds[column]
        if key == EXHAUSTED_ROW:
            return rnd.get("exhausted")
        tallies = rnd.get("tallies")
        return tallies.get(key) if isinstance(tallies, Mapping) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        status = self.status(row, column)
        shown, exact = number_text(self.raw(row, column))
        if role == Qt.ItemDataRole.DisplayRole:
            return shown
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if self._round_key(self._rounds[column]) == "mes.rounds.round" and shown:
                lines.append(t("mes.rounds.cell"))
            if exact is not None:
                lines.append(t("gui.auditor.rounds.exact", value=exact))
            if status in ("elected", "eliminated"):
                lines.append(t(f"gui.auditor.rounds.{status}"))
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = {"elected": ELECTED_BG, "eliminated": ELIMINATED_BG, "out": OUT_BG}
            return QBrush(QColor(colour[status])) if status in colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = {"elected": ELECTED_FG, "eliminated": ELIMINATED_FG}
            return QBrush(QColor(colour[status])) if status in colour else None
        if role == Qt.ItemDataRole.FontRole and status in ("elected", "eliminated"):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _round_key(self, rnd: Mapping[str, Any]) -> str:
        """Equal shares rounds hold each project's price per supporter (rho, in won), not
        votes; its greedy completion rounds do hold votes."""
        note = rnd.get("note")
        if self._method != "mes" or note == "nothing funded":
            return "gui.auditor.rounds.round"
        return "mes.rounds.greedy" if note == "greedy completion" else "mes.rounds.round"

    @staticmethod
    def _round_tooltip(rnd: Mapping[str, Any]) -> str:
        """What happened after this round: each transfer, and the count's own note."""
        lines: list[str] = []
        transfers = rnd.get("transfers")
        for move in transfers if isinstance(transfers, list) else []:
            if not isinstance(move, Mapping):
                continue
            to = move.get("to")
            parts = (
                ", ".join(f"{option_text(str(k))} +{number_text(v)[0]}" for k, v in to.items())
                if isinstance(to, Mapping)
                else ""
            )
            lines.append(
                t(
                    "gui.auditor.rounds.transfer",
                    source=option_text(str(move.get("source", "?"))),
                    votes=number_text(move.get("votes"))[0],
                    to=parts or "-",
                    exhausted=number_text(move.get("exhausted"))[0] or "0",
                )
            )
        note = rnd.get("note")
        if isinstance(note, str) and note:
            lines.append(note)
        return "\n".join(lines)


def tie_lines(result: Mapping[str, Any]) -> list[str]:
    """Every tie the count met and how it was settled (rule, draw order), one line each."""
    ties = result.get("ties")
    lines: list[str] = []
    for tie in ties if isinstance(ties, list) else []:
        if not isinstance(tie, Mapping):
            continue
        purpose = str(tie.get("purpose", "")).split("@")[0]  # MES: "select@<share>"
        key = f"gui.auditor.tie.purpose.{purpose}"
        purpose_text = t(key) if t(key) != key else purpose
        rules = ", ".join(_rule_text(r) for r in _names(tie.get("rules"))) or "-"
        line = t(
            "gui.auditor.tie.line",
            round=tie.get("round", "?"),
            purpose=purpose_text,
            tied=", ".join(option_text(n) for n in _names(tie.get("tied"))),
            rules=rules,
            chosen=", ".join(option_text(n) for n in _names(tie.get("chosen"))) or "-",
        )
        lot = _names(tie.get("lot_order"))
        if lot:
            line += " " + t("gui.auditor.tie.lot", order=" > ".join(option_text(n) for n in lot))
        lines.append(line)
    return lines


def _rule_text(rule: str) -> str:
    key = f"gui.auditor.tie.rule.{rule}"
    text = t(key)
    return text if text != key else rule


def _reason_text(reason: str) -> str:
    key = f"gui.auditor.invalid.{reason}"
    text = t(key)
    return text if text != key else reason


def summary_lines(view: ContestView) -> list[str]:
    """Method, outcome and ballot counts above the table."""
    result = view.result
    lines = [t("gui.auditor.contest.method", method=method_text(view.method))]
    passed = result.get("passed")
    if isinstance(passed, bool):
        outcome = t("gui.auditor.contest.passed" if passed else "gui.auditor.contest.rejected")
        details = result.get("details")
        if isinstance(details, Mapping) and details.get("required") is not None:
            outcome += " " + t(
                "gui.auditor.contest.required",
                yes=number_text(details.get("yes"))[0],
                required=number_text(details.get("required"))[0],
            )
        lines.append(outcome)
    else:
        elected = _names(result.get("elected"))
        order = (
            "  ".join(f"{i}. {option_text(n)}" for i, n in enumerate(elected, start=1))
            if elected
            else t("gui.auditor.contest.nobody")
        )
        lines.append(t("gui.auditor.contest.elected", order=order))
    counts = t(
        "gui.auditor.contest.ballots",
        valid=number_text(result.get("valid"))[0] or "0",
        invalid=number_text(result.get("invalid"))[0] or "0",
    )
    reasons = result.get("invalid_reasons")
    if isinstance(reasons, Mapping) and reasons:
        counts += " (" + ", ".join(f"{_reason_text(k)} {v}" for k, v in reasons.items()) + ")"
    if result.get("quota") is not None:
        counts += "  ·  " + t("gui.auditor.contest.quota", quota=number_text(result["quota"])[0])
    lines.append(counts)
    return lines


class ContestPanel(QWidget):
    """One tab: the recount's word on this contest, the outcome, the rounds, the ties."""

    def __init__(self, view: ContestView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.recount = QLabel()
        self.recount.setObjectName("contestRecount")
        self.recount.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("contestSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RoundsModel(view.result)
        self.table = QTableView()
        self.table.setObjectName("roundsTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(96)
        self.ties = QLabel()
        self.ties.setObjectName("contestTies")
        self.ties.setWordWrap(True)
        self.ties.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.recount)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.ties)
        self.retranslate()

    def retranslate(self) -> None:
        check = self.view.recount
        if check is None:
            text, colour = t("gui.auditor.contest.not_recounted"), theme.PALETTE.text_quiet
        elif check.ok:
            text, colour = t("gui.auditor.contest.reproduced"), ELECTED_FG
        else:
            text, colour = t("gui.auditor.contest.not_reproduced"), ELIMINATED_FG
        self.recount.setText(text)
        self.recount.setStyleSheet(f"color: {colour}; font-weight: 700;")
        self.summary.setText("\n".join(summary_lines(self.view)))
        ties = tie_lines(self.view.result)
        self.ties.setText(
            t("gui.auditor.tie.title") + "\n" + "\n".join(ties)
            if ties
            else t("gui.auditor.tie.none")
        )
        self.model.set_result(self.view.result)
