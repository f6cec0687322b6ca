"""Hypothesis properties: determinism, ballot-order independence, STV(1) == IRV."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from assembly_desk.counting import (
    ChoiceBallot,
    RankingBallot,
    TieRule,
    count,
    count_irv,
    count_stv,
    to_json_dict,
)
from assembly_desk.counting.methods import CountOptions

NAMES = ["A", "B", "C", "D", "E"]
TIE = TieRule(seed="property seed")

rankings = st.lists(
    st.permutations(NAMES).flatmap(
        lambda p: st.integers(0, len(p)).map(lambda k: RankingBallot(tuple(p[:k])))
    ),
    max_size=40,
)
approvals = st.lists(
    st.sets(st.sampled_from(NAMES)).map(lambda s: ChoiceBallot(tuple(sorted(s)))), max_size=40
)


@settings(max_examples=150, deadline=None)
@given(rankings)
def test_stv_one_seat_equals_irv(ballots: list[RankingBallot]) -> None:
    irv = count_irv(ballots, candidates=NAMES, tie=TIE)
    stv = count_stv(ballots, seats=1, candidates=NAMES, tie=TIE)
    assert irv.elected == stv.elected


@settings(max_examples=80, deadline=None)
@given(rankings, st.integers(1, 3), st.randoms(use_true_random=False))
def test_ranked_results_ignore_ballot_order(
    ballots: list[RankingBallot], seats: int, rnd: random.Random
) -> None:
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    for method in ("irv", "stv"):
        options = CountOptions(seats=seats, candidates=NAMES, tie=TIE)
        first = to_json_dict(count(method, ballots, options))
        again = to_json_dict(count(method, ballots, options))
        assert first == again  # recount reproduces every round
        assert first == to_json_dict(count(method, shuffled, options))


@settings(max_examples=60, deadline=None)
@given(approvals, st.randoms(use_true_random=False))
def test_choice_methods_ignore_ballot_order(
    ballots: list[ChoiceBallot], rnd: random.Random
) -> None:
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    costs = dict(zip(NAMES, (30, 20, 50, 10, 40), strict=True))
    for method in ("plurality", "approval", "choose", "pb-greedy", "mes"):
        options = CountOptions(
            seats=2, max_choices=3, candidates=NAMES, costs=costs, budget=80, tie=TIE
        )
        first = to_json_dict(count(method, ballots, options))
        assert first == to_json_dict(count(method, shuffled, options))


@settings(max_examples=60, deadline=None)
@given(rankings)
def test_stv_accounts_for_every_vote(ballots: list[RankingBallot]) -> None:
    r = count_stv(ballots, seats=2, candidates=NAMES, tie=TIE)
    loss = sum((t.loss for x in r.rounds for t in x.transfers), start=0)
    for x in r.rounds:
        assert (
            sum(x.tallies.values())
            + x.exhausted
            + sum((t.loss for y in r.rounds if y.number < x.number for t in y.transfers), start=0)
            == r.valid
        )
    assert loss >= 0
    assert len(r.elected) == (min(2, len(NAMES)) if r.valid else 0)
