"""Contests (what is voted on), the poll lifecycle, and checking a voter's selection.

A contest is defined in *draft*, opened by the chair, and closed by the chair; once open
its definition is frozen. Selections use the same shapes as the counting layer's ballot
files (see ``counting/ballot_file.py``), so stored ballots can be counted as they are:

    yes_no    {"vote": "yes" | "no" | "abstain"}
    choose_n  {"choices": ["A", "C"]}                      up to N names
    ranked    {"ranking": ["B", "A"]}                      most preferred first
    score     {"scores": {"A": 4}} or {"scores": {"A": {"vision": 4, "plan": 5}}}
    budget    {"choices": ["playground", "library"]}      total cost within the cap

Two checks: :func:`validate_selection` is strict (a voting station only accepts a valid
ballot), :func:`check_shape` only checks the form, because a paper ballot is *recorded*
as marked at the count table, and the counting method then judges it with a reason.
Stdlib only.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from assembly_desk.domain.contest_rules import CountRule, check_rule, resolved
from assembly_desk.domain.errors import InvalidInput, Refused

MAX_OPTIONS = 200
MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_SCORE = 1000


class BallotType(StrEnum):
    YES_NO = "yes_no"  # 찬반
    CHOOSE_N = "choose_n"  # 1인 N표
    RANKED = "ranked"  # 우선순위
    SCORE = "score"  # 평가표
    BUDGET = "budget"  # 주민참여예산


class VoterScope(StrEnum):
    """Who may vote: everyone eligible and checked in, or a named panel (평가단)."""

    CHECKED_IN = "checked_in"
    PANEL = "panel"


class PollState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


TRANSITIONS: dict[PollState, frozenset[PollState]] = {
    PollState.DRAFT: frozenset({PollState.OPEN}),
    PollState.OPEN: frozenset({PollState.CLOSED}),
    PollState.CLOSED: frozenset(),
}
"""The only moves: draft → open → closed. A closed poll never reopens."""


def check_transition(current: PollState, target: PollState) -> None:
    if target not in TRANSITIONS[current]:
        raise Refused("poll.bad_transition", current=current.value, target=target.value)


YES_NO_VOTES = ("yes", "no", "abstain")


@dataclass(frozen=True, slots=True)
class Option:
    """A choice, candidate or project; ``cost`` is used by budget contests only (in won)."""

    name: str
    cost: int = 0


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of a score sheet (평가 항목) with its maximum points."""

    name: str
    max_score: int


@dataclass(frozen=True, slots=True)
class ContestDefinition:
    """Everything that is frozen when the poll opens.

    ``max_choices``: choose_n's N; for ranked, how many ranks may be filled (0 = all).
    ``max_score``: score contests without criteria; with criteria each has its own maximum.
    ``budget_cap``: budget contests; the total cost of the chosen projects may not exceed it.
    ``description``: a motion's text (yes/no only), shown on the station and the paper.
    ``rules``: how it is counted (``contest_rules``); frozen with the rest at opening.
    """

    title: str
    ballot_type: BallotType
    options: tuple[Option, ...] = ()
    max_choices: int = 1
    criteria: tuple[Criterion, ...] = ()
    max_score: int = 10
    budget_cap: int = 0
    scope: VoterScope = VoterScope.CHECKED_IN
    description: str = ""
    rules: CountRule = field(default_factory=CountRule)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)

    def validate(self) -> None:
        """Raise InvalidInput("contest.…") when the definition cannot be voted on."""
        title = self.title.strip()
        if not title:
            raise InvalidInput("contest.title_required")
        if len(title) > MAX_NAME:
            raise InvalidInput("contest.title_too_long", max=MAX_NAME)
        names = [o.name.strip() for o in self.options]
        if any(not n for n in names):
            raise InvalidInput("contest.option_empty")
        if any(len(n) > MAX_NAME for n in names):
            raise InvalidInput("contest.option_too_long", max=MAX_NAME)
        if len(set(names)) != len(names):
            raise InvalidInput("contest.option_duplicate")
        if len(names) > MAX_OPTIONS:
            raise InvalidInput("contest.too_many_options", max=MAX_OPTIONS)
        match self.ballot_type:
            case BallotType.YES_NO:
                if names:
                    raise InvalidInput("contest.yes_no_no_options")
            case BallotType.CHOOSE_N:
                if len(names) < 2:
                    raise InvalidInput("contest.needs_options", min=2)
                if not 1 <= self.max_choices <= len(names):
                    raise InvalidInput("contest.bad_max_choices", max=len(names))
            case BallotType.RANKED:
                if len(names) < 2:
                    raise InvalidInput("contest.needs_options", min=2)
                if not 0 <= self.max_choices <= len(names):
                    raise InvalidInput("contest.bad_max_choices", max=len(names))
            case BallotType.SCORE:
                if len(names) < 1:
                    raise InvalidInput("contest.needs_options", min=1)
                crit = [c.name.strip() for c in self.criteria]
                if any(not c for c in crit) or len(set(crit)) != len(crit):
                    raise InvalidInput("contest.bad_criteria")
                maxima = [c.max_score for c in self.criteria] or [self.max_score]
                if any(not 1 <= m <= MAX_SCORE for m in maxima):
                    raise InvalidInput("contest.bad_max_score", max=MAX_SCORE)
            case BallotType.BUDGET:
                if len(names) < 1:
                    raise InvalidInput("contest.needs_options", min=1)
                if self.budget_cap <= 0:
                    raise InvalidInput("contest.bad_budget_cap")
                if any(o.cost <= 0 for o in self.options):
                    raise InvalidInput("contest.bad_cost")
        if self.ballot_type is not BallotType.SCORE and self.criteria:
            raise InvalidInput("contest.bad_criteria")
        if self.description and self.ballot_type is not BallotType.YES_NO:
            raise InvalidInput("contest_rules.description_motion_only")
        if len(self.description) > MAX_DESCRIPTION:
            raise InvalidInput("contest_rules.description_too_long", max=MAX_DESCRIPTION)
        check_rule(self, self.rules)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the audit log and the tally manifest (integers and text only)."""
        return {
            "title": self.title,
            "ballot_type": self.ballot_type.value,
            "options": [{"name": o.name, "cost": o.cost} for o in self.options],
            "max_choices": self.max_choices,
            "criteria": [{"name": c.name, "max_score": c.max_score} for c in self.criteria],
            "max_score": self.max_score,
            "budget_cap": self.budget_cap,
            "scope": self.scope.value,
            "description": self.description,
            "rules": resolved(self, self.rules).to_dict(),
        }

    def normalised(self) -> ContestDefinition:
        """Names and title trimmed, so " A" and "A" are one option; the rule made explicit."""
        plain = ContestDefinition(
            title=_nfc(self.title.strip()),
            ballot_type=self.ballot_type,
            options=tuple(Option(_nfc(o.name.strip()), o.cost) for o in self.options),
            max_choices=self.max_choices,
            criteria=tuple(Criterion(_nfc(c.name.strip()), c.max_score) for c in self.criteria),
            max_score=self.max_score,
            budget_cap=self.budget_cap,
            scope=self.scope,
            description=_nfc(self.description.replace("\r\n", "\n").strip()),
        )
        rule = replace(
            self.rules,
            tie_priority=tuple(_nfc(n.strip()) for n in self.rules.tie_priority),
            criteria_weights=_nfc_keys(self.rules.criteria_weights),
            group_weights=_nfc_keys(self.rules.group_weights),
        )
        return replace(plain, rules=resolved(plain, rule))


def _nfc_keys(weights: Any) -> Any:
    return None if weights is None else {_nfc(str(k).strip()): v for k, v in weights.items()}


@dataclass(frozen=True, slots=True)
class Contest:
    """A stored contest: its id, assembly, state and frozen-after-open definition."""

    id: int
    assembly_id: int
    state: PollState
    definition: ContestDefinition
    panel: frozenset[int] = field(default_factory=frozenset)


# --- selections -----------------------------------------------------------------------

_KEY = {
    BallotType.YES_NO: "vote",
    BallotType.CHOOSE_N: "choices",
    BallotType.RANKED: "ranking",
    BallotType.SCORE: "scores",
    BallotType.BUDGET: "choices",
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _bad(reason: str) -> InvalidInput:
    return InvalidInput("vote.invalid_selection", reason=reason)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_shape(defn: ContestDefinition, selection: Any) -> dict[str, Any]:
    """The form only (right key, right types); returns a fresh plain dict.

    Used for paper ballots entered at the count table: an overvote or an empty paper is a
    real ballot and is kept, for the count to mark invalid with its reason.
    """
    key = _KEY[defn.ballot_type]
    if not isinstance(selection, dict) or set(selection) != {key}:
        raise _bad("shape")
    value = selection[key]
    match defn.ballot_type:
        case BallotType.YES_NO:
            if value is not None and not isinstance(value, str):
                raise _bad("shape")
            return {key: value if value is None else _nfc(value)}
        case BallotType.CHOOSE_N | BallotType.BUDGET:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _bad("shape")
            return {key: [_nfc(v) for v in value]}
        case BallotType.RANKED:
            if not isinstance(value, list):
                raise _bad("shape")
            ranking: list[str | list[str]] = []
            for pos in value:
                if isinstance(pos, str):
                    ranking.append(_nfc(pos))
                elif isinstance(pos, list) and all(isinstance(v, str) for v in pos):
                    ranking.append([_nfc(v) for v in pos])
                else:
                    raise _bad("shape")
            return {key: ranking}
        case BallotType.SCORE:
            if not isinstance(value, dict):
                raise _bad("shape")
            scores: dict[str, Any] = {}
            for name, score in value.items():
                if not isinstance(name, str):
                    raise _bad("shape")
                if isinstance(score, dict):
                    if not all(isinstance(c, str) and _is_int(s) for c, s in score.items()):
                        raise _bad("shape")
                    scores[_nfc(name)] = {_nfc(c): s for c, s in score.items()}
                elif _is_int(score):
                    scores[_nfc(name)] = score
                else:
                    raise _bad("shape")
            return {key: scores}
    raise AssertionError(defn.ballot_type)


def validate_selection(defn: ContestDefinition, selection: Any) -> dict[str, Any]:
    """Strict: the selection is a valid, countable ballot for this contest, or InvalidInput.

    Returns the normalised selection to store. ``InvalidInput.params["reason"]`` says why:
    shape, empty, overvote, duplicate, unknown, bad_vote, bad_score, missing_score, over_budget.
    """
    sel = check_shape(defn, selection)
    known = set(defn.names)
    match defn.ballot_type:
        case BallotType.YES_NO:
            if sel["vote"] not in YES_NO_VOTES:
                raise _bad("bad_vote")
        case BallotType.CHOOSE_N | BallotType.BUDGET | BallotType.RANKED:
            key = _KEY[defn.ballot_type]
            names = sel[key]
            if any(not isinstance(n, str) for n in names):
                raise _bad("overvote")  # two names at one rank
            if not names:
                raise _bad("empty")
            limit = defn.max_choices if defn.ballot_type is not BallotType.BUDGET else None
            if limit and len(names) > limit:
                raise _bad("overvote")
            if len(set(names)) != len(names):
                raise _bad("duplicate")
            if not set(names) <= known:
                raise _bad("unknown")
            if defn.ballot_type is BallotType.BUDGET:
                cost = {o.name: o.cost for o in defn.options}
                if sum(cost[n] for n in names) > defn.budget_cap:
                    raise _bad("over_budget")
            if defn.ballot_type is not BallotType.RANKED:
                # Order of marks on a choice ballot means nothing: store it canonically.
                order = {n: i for i, n in enumerate(defn.names)}
                sel = {key: sorted(names, key=order.__getitem__)}
        case BallotType.SCORE:
            scores = sel["scores"]
            if set(scores) - known:
                raise _bad("unknown")
            if set(scores) != known:
                raise _bad("missing_score")
            for value in scores.values():
                if defn.criteria:
                    if not isinstance(value, dict) or set(value) != {c.name for c in defn.criteria}:
                        raise _bad("missing_score")
                    for c in defn.criteria:
                        if not 0 <= value[c.name] <= c.max_score:
                            raise _bad("bad_score")
                elif not _is_int(value) or not 0 <= value <= defn.max_score:
                    raise _bad("bad_score")
    return sel


def selection_json(selection: dict[str, Any]) -> str:
    """The stored text of a selection: sorted keys, compact, Unicode kept (NFC by callers)."""
    return json.dumps(selection, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
