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

Validity is a fact of the paper, so it is decided once per *distinct* ranking, never per
ballot: the rankings are grouped first (a ``Counter`` over the raw tuples), then each
distinct one is read. When every rank on every paper is a single name (the app's own
ballots, and most paper counts) no slip rule can apply, and the checks that remain
(nothing marked, a repeated name, a name off the list) run as whole-list passes in C;
only the few rankings they flag go through the rank-by-rank reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import attrgetter, eq, not_

from . import candidates as cand
from . import validity
from .ballots import Ballot, RankingBallot
from .slips import Position, SlipRules, has_overvote, marks_of, walk

_RANKING = attrgetter("ranking")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Valid rankings as candidate indices with their multiplicity, plus validity figures.

    ``stops[i]`` names the rule that exhausts ranking ``i`` once it runs out of
    candidates ("" when it simply has no further preference); a ranking may be empty
    when a slip stops it before any candidate (it is valid and exhausted from round 1).
    ``exhausted_at_start`` counts those, by the rule that stopped them.
    """

    order: tuple[str, ...]
    rankings: list[tuple[int, ...]]
    weights: list[int]
    valid: int
    invalid_reasons: dict[str, int]
    stops: list[str]
    exhausted_at_start: dict[str, int]


def _marked(ranking: tuple[Position, ...]) -> tuple[str, ...]:
    """Every name marked anywhere on the paper (overvoted ranks included)."""
    if tuple not in set(map(type, ranking)):  # the common case, checked in C
        return ranking  # type: ignore[return-value]
    return tuple(chain.from_iterable(map(marks_of, ranking)))


def _group(ballots: Iterable[Ballot]) -> tuple[Counter[tuple[Position, ...]], Counter[str]]:
    """Distinct rankings with their counts, and the ballots of another kind (invalid)."""
    items = ballots if isinstance(ballots, list | tuple) else list(ballots)
    if set(map(type, items)) <= {RankingBallot}:  # one C pass; then hash tuples, not ballots
        return Counter(map(_RANKING, items)), Counter()
    papers: Counter[tuple[Position, ...]] = Counter()
    reasons: Counter[str] = Counter()
    for ballot, n in Counter(items).items():
        if isinstance(ballot, RankingBallot):
            papers[ballot.ranking] += n
        else:
            reasons[validity.WRONG_KIND] += n
    return papers, reasons


def _read(
    ranking: tuple[Position, ...], known: frozenset[str] | None, rules: SlipRules
) -> tuple[tuple[str, ...], str] | str:
    """One distinct paper, rank by rank: the names it counts for and its stop, or the
    reason it is invalid."""
    names = _marked(ranking)
    reason = validity.check_names(names, known, None)
    if reason == validity.DUPLICATE and rules.duplicates != "invalidate":
        reason = validity.check_names(tuple(dict.fromkeys(names)), known, None)
    if reason is not None:
        return reason
    if names is ranking and rules.duplicates == "invalidate":
        return names, ""  # plain names, no repeat: nothing to walk
    return walk(ranking, rules)


def _plain(
    papers: Counter[tuple[Position, ...]], allowed: frozenset[str], all_allowed: bool
) -> tuple[list[tuple[Position, ...]], list[int], list[tuple[Position, ...]]]:
    """Split papers of single names into the clean ones (some name, no repeat, all on
    the list) with their counts, and the rest; every test is a whole-list pass in C, and
    the list test only runs when some name on some paper is off the list."""
    keys = list(papers)
    ok = list(map(eq, map(len, keys), map(len, map(frozenset, keys))))
    if not all_allowed:
        ok = list(map(bool.__and__, ok, map(allowed.issuperset, keys)))
    if () in papers:
        ok[keys.index(())] = False
    if all(ok):
        return keys, list(papers.values()), []
    clean = list(compress(keys, ok))
    return clean, list(compress(papers.values(), ok)), list(compress(keys, map(not_, ok)))


def prepare(
    ballots: Iterable[Ballot],
    candidates: Sequence[str] | None,
    rules: SlipRules | None = None,
) -> Prepared:
    """Validate and group ranking ballots (see the module docstring for the rule)."""
    rules = rules or SlipRules()
    papers, reasons = _group(ballots)
    distinct_marks = set(chain.from_iterable(papers))
    plain = all(type(mark) is str for mark in distinct_marks)  # no rank is a list of names
    if not plain and rules.overvote == "invalidate":
        for ranking in [r for r in papers if has_overvote(r)]:
            reasons[validity.OVERVOTE] += papers.pop(ranking)
    found = distinct_marks if plain else chain.from_iterable(map(_marked, papers))
    order, known = cand.resolve(candidates, found)  # type: ignore[arg-type]
    lookup = {name: i for i, name in enumerate(order)}.__getitem__
    if plain:
        allowed = frozenset(order) if known is None else known
        clean, weights, rest = _plain(papers, allowed, distinct_marks <= allowed)
    else:
        clean, weights, rest = [], [], list(papers)
    # names -> indices, every paper in one C pass (clean papers hold names only)
    rankings: list[tuple[int, ...]] = list(
        map(tuple, map(map, repeat(lookup), clean))  # type: ignore[arg-type]
    )
    valid = sum(weights)
    stops = [""] * len(rankings)
    at_start: Counter[str] = Counter()
    read: Counter[tuple[tuple[int, ...], str]] = Counter()
    for ranking in rest:
        n = papers[ranking]
        outcome = _read(ranking, known, rules)
        if isinstance(outcome, str):
            reasons[outcome] += n
            continue
        counted, stop = outcome
        read[(tuple(map(lookup, counted)), stop)] += n
        valid += n
        if not counted:
            at_start[stop] += n
    if read:  # a read paper may equal a clean one (a skipped repeat): keep one group each
        read.update(dict(zip(zip(rankings, stops, strict=True), weights, strict=True)))
        rankings = [r for r, _ in read]
        stops = [s for _, s in read]
        weights = list(read.values())
    return Prepared(
        order,
        rankings,
        weights,
        valid,
        validity.reason_tally(reasons.items()),
        stops,
        dict(at_start),
    )
