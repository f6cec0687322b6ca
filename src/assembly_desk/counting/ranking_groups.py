"""Shared preparation for ranked counts (IRV, STV): validate and group the rankings.

Grouping identical rankings into (ranking, weight) pairs before any round is what makes
a 100,000-ballot count fast, and since every later step only adds integers, the result
cannot depend on the order the ballots came in.

A ranking is invalid as a whole (not truncated) when, in this order: it has no names
(empty); a rank holds two or more names (overvote); a name appears twice (duplicate);
a name is not on the given candidate list (unknown_candidate). A whole-ballot rule is
easy to explain at a count table and to verify; truncation rules differ by country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from . import candidates as cand
from . import validity
from .ballots import Ballot, RankingBallot


@dataclass(frozen=True, slots=True)
class Prepared:
    """Valid rankings as candidate indices with their multiplicity, plus validity figures."""

    order: tuple[str, ...]
    rankings: list[tuple[int, ...]]
    weights: list[int]
    valid: int
    invalid_reasons: dict[str, int]


def _flatten(ranking: tuple[str | tuple[str, ...], ...]) -> tuple[str, ...] | str:
    """Turn positions into names, or return the reason the ranking is invalid."""
    if tuple not in set(map(type, ranking)):  # the common case, checked in C
        return ranking  # type: ignore[return-value]
    names: list[str] = []
    for position in ranking:
        if isinstance(position, tuple):
            if len(position) > 1:
                return validity.OVERVOTE
            if not position:
                continue  # a skipped rank carries no preference
            names.append(position[0])
        else:
            names.append(position)
    return tuple(names)


def prepare(ballots: Iterable[Ballot], candidates: Sequence[str] | None) -> Prepared:
    """Validate and group ranking ballots (see the module docstring for the rule)."""
    grouped = Counter(ballots)
    flat: Counter[tuple[str, ...]] = Counter()
    reasons: Counter[str] = Counter()
    for ballot, n in grouped.items():
        if not isinstance(ballot, RankingBallot):
            reasons[validity.WRONG_KIND] += n
            continue
        names = _flatten(ballot.ranking)
        if isinstance(names, str):
            reasons[names] += n
            continue
        flat[names] += n
    found = chain.from_iterable(flat)
    order, known = cand.resolve(candidates, found)
    index = {name: i for i, name in enumerate(order)}
    rankings: list[tuple[int, ...]] = []
    weights: list[int] = []
    valid = 0
    for names, n in flat.items():
        reason = validity.check_names(names, known, None)
        if reason is not None:
            reasons[reason] += n
            continue
        rankings.append(tuple(map(index.__getitem__, names)))
        weights.append(n)
        valid += n
    return Prepared(order, rankings, weights, valid, validity.reason_tally(reasons.items()))
