"""Method registry: a name (as in manifests and the CLI) -> the counting function.

Services, the CLI and the bundle verifier all count through :func:`count`, so a method
name and its options mean the same thing everywhere a count is run or re-run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .ballots import Ballot, Number
from .budget import count_pb_greedy
from .irv import count_irv
from .mes import count_mes
from .plurality import count_approval, count_choose, count_plurality
from .results import Result
from .score import count_score
from .slips import DUPLICATE_RULES, OVERVOTE_RULES, SKIPPED_RULES
from .stv import count_stv
from .ties import TieRule
from .yesno import count_yesno


@dataclass(frozen=True)
class CountOptions:
    """Every option any method takes; each method reads the ones it needs."""

    seats: int = 1
    max_choices: int | None = None
    threshold: str = "simple"
    base: str = "valid"
    present: int | None = None
    eligible: int | None = None
    quorum: int | None = None
    candidates: Sequence[str] | None = None
    costs: Mapping[str, Number] | None = None
    budget: Number | None = None
    criteria_weights: Mapping[str, Number] | None = None
    group_weights: Mapping[str, Number] | None = None
    trim: bool = False
    satisfaction: str = "cardinality"
    # Equal shares completion: 0 = exact (rerun only where the outcome can change); a
    # positive step is the fixed "add1" rise that bundles recorded before (same result).
    increment: Number | None = Fraction(0)
    greedy: bool = True
    tie: TieRule = field(default_factory=TieRule)
    # Ranked paper ballots (IRV, STV): what one slip costs, after RCTab's published rules.
    overvote: str = "invalidate"  # one of OVERVOTE_RULES
    skipped: str = "allow"  # one of SKIPPED_RULES: "allow", "exhaust", or "N" (up to N in a row)
    duplicates: str = "invalidate"  # one of DUPLICATE_RULES


# The choices a contest may make for ranked paper ballots (defined and checked in
# .slips); the first of each is the original whole-ballot behaviour and the default.
__all__ = [
    "DUPLICATE_RULES",
    "METHODS",
    "OVERVOTE_RULES",
    "SKIPPED_RULES",
    "CountOptions",
    "OptionError",
    "count",
]


class OptionError(ValueError):
    """A method was asked to count without an option it needs."""


def _need(value: object, option: str, method: str) -> None:
    if value is None:
        raise OptionError(f"{method} needs {option}")


def _yesno(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_yesno(
        b,
        threshold=o.threshold,
        base=o.base,
        present=o.present,
        eligible=o.eligible,
        quorum=o.quorum,
    )


def _plurality(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_plurality(b, candidates=o.candidates, seats=o.seats, tie=o.tie)


def _approval(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_approval(b, candidates=o.candidates, seats=o.seats, tie=o.tie)


def _choose(b: Iterable[Ballot], o: CountOptions) -> Result:
    _need(o.max_choices, "--max-choices", "choose")
    assert o.max_choices is not None
    return count_choose(
        b, max_choices=o.max_choices, candidates=o.candidates, seats=o.seats, tie=o.tie
    )


def _irv(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_irv(
        b,
        candidates=o.candidates,
        tie=o.tie,
        overvote=o.overvote,
        skipped=o.skipped,
        duplicates=o.duplicates,
    )


def _stv(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_stv(
        b,
        seats=o.seats,
        candidates=o.candidates,
        tie=o.tie,
        overvote=o.overvote,
        skipped=o.skipped,
        duplicates=o.duplicates,
    )


def _score(b: Iterable[Ballot], o: CountOptions) -> Result:
    return count_score(
        b,
        candidates=o.candidates,
        seats=o.seats,
        criteria_weights=o.criteria_weights,
        trim=o.trim,
        group_weights=o.group_weights,
        tie=o.tie,
    )


def _pb_greedy(b: Iterable[Ballot], o: CountOptions) -> Result:
    _need(o.costs, "--costs", "pb-greedy")
    _need(o.budget, "--budget", "pb-greedy")
    assert o.costs is not None and o.budget is not None
    return count_pb_greedy(b, costs=o.costs, budget=o.budget, max_choices=o.max_choices, tie=o.tie)


def _mes(b: Iterable[Ballot], o: CountOptions) -> Result:
    _need(o.costs, "--costs", "mes")
    _need(o.budget, "--budget", "mes")
    assert o.costs is not None and o.budget is not None
    return count_mes(
        b,
        costs=o.costs,
        budget=o.budget,
        satisfaction=o.satisfaction,
        increment=o.increment,
        greedy=o.greedy,
        max_choices=o.max_choices,
        tie=o.tie,
    )


METHODS: dict[str, Callable[[Iterable[Ballot], CountOptions], Result]] = {
    "yesno": _yesno,
    "plurality": _plurality,
    "approval": _approval,
    "choose": _choose,
    "irv": _irv,
    "stv": _stv,
    "score": _score,
    "pb-greedy": _pb_greedy,
    "mes": _mes,
}


def count(method: str, ballots: Iterable[Ballot], options: CountOptions | None = None) -> Result:
    """Count ``ballots`` with the named method; unknown names raise KeyError."""
    try:
        runner = METHODS[method]
    except KeyError:
        raise KeyError(f"unknown method {method!r}; use one of {', '.join(METHODS)}") from None
    return runner(ballots, options or CountOptions())
