"""The exact MES completion against the unit-step completion it replaces.

``mes_reference.reference_mes`` is the previous implementation (one rerun per step).
The fast code must give the very same result for a recorded ``increment`` (a signed
bundle recounts the same), and the exact completion (``increment`` 0, the default)
must fund what the unit step funds wherever the unit step finishes.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

import pytest
from mes_reference import reference_mes

from assembly_desk.counting import ChoiceBallot, CountOptions, TieRule, count, count_mes
from assembly_desk.counting.mes import _simplest


def _instance(seed: int, scale: int) -> tuple[list[ChoiceBallot], dict[str, int], int]:
    rnd = random.Random(seed)
    names = [f"p{i}" for i in range(rnd.randint(2, 7))]
    costs = {p: rnd.randint(1, 20) * scale for p in names}
    ballots = [
        ChoiceBallot(tuple(rnd.sample(names, rnd.randint(1, len(names)))))
        for _ in range(rnd.randint(1, 12))
    ]
    budget = rnd.randint(1, sum(costs.values())) * scale // 2 + scale
    return ballots, costs, budget


@pytest.mark.parametrize("seed", range(150))
def test_recorded_increment_recounts_exactly_as_before(seed: int) -> None:
    ballots, costs, budget = _instance(seed, 1)
    rnd = random.Random(-seed)
    options = {
        "satisfaction": rnd.choice(["cardinality", "cost"]),
        "increment": rnd.choice([1, 2, Fraction(1, 3)]),
        "greedy": rnd.random() < 0.5,
        "tie": TieRule(seed="dice 3 5 2"),
    }
    ours = count_mes(ballots, costs=costs, budget=budget, **options)  # type: ignore[arg-type]
    before = reference_mes(ballots, costs=costs, budget=budget, **options)  # type: ignore[arg-type]
    assert ours == before  # same funded, rounds, rho figures, share, runs and ties


def _wide_instance(seed: int) -> tuple[list[ChoiceBallot], dict[str, int], int, str]:
    """More voters than projects: later rounds where a rival can overtake the winner."""
    rnd = random.Random(seed)
    names = [f"p{i}" for i in range(rnd.randint(3, 8))]
    costs = {p: rnd.randint(1, 30) for p in names}
    ballots = [
        ChoiceBallot(tuple(rnd.sample(names, rnd.randint(1, len(names)))))
        for _ in range(rnd.randint(3, 25))
    ]
    budget = rnd.randint(1, sum(costs.values()))
    return ballots, costs, budget, rnd.choice(["cardinality", "cost"])


# 1615 and 2088: a rival becomes as cheap as a later round's winner before any other
# change (caught only by the tangent bound of mes_pass).
@pytest.mark.parametrize("seed", [1615, 2088, *range(60)])
def test_recorded_increment_recounts_as_before_with_many_voters(seed: int) -> None:
    ballots, costs, budget, sat = _wide_instance(seed)
    options = {"satisfaction": sat, "increment": 1, "tie": TieRule(seed="s")}
    ours = count_mes(ballots, costs=costs, budget=budget, **options)  # type: ignore[arg-type]
    before = reference_mes(ballots, costs=costs, budget=budget, **options)  # type: ignore[arg-type]
    assert ours == before


@pytest.mark.parametrize("seed", range(150))
def test_exact_completion_funds_what_the_unit_step_funds(seed: int) -> None:
    # Costs in thousands of won: the unit step (1 won) is fine-grained, as in real budgets.
    ballots, costs, budget = _instance(seed, 1000)
    sat = random.Random(seed).choice(["cardinality", "cost"])
    tie = TieRule(priority=tuple(sorted(costs, reverse=True)))
    exact = count_mes(ballots, costs=costs, budget=budget, satisfaction=sat, increment=0, tie=tie)
    step = reference_mes(
        ballots, costs=costs, budget=budget, satisfaction=sat, increment=1, tie=tie
    )
    assert exact.elected == step.elected
    assert exact.details["spent"] <= budget


def test_the_product_default_is_the_exact_completion_with_greedy_fill() -> None:
    assert CountOptions().increment == 0 and CountOptions().greedy
    ballots = [ChoiceBallot(("a", "b")), ChoiceBallot(("a",)), ChoiceBallot(("c",))]
    r = count("mes", ballots, CountOptions(costs={"a": 30, "b": 40, "c": 50}, budget=100))
    assert r.params["increment"] == 0


def test_real_budget_in_won_is_counted_in_well_under_a_second() -> None:
    # As in the issue: 5 ballots, 7,000,000 won; the unit step needs 575,001 passes here.
    costs = {"도서관": 3_700_000, "놀이터": 2_200_000, "가로등": 3_400_000, "쉼터": 3_800_000}
    ballots = [
        ChoiceBallot(("도서관", "놀이터")),
        ChoiceBallot(("쉼터", "놀이터", "가로등")),
        ChoiceBallot(("가로등", "쉼터")),
        ChoiceBallot(("놀이터",)),
        ChoiceBallot(("놀이터", "도서관")),
    ]
    plain = count_mes(ballots, costs=costs, budget=7_000_000, increment=None)
    started = time.perf_counter()
    exact = count_mes(ballots, costs=costs, budget=7_000_000, increment=0)
    steps = count_mes(ballots, costs=costs, budget=7_000_000, increment=1)
    assert time.perf_counter() - started < 1.0
    assert plain.elected == ("놀이터",)  # plain MES leaves 4,800,000 won unspent
    assert exact.elected == steps.elected == ("놀이터", "가로등")
    assert exact.details["mes_runs"] < 10
    assert steps.details["mes_runs"] == 575_001  # as many as the unit step would rerun
    assert steps.details["share_per_voter"] == 1_975_000


def test_negative_increment_is_refused() -> None:
    with pytest.raises(ValueError):
        count_mes([ChoiceBallot(("a",))], costs={"a": 1}, budget=1, increment=-1)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (Fraction(3, 2), None, Fraction(2)),
        (Fraction(2), Fraction(5, 2), Fraction(7, 3)),
        (Fraction(1, 3), Fraction(1, 2), Fraction(2, 5)),
        (Fraction(1_400_000), Fraction(2_800_001, 2), Fraction(4_200_001, 3)),
    ],
)
def test_reported_share_is_the_simplest_number_inside_the_interval(
    lo: Fraction, hi: Fraction | None, expected: Fraction
) -> None:
    assert _simplest(lo, hi) == expected
