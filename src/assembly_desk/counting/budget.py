"""Participatory budget (주민참여예산): ballots, costs, and the greedy-by-votes rule.

Ballots are approval lists of projects (``ChoiceBallot``), optionally limited to
``max_choices``. The project list is the keys of ``costs``. Invalid (in this order):
empty, overvote, duplicate, unknown project, wrong_kind. Empty ballots are invalid and
take no share of the budget in MES.

Greedy (``pb-greedy``): projects by votes, highest first; a project is funded when its
cost fits in what is left, otherwise skipped, and the walk continues down the list.
Projects with no votes are never funded. A tie matters only when the tied projects do
not all fit; then the tie rule picks which goes first (priority, then lot).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from . import validity
from .ballots import Ballot, ChoiceBallot, Number
from .results import Result, Round
from .ties import TieBreaker, TieRule

SELECT = "select"


@dataclass(frozen=True, slots=True)
class Approvals:
    """Valid approval ballots grouped by project set, with costs as Fractions."""

    projects: tuple[str, ...]
    costs: dict[str, Fraction]
    groups: list[tuple[frozenset[str], int]]
    votes: dict[str, int]
    valid: int
    invalid_reasons: dict[str, int]


def prepare(
    ballots: Iterable[Ballot], costs: Mapping[str, Number], max_choices: int | None
) -> Approvals:
    """Validate and group approval ballots against the project list."""
    for name, cost in costs.items():
        if isinstance(cost, bool) or not isinstance(cost, int | Fraction) or cost < 0:
            raise ValueError(f"cost of {name!r} must be a non-negative number")
    projects = tuple(costs)
    known = frozenset(projects)
    reasons: Counter[str] = Counter()
    groups: Counter[frozenset[str]] = Counter()
    for ballot, n in Counter(ballots).items():
        if not isinstance(ballot, ChoiceBallot):
            reasons[validity.WRONG_KIND] += n
            continue
        reason = validity.check_names(ballot.choices, known, max_choices)
        if reason is not None:
            reasons[reason] += n
            continue
        groups[frozenset(ballot.choices)] += n
    votes = dict.fromkeys(projects, 0)
    for approved, n in groups.items():
        for name in approved:
            votes[name] += n
    return Approvals(
        projects=projects,
        costs={name: Fraction(cost) for name, cost in costs.items()},
        groups=list(groups.items()),
        votes=votes,
        valid=sum(groups.values()),
        invalid_reasons=validity.reason_tally(reasons.items()),
    )


def greedy_fill(
    votes: Mapping[str, int],
    costs: Mapping[str, Fraction],
    budget: Fraction,
    funded: Sequence[str],
    breaker: TieBreaker,
    projects: Sequence[str],
    *,
    round_start: int,
    purpose: str = SELECT,
) -> list[Round]:
    """Fund projects with votes in vote order while they fit; one round per funded project.

    Each round's tallies are the votes of the projects still in the running.
    """
    spent = sum((costs[p] for p in funded), Fraction(0))
    taken = set(funded)
    rounds: list[Round] = []
    position = {p: i for i, p in enumerate(projects)}
    waiting = [p for p in projects if p not in taken and votes[p] > 0]
    by_votes: dict[int, list[str]] = {}
    for p in waiting:
        by_votes.setdefault(votes[p], []).append(p)
    round_no = round_start
    for level in sorted(by_votes, reverse=True):
        group = by_votes[level]
        while group:
            left = budget - spent
            fitting = [p for p in group if costs[p] <= left]
            skipped = [p for p in group if costs[p] > left]
            if not fitting:
                waiting = [q for q in waiting if q not in skipped]
                break
            if sum(costs[p] for p in fitting) <= left:
                chosen = sorted(fitting, key=position.__getitem__)
            else:
                chosen = list(breaker.pick(fitting, 1, round_no=round_no, purpose=purpose))
            for p in chosen:
                tallies = {q: Fraction(votes[q]) for q in projects if q in waiting}
                spent += costs[p]
                waiting.remove(p)
                rounds.append(
                    Round(
                        round_no,
                        tallies,
                        elected=(p,),
                        eliminated=tuple(q for q in skipped if q in waiting),
                        figures={"cost": costs[p], "spent": spent, "left": budget - spent},
                    )
                )
                for q in skipped:
                    if q in waiting:
                        waiting.remove(q)
                skipped = []
                round_no += 1
            group = [p for p in group if p in waiting]
    return rounds


def count_pb_greedy(
    ballots: Iterable[Ballot],
    *,
    costs: Mapping[str, Number],
    budget: Number,
    max_choices: int | None = None,
    tie: TieRule | None = None,
) -> Result:
    """Fund the most-voted projects that fit under ``budget``, skipping those that don't."""
    data = prepare(ballots, costs, max_choices)
    cap = Fraction(budget)
    breaker = TieBreaker(tie)
    rounds = greedy_fill(data.votes, data.costs, cap, [], breaker, data.projects, round_start=1)
    funded = tuple(p for r in rounds for p in r.elected)
    spent = sum((data.costs[p] for p in funded), Fraction(0))
    rule = tie or TieRule()
    return Result(
        method="pb-greedy",
        candidates=data.projects,
        seats=0,
        elected=funded,
        rounds=tuple(rounds)
        or (Round(1, {p: Fraction(v) for p, v in data.votes.items()}, note="nothing funded"),),
        ties=tuple(breaker.records),
        valid=data.valid,
        invalid=sum(data.invalid_reasons.values()),
        invalid_reasons=data.invalid_reasons,
        details={
            "votes": {p: data.votes[p] for p in data.projects},
            "spent": spent,
            "left": cap - spent,
        },
        params={
            "budget": cap,
            "costs": data.costs,
            "max_choices": max_choices,
            "tie_rule": rule.describe(),
        },
    )
