"""The contest editor's text boxes ⇄ a ContestDefinition, without Qt.

The chair types options one per line ("놀이터 3,000,000" for a budget project) and score
criteria as "비전 10"; this module reads and writes that text, so parsing is tested
without a window and the editor shows a stored contest exactly as it would be typed.
Rules about what makes a valid contest stay in ``ContestDefinition.validate``. The
counting rule is typed here too (weights as "주민 50" lines, the tie priority one name a
line), because it is part of the definition that opening the poll freezes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assembly_desk.domain.contest_rules import CountRule
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
    description: str = ""
    rules: RulesForm = field(default_factory=lambda: RulesForm())


@dataclass(frozen=True, slots=True)
class RulesForm:
    """The counting rule as the editor holds it. ``seats`` 0 = the contest's default."""

    method: str = ""
    seats: int = 0
    threshold: str = "simple"
    base: str = "valid"
    quorum: int = 0  # 0 = none
    tie_priority: str = ""
    criteria_weights: str = ""
    group_weights: str = ""
    trim: bool = False
    satisfaction: str = "cardinality"
    completion: str = "add1-greedy"
    increment: int = 0  # 0 = the exact completion
    overvote: str = "invalidate"
    skipped: str = "allow"
    duplicates: str = "invalidate"


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


def parse_weights(text: str) -> dict[str, int] | None:
    """ "비전 2" lines → {"비전": 2}; nothing typed → None (every criterion weighs 1)."""
    lines = _lines(text)
    if not lines:
        return None
    return dict(_name_and_number(line, "contest_rules.bad_weight_line") for line in lines)


def _weights_text(weights: object) -> str:
    if not isinstance(weights, dict):
        return ""
    return "\n".join(f"{name} {value}" for name, value in weights.items())


def to_rule(rules: RulesForm, kind: BallotType) -> CountRule:
    """The counting rule the form describes; fields of other ballot types are left default."""
    ranked, score = kind is BallotType.RANKED, kind is BallotType.SCORE
    yes_no, budget = kind is BallotType.YES_NO, kind is BallotType.BUDGET
    default = CountRule()
    return CountRule(
        method=rules.method,
        seats=rules.seats or None,
        threshold=rules.threshold if yes_no else default.threshold,
        base=rules.base if yes_no else default.base,
        quorum=(rules.quorum or None) if yes_no else None,
        trim=rules.trim if score else False,
        criteria_weights=parse_weights(rules.criteria_weights) if score else None,
        group_weights=parse_weights(rules.group_weights) if score else None,
        tie_priority=tuple(_lines(rules.tie_priority)),
        satisfaction=rules.satisfaction if budget else default.satisfaction,
        completion=rules.completion if budget else default.completion,
        increment=rules.increment if budget else default.increment,
        overvote=rules.overvote if ranked else default.overvote,
        skipped=rules.skipped if ranked else default.skipped,
        duplicates=rules.duplicates if ranked else default.duplicates,
    )


def from_rule(rule: CountRule) -> RulesForm:
    return RulesForm(
        method=rule.method,
        seats=rule.seats or 0,
        threshold=rule.threshold,
        base=rule.base,
        quorum=rule.quorum or 0,
        tie_priority="\n".join(rule.tie_priority),
        criteria_weights=_weights_text(rule.criteria_weights),
        group_weights=_weights_text(rule.group_weights),
        trim=rule.trim,
        satisfaction=rule.satisfaction,
        completion=rule.completion,
        increment=rule.increment,
        overvote=rule.overvote,
        skipped=rule.skipped,
        duplicates=rule.duplicates,
    )


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
        description=form.description if kind is BallotType.YES_NO else "",
        rules=to_rule(form.rules, kind),
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
        description=defn.description,
        rules=from_rule(defn.rules),
    )
