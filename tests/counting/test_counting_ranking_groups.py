"""Grouping and validation of ranked ballots, against a reader that judges each ballot alone.

``prepare`` groups the raw rankings first and reads each distinct one once; papers of
single names take whole-list checks, the rest the rank-by-rank reader. Whatever the
path, the outcome must be what reading every ballot on its own gives: the same
candidate list, valid count, reasons, and (ranking, stop) groups, each group once.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from itertools import product

import pytest

from assembly_desk.counting import ChoiceBallot, RankingBallot, YesNoBallot, count_irv
from assembly_desk.counting.ballots import Ballot
from assembly_desk.counting.ranking_groups import Prepared, prepare
from assembly_desk.counting.slips import (
    DUPLICATE_RULES,
    OVERVOTE_RULES,
    SlipRules,
    marks_of,
    walk,
)


def _judge(ballot: Ballot, known: set[str] | None, rules: SlipRules) -> str | tuple[str, ...]:
    """One ballot's reason (a str), or its candidates and stop as a tuple (documented order:
    another kind, overvote, empty, duplicate, unknown name)."""
    if not isinstance(ballot, RankingBallot):
        return "wrong_kind"
    names = [n for p in ballot.ranking for n in marks_of(p)]
    if rules.overvote == "invalidate" and any(len(marks_of(p)) > 1 for p in ballot.ranking):
        return "overvote"
    if not names:
        return "empty"
    if len(set(names)) != len(names):
        if rules.duplicates == "invalidate":
            return "duplicate"
        names = list(dict.fromkeys(names))
    if any(type(n) is not str for n in names) or (known is not None and not set(names) <= known):
        return "unknown_candidate"
    counted, stop = walk(ballot.ranking, rules)
    return (*counted, stop)


def _expected(
    ballots: Sequence[Ballot], candidates: Sequence[str] | None, rules: SlipRules
) -> tuple[tuple[str, ...], Counter[str], Counter[tuple[str, ...]]]:
    if candidates is None:
        seen = {
            n
            for b in ballots
            if _judge(b, None, rules) not in ("wrong_kind", "overvote")
            for p in b.ranking  # type: ignore[union-attr]
            for n in marks_of(p)
            if type(n) is str
        }
        order = tuple(sorted(seen))
        known = None
    else:
        order, known = tuple(candidates), set(candidates)
    reasons: Counter[str] = Counter()
    groups: Counter[tuple[str, ...]] = Counter()
    for ballot in ballots:
        outcome = _judge(ballot, known, rules)
        if isinstance(outcome, str):
            reasons[outcome] += 1
        else:
            groups[outcome] += 1
    return order, reasons, groups


def _got(prep: Prepared) -> Counter[tuple[str, ...]]:
    keys = [
        (*(prep.order[i] for i in r), s) for r, s in zip(prep.rankings, prep.stops, strict=True)
    ]
    assert len(set(keys)) == len(keys), "a (ranking, stop) appears in two groups"
    assert all(w > 0 for w in prep.weights)
    return Counter(dict(zip(keys, prep.weights, strict=True)))


def _plain_ballot(rng: random.Random) -> Ballot:
    roll = rng.random()
    if roll < 0.03:
        return YesNoBallot("yes")
    if roll < 0.05:
        return ChoiceBallot(("A",))
    return RankingBallot(
        tuple(rng.choice("ABCDZ" if roll < 0.2 else "ABCD") for _ in range(rng.randint(0, 5)))
    )


def _slip_ballot(rng: random.Random) -> Ballot:
    ranks: list[str | tuple[str, ...]] = []
    for _ in range(rng.randint(0, 5)):
        roll = rng.random()
        if roll < 0.15:
            ranks.append(())
        elif roll < 0.3:
            ranks.append(tuple(rng.sample("ABCDZ", 2)))
        elif roll < 0.35:
            ranks.append((rng.choice("ABCD"),))
        else:
            ranks.append(rng.choice("ABCD"))
    return RankingBallot(tuple(ranks))


@pytest.mark.parametrize(
    ("overvote", "skipped", "duplicates"),
    list(product(OVERVOTE_RULES, ("allow", "exhaust", "1"), DUPLICATE_RULES)),
)
def test_grouping_equals_judging_each_ballot_alone(
    overvote: str, skipped: str, duplicates: str
) -> None:
    rules = SlipRules(overvote, skipped, duplicates)
    rng = random.Random(f"{overvote}/{skipped}/{duplicates}")
    for trial in range(40):
        make = _plain_ballot if trial % 2 else _slip_ballot
        ballots = [make(rng) for _ in range(rng.randint(0, 60))]
        if trial % 4 < 2:  # some boxes hold ranked ballots only: the one-pass grouping
            ballots = [b for b in ballots if isinstance(b, RankingBallot)]
        candidates = None if trial % 3 == 0 else ["A", "B", "C", "D"]
        order, reasons, groups = _expected(ballots, candidates, rules)
        prep = prepare(iter(ballots) if trial % 5 == 0 else ballots, candidates, rules)
        assert prep.order == order
        assert prep.invalid_reasons == dict(sorted(reasons.items()))
        assert prep.valid == groups.total()
        assert _got(prep) == groups
        at_start = Counter({g[-1]: n for g, n in groups.items() if len(g) == 1})
        assert prep.exhausted_at_start == dict(at_start)


def test_a_skipped_repeat_joins_the_group_of_the_same_ranking() -> None:
    ballots = [RankingBallot(("A", "B"))] * 3 + [RankingBallot(("A", "B", "A"))] * 2
    prep = prepare(ballots, None, SlipRules(duplicates="skip"))
    assert prep.rankings == [(0, 1)] and prep.weights == [5] and prep.stops == [""]


def test_names_off_the_list_are_found_on_single_name_papers() -> None:
    ballots = [RankingBallot(("A", "B"))] * 3 + [RankingBallot(("B", "X"))] * 2
    result = count_irv(ballots, candidates=["A", "B"])
    assert result.invalid_reasons == {"unknown_candidate": 2} and result.valid == 3
    assert result.elected == ("A",)
    result = count_irv([*ballots, RankingBallot(("B", "B"))], candidates=["A", "B", "X"])
    assert result.invalid_reasons == {"duplicate": 1} and result.valid == 5
