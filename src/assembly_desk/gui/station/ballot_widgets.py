"""One touch-friendly widget per ballot type, as the station shows it.

Each widget knows only its contest definition and the marks made on it; it emits
``changed`` on every mark (the station resets its abandon timer) and ``refused`` with a
sentence when a mark is not allowed (a fourth name on a 1인 3표 ballot, a project over
the budget cap) — refused marks are simply not made, so the ballot is never overfilled.
``selection()`` returns the shape ``validate_selection`` expects. Digit keys mark option
N (``press_digit``), so a keyboard works as well as a finger.

The widgets are built fresh for each voter and dropped when the station locks: no mark
survives into the next voter's session.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.gui.station.text import won
from assembly_desk.i18n import t

COLUMNS = 2


def choice_button(text: str, name: str = "choice") -> QPushButton:
    """A big checkable button; mouse and touch do not take focus, Tab and arrows do.

    So Enter after a tap means "다음", while a keyboard user who moved onto an option
    with the arrows toggles it with Space.
    """
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCheckable(True)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setMinimumHeight(88)
    return button


class BallotWidget(QWidget):
    changed = Signal()
    refused = Signal(str)

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.defn = defn

    def selection(self) -> dict[str, Any]:
        raise NotImplementedError

    def press_digit(self, number: int) -> None:
        """Digit ``number`` (1-based) was typed: mark that option, if there is one."""

    def _grid(self, buttons: list[QPushButton]) -> None:
        grid = QGridLayout(self)
        grid.setSpacing(18)
        grid.setContentsMargins(0, 0, 0, 0)
        columns = 1 if len(buttons) <= 3 else COLUMNS
        for i, button in enumerate(buttons):
            grid.addWidget(button, i // columns, i % columns)
        grid.setRowStretch(grid.rowCount(), 1)


class YesNoBallot(BallotWidget):
    """찬반: three huge buttons, one at a time (1 찬성, 2 반대, 3 기권)."""

    VOTES = ("yes", "no", "abstain")

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(defn, parent)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setSpacing(28)
        row.setContentsMargins(0, 0, 0, 0)
        for i, vote in enumerate(self.VOTES, start=1):
            button = choice_button(f"{t(f'gui.station.vote.{vote}')}", f"vote_{vote}")
            button.setToolTip(str(i))
            button.clicked.connect(lambda _c=False, v=vote: self.choose(v))
            self.buttons[vote] = button
            row.addWidget(button, 1)

    def choose(self, vote: str) -> None:
        for name, button in self.buttons.items():
            button.setChecked(name == vote)
        self.changed.emit()

    def press_digit(self, number: int) -> None:
        if 1 <= number <= len(self.VOTES):
            self.choose(self.VOTES[number - 1])

    def selection(self) -> dict[str, Any]:
        chosen = [v for v, b in self.buttons.items() if b.isChecked()]
        return {"vote": chosen[0] if chosen else None}


class _ToggleBallot(BallotWidget):
    """Options as toggle buttons; subclasses decide whether one more mark is allowed."""

    key = "choices"

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(defn, parent)
        self.buttons: list[QPushButton] = []
        for i in range(len(defn.options)):
            button = choice_button(self._label(i))
            button.clicked.connect(lambda _c=False, n=i: self.toggle(n))
            # A tick as well as the colour: chosen must not depend on telling colours apart.
            button.toggled.connect(
                lambda on, b=button, n=i: b.setText(("✔ " if on else "") + self._label(n))
            )
            self.buttons.append(button)
        self._grid(self.buttons)

    def _label(self, index: int) -> str:
        return self.defn.options[index].name

    def chosen(self) -> list[str]:
        return [
            o.name for o, b in zip(self.defn.options, self.buttons, strict=True) if b.isChecked()
        ]

    def toggle(self, index: int) -> None:
        """After a click (the button has flipped already): undo a mark that is not allowed."""
        button = self.buttons[index]
        problem = self._refuse_adding(index) if button.isChecked() else ""
        if problem:
            button.setChecked(False)
        self.changed.emit()  # first: it clears the last message
        if problem:
            self.refused.emit(problem)

    def _refuse_adding(self, index: int) -> str:
        return ""

    def press_digit(self, number: int) -> None:
        if 1 <= number <= len(self.buttons):
            self.buttons[number - 1].click()  # the same path as a finger

    def selection(self) -> dict[str, Any]:
        return {self.key: self.chosen()}


class ChooseNBallot(_ToggleBallot):
    """1인 N표: up to N names; an N+1th tap is refused with a message, not made."""

    def _refuse_adding(self, index: int) -> str:
        if len(self.chosen()) > self.defn.max_choices:
            return t("gui.station.max_n", n=self.defn.max_choices)
        return ""


class BudgetBallot(_ToggleBallot):
    """주민참여예산: projects with their cost; the running total may not pass the cap."""

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(defn, parent)
        for button in self.buttons:
            button.setMinimumHeight(112)

    def _label(self, index: int) -> str:
        option = self.defn.options[index]
        return f"{option.name}\n{won(option.cost)}"

    def total(self) -> int:
        cost = {o.name: o.cost for o in self.defn.options}
        return sum(cost[n] for n in self.chosen())

    def _refuse_adding(self, index: int) -> str:
        if self.total() > self.defn.budget_cap:
            return t("gui.station.over_cap", cap=won(self.defn.budget_cap))
        return ""


class RankedBallot(BallotWidget):
    """우선순위: tap in order of preference; each button shows its rank; tap again to unrank."""

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(defn, parent)
        self.ranking: list[int] = []
        self.buttons = [choice_button(o.name) for o in defn.options]
        for i, button in enumerate(self.buttons):
            button.clicked.connect(lambda _c=False, n=i: self.tap(n))
        self._grid(self.buttons)
        self._render()

    def tap(self, index: int) -> None:
        problem = ""
        if index in self.ranking:
            self.ranking.remove(index)
        elif self.defn.max_choices and len(self.ranking) >= self.defn.max_choices:
            problem = t("gui.station.max_rank", n=self.defn.max_choices)
        else:
            self.ranking.append(index)
        self._render()
        self.changed.emit()
        if problem:
            self.refused.emit(problem)

    def clear(self) -> None:
        self.ranking.clear()
        self._render()
        self.changed.emit()

    def _render(self) -> None:
        for i, (option, button) in enumerate(zip(self.defn.options, self.buttons, strict=True)):
            if i in self.ranking:
                rank = self.ranking.index(i) + 1
                button.setText(t("gui.station.rank_button", rank=rank, name=option.name))
                button.setChecked(True)
            else:
                button.setText(option.name)
                button.setChecked(False)

    def press_digit(self, number: int) -> None:
        if 1 <= number <= len(self.buttons):
            self.tap(number - 1)

    def selection(self) -> dict[str, Any]:
        return {"ranking": [self.defn.options[i].name for i in self.ranking]}


class Stepper(QWidget):
    """A score from 1 to ``maximum`` with big − and + buttons; starts unset ("—")."""

    changed = Signal()

    def __init__(self, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.maximum = maximum
        self.value: int | None = None
        self.minus = QPushButton("−")
        self.plus = QPushButton("+")
        self.shown = QLabel("—")
        self.shown.setObjectName("scoreValue")
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(96)
        for button, step in ((self.minus, -1), (self.plus, 1)):
            button.setObjectName("stepper")
            button.setAutoRepeat(True)
            button.clicked.connect(lambda _c=False, s=step: self.step(s))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.minus)
        row.addWidget(self.shown)
        row.addWidget(self.plus)

    def step(self, delta: int) -> None:
        if self.value is None:
            self.value = 1 if delta > 0 else self.maximum
        else:
            self.value = max(1, min(self.maximum, self.value + delta))
        self.shown.setText(str(self.value))
        self.changed.emit()


class ScoreBallot(BallotWidget):
    """평가표: for each candidate, a score per criterion (or one score), 1 … maximum.

    Up to ``TABLE_CRITERIA`` criteria sit side by side (a row per candidate, a column per
    criterion), as on the paper score sheet; more would not fit a 1280-pixel screen, so
    then each criterion gets its own line under the candidate's name.
    """

    TABLE_CRITERIA = 3

    def __init__(self, defn: ContestDefinition, parent: QWidget | None = None) -> None:
        super().__init__(defn, parent)
        self.steppers: dict[tuple[str, str], Stepper] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(56)
        grid.setVerticalSpacing(12)
        criteria = [(c.name, c.max_score) for c in defn.criteria] or [("", defn.max_score)]
        if len(criteria) <= self.TABLE_CRITERIA:
            rows = self._table(grid, criteria)
        else:
            rows = self._lines(grid, criteria)
        grid.setRowStretch(rows, 1)
        grid.setColumnStretch(grid.columnCount(), 1)

    def _stepper(self, option: str, criterion: str, maximum: int) -> Stepper:
        stepper = Stepper(maximum)
        stepper.changed.connect(self.changed)
        self.steppers[(option, criterion)] = stepper
        return stepper

    @staticmethod
    def _criterion_label(criterion: str, maximum: int) -> QLabel:
        name = criterion or t("gui.station.score")
        label = QLabel(t("gui.station.criterion", name=name, max=maximum))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _table(self, grid: QGridLayout, criteria: list[tuple[str, int]]) -> int:
        for col, (criterion, maximum) in enumerate(criteria, start=1):
            grid.addWidget(self._criterion_label(criterion, maximum), 0, col)
        for row, option in enumerate(self.defn.options, start=1):
            name = QLabel(option.name)
            name.setObjectName("candidate")
            grid.addWidget(name, row, 0)
            for col, (criterion, maximum) in enumerate(criteria, start=1):
                stepper = self._stepper(option.name, criterion, maximum)
                grid.addWidget(stepper, row, col, Qt.AlignmentFlag.AlignCenter)
        return len(self.defn.options) + 1

    def _lines(self, grid: QGridLayout, criteria: list[tuple[str, int]]) -> int:
        row = 0
        for option in self.defn.options:
            name = QLabel(option.name)
            name.setObjectName("candidate")
            grid.addWidget(name, row, 0, 1, 2)
            row += 1
            for criterion, maximum in criteria:
                label = self._criterion_label(criterion, maximum)
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(label, row, 0)
                stepper = self._stepper(option.name, criterion, maximum)
                grid.addWidget(stepper, row, 1, Qt.AlignmentFlag.AlignLeft)
                row += 1
        return row

    def selection(self) -> dict[str, Any]:
        scores: dict[str, Any] = {}
        for (name, criterion), stepper in self.steppers.items():
            if stepper.value is None:
                continue
            if criterion:
                scores.setdefault(name, {})[criterion] = stepper.value
            else:
                scores[name] = stepper.value
        return {"scores": scores}


WIDGETS: dict[BallotType, type[BallotWidget]] = {
    BallotType.YES_NO: YesNoBallot,
    BallotType.CHOOSE_N: ChooseNBallot,
    BallotType.RANKED: RankedBallot,
    BallotType.SCORE: ScoreBallot,
    BallotType.BUDGET: BudgetBallot,
}


def ballot_widget(defn: ContestDefinition) -> BallotWidget:
    return WIDGETS[defn.ballot_type](defn)
