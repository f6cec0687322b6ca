"""The contest editor's text boxes ⇄ a ContestDefinition, without Qt.

The chair types options one per line ("놀이터 3,000,000" for a budget project) and score
criteria as "비전 10"; this module reads and writes that text, so parsing is tested
without a window and the editor shows a stored contest exactly as it would be typed.
Rules about what makes a valid contest stay in ``ContestDefinition.validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assembly_desk.domain.contests import (
    BallotType,
    ContestDefinition,
    Criterion,
    Option,
    VoterScope,
)
from assembly_desk.domain.errors import InvalidInput

# "name   3,000,000원" / "name | 3000000" / "name: 10"
_TRAILING_NUMBER = re.compile(r"^(?P<name>.*?)[\s|:=,]+(?P<number>\d[\d,]*)\s*(원|점)?$")


@dataclass(frozen=True, slots=True)
class ContestForm:
    """What the editor holds, as typed."""

    title: str = ""
    ballot_type: BallotType = BallotType.YES_NO
    options: str = ""
    max_choices: int = 1
    criteria: str = ""
    max_score: int = 10
    budget_cap: str = ""
    scope: VoterScope = VoterScope.CHECKED_IN
    panel_codes: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _name_and_number(line: str, error_key: str) -> tuple[str, int]:
    match = _TRAILING_NUMBER.match(line)
    if match is None or not match.group("name").strip():
        raise InvalidInput(error_key, line=line)
    return match.group("name").strip(), int(match.group("number").replace(",", ""))


def parse_amount(text: str) -> int:
    """ "7,000,000원" → 7000000; empty → 0 (validate then says a cap is needed)."""
    digits = re.sub(r"[,\s원]", "", text)
    if not digits:
        return 0
    if not digits.isdigit():
        raise InvalidInput("gui.polls.bad_amount", text=text)
    return int(digits)


def parse_options(text: str, with_cost: bool) -> tuple[Option, ...]:
    if not with_cost:
        return tuple(Option(line) for line in _lines(text))
    return tuple(
        Option(name, cost)
        for name, cost in (
            _name_and_number(line, "gui.polls.bad_cost_line") for line in _lines(text)
        )
    )


def parse_criteria(text: str) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(name, points)
        for name, points in (
            _name_and_number(line, "gui.polls.bad_criterion_line") for line in _lines(text)
        )
    )


def parse_codes(text: str) -> list[str]:
    """Card codes separated by spaces, commas or new lines, as scanned into the box."""
    return [code for code in re.split(r"[\s,;]+", text) if code]


def to_definition(form: ContestForm) -> ContestDefinition:
    """The definition the form describes; fields that do not apply to the type are dropped."""
    kind = form.ballot_type
    options: tuple[Option, ...] = ()
    if kind is not BallotType.YES_NO:
        options = parse_options(form.options, with_cost=kind is BallotType.BUDGET)
    return ContestDefinition(
        title=form.title,
        ballot_type=kind,
        options=options,
        max_choices=form.max_choices if kind in (BallotType.CHOOSE_N, BallotType.RANKED) else 1,
        criteria=parse_criteria(form.criteria) if kind is BallotType.SCORE else (),
        max_score=form.max_score,
        budget_cap=parse_amount(form.budget_cap) if kind is BallotType.BUDGET else 0,
        scope=form.scope,
    )


def from_definition(defn: ContestDefinition, panel_codes: tuple[str, ...] = ()) -> ContestForm:
    """The form as the chair would have typed ``defn``."""
    if defn.ballot_type is BallotType.BUDGET:
        options = "\n".join(f"{o.name} {o.cost:,}" for o in defn.options)
    else:
        options = "\n".join(o.name for o in defn.options)
    return ContestForm(
        title=defn.title,
        ballot_type=defn.ballot_type,
        options=options,
        max_choices=defn.max_choices,
        criteria="\n".join(f"{c.name} {c.max_score}" for c in defn.criteria),
        max_score=defn.max_score,
        budget_cap=f"{defn.budget_cap:,}" if defn.budget_cap else "",
        scope=defn.scope,
        panel_codes="\n".join(panel_codes),
    )
