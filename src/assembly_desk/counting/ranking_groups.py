"""Shared preparation for ranked counts (IRV, STV): validate and group the rankings.

Grouping identical rankings into (ranking, weight) pairs before any round is what makes
a 100,000-ballot count fast, and since every later step only adds integers, the result
cannot depend on the order the ballots came in.

A ranking is invalid as a whole, first matching reason: a rank holds two or more names
(``overvote``, under ``overvote=invalidate``); it has no names (``empty``); a name
appears at two ranks (``duplicate``, under ``duplicates=invalidate``); a name is not on
the given candidate list (``unknown_candidate``). With the default rules that is the
whole-ballot rule we always had. The other rules (:mod:`.slips`) keep the ballot valid
and let it count until the slip, where it exhausts or passes over the slip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from . import candidates as cand
from . import validity
from .ballots import Ballot, RankingBallot
from .slips import Position, SlipRules, has_overvote, marks_of, walk


@dataclass(frozen=True, slots=True)
class Prepared:
    """Valid rankings as candidate indices with their multiplicity, plus validity figures.

    ``stops[i]`` names the rule that exhausts ranking ``i`` once it runs out of
    candidates ("" when it simply has no further preference); a ranking may be empty
    when a slip stops it before any candidate (it is valid and exhausted from round 1).
    """

    order: tuple[str, ...]
    rankings: list[tuple[int, ...]]
    weights: list[int]
    valid: int
    invalid_reasons: dict[str, int]
    stops: list[str]

    @property
    def exhausted_at_start(self) -> dict[str, int]:
        """Ballots that count for nobody from round 1, by the rule that stopped them."""
        out: Counter[str] = Counter()
        for ranking, weight, stop in zip(self.rankings, self.weights, self.stops, strict=True):
            if not ranking:
                out[stop] += weight
        return dict(out)


def _marked(ranking: tuple[Position, ...]) -> tuple[str, ...]:
    """Every name marked anywhere on the paper (overvoted ranks included)."""
    if tuple not in set(map(type, ranking)):  # the common case, checked in C
        return ranking  # type: ignore[return-value]
    return tuple(chain.from_iterable(map(marks_of, ranking)))


def prepare(
    ballots: Iterable[Ballot],
    candidates: Sequence[str] | None,
    rules: SlipRules | None = None,
) -> Prepared:
    """Validate and group ranking ballots (see the module docstring for the rule)."""
    rules = rules or SlipRules()
    grouped = Counter(ballots)
    papers: Counter[tuple[Position, ...]] = Counter()
    reasons: Counter[str] = Counter()
    for ballot, n in grouped.items():
        if not isinstance(ballot, RankingBallot):
            reasons[validity.WRONG_KIND] += n
            continue
        if rules.overvote == "invalidate" and has_overvote(ballot.ranking):
            reasons[validity.OVERVOTE] += n
            continue
        papers[ballot.ranking] += n
    found = chain.from_iterable(map(_marked, papers))
    order, known = cand.resolve(candidates, found)
    index = {name: i for i, name in enumerate(order)}
    read: Counter[tuple[tuple[int, ...], str]] = Counter()
    valid = 0
    for ranking, n in papers.items():
        names = _marked(ranking)
        reason = validity.check_names(names, known, None)
        if reason == validity.DUPLICATE and rules.duplicates != "invalidate":
            reason = validity.check_names(tuple(dict.fromkeys(names)), known, None)
        if reason is not None:
            reasons[reason] += n
            continue
        if names is ranking and rules.duplicates == "invalidate":
            counted, stop = names, ""  # plain names, no repeat: nothing to walk
        else:
            counted, stop = walk(ranking, rules)
        read[(tuple(map(index.__getitem__, counted)), stop)] += n
        valid += n
    rankings = [r for r, _ in read]
    stops = [s for _, s in read]
    return Prepared(
        order,
        rankings,
        list(read.values()),
        valid,
        validity.reason_tally(reasons.items()),
        stops,
    )
