import random
from fractions import Fraction

import pytest
from helpers import choices

from assembly_desk.counting import ChoiceBallot, TieRule, count_mes, count_pb_greedy


def test_greedy_skips_what_does_not_fit_and_continues() -> None:
    costs = {"park": 60, "library": 50, "bench": 10, "lights": 30}
    ballots = choices((5, "park library"), (4, "library bench"), (3, "lights"), (1, "bench"))
    r = count_pb_greedy(ballots, costs=costs, budget=100)
    # library 9; park 5 and bench 5 tie but park (60) no longer fits in 50; lights 3
    assert r.elected[0] == "library"
    assert "park" not in r.elected
    assert r.elected == ("library", "bench", "lights")
    assert r.details["spent"] == 90


def test_greedy_tie_only_when_it_matters() -> None:
    costs = {"a": 60, "b": 60}
    ballots = choices((2, "a"), (2, "b"))
    with pytest.raises(ValueError):
        count_pb_greedy(ballots, costs=costs, budget=100)
    r = count_pb_greedy(ballots, costs=costs, budget=100, tie=TieRule(priority=("b",)))
    assert r.elected == ("b",) and r.ties[0].rules == ("priority",)
    assert count_pb_greedy(ballots, costs=costs, budget=120).ties == ()


def test_mes_hand_checked() -> None:
    # 4 voters, budget 100: 25 each. X (cost 40) by v1 v2 v3 -> rho 40/3;
    # Y (cost 50) by v4 only -> unaffordable; Z (cost 30) by v1 v4 -> rho 15.
    ballots = [
        ChoiceBallot(("X", "Z")),
        ChoiceBallot(("X",)),
        ChoiceBallot(("X",)),
        ChoiceBallot(("Y", "Z")),
    ]
    r = count_mes(ballots, costs={"X": 40, "Y": 50, "Z": 30}, budget=100, increment=None)
    assert r.elected == ("X", "Z")
    assert r.rounds[0].tallies == {"X": Fraction(40, 3), "Z": 15}
    # after X, v1 has 25 - 40/3 = 35/3 < 15: v1 pays all, v4 pays 30 - 35/3 = 55/3
    assert r.rounds[1].tallies == {"Z": Fraction(55, 3)}
    assert r.rounds[0].eliminated == ("Y",)


def test_mes_invalid_and_empty() -> None:
    r = count_mes(
        [ChoiceBallot(()), ChoiceBallot(("Q",)), ChoiceBallot(("X",))],
        costs={"X": 10},
        budget=10,
    )
    assert r.valid == 1 and r.invalid_reasons == {"empty": 1, "unknown_candidate": 1}
    assert r.elected == ("X",)


def _pabutools_outcome(ballots, costs, budget, sat, increment, greedy):  # type: ignore[no-untyped-def]
    pab = pytest.importorskip("pabutools")
    del pab
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
        Instance,
        Project,
    )
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    projects = {p: Project(p, c) for p, c in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot([projects[x] for x in b.choices]) for b in ballots])
    sat_class = Cardinality_Sat if sat == "cardinality" else Cost_Sat
    if greedy:
        out = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [
                {"sat_class": sat_class, "voter_budget_increment": increment},
                {"sat_class": Cost_Sat},
            ],
        )
    else:
        out = method_of_equal_shares(
            instance, profile, sat_class=sat_class, voter_budget_increment=increment
        )
    return {p.name for p in out}


@pytest.mark.parametrize("seed", range(60))
def test_mes_matches_pabutools(seed: int) -> None:
    pytest.importorskip("pabutools")
    rnd = random.Random(seed)
    n_projects = rnd.randint(2, 8)
    costs = {f"p{i}": rnd.randint(1, 20) * 10 for i in range(n_projects)}
    budget = rnd.randint(50, 300)
    ballots = [
        ChoiceBallot(tuple(rnd.sample(sorted(costs), rnd.randint(1, n_projects))))
        for _ in range(rnd.randint(1, 25))
    ]
    # pabutools' greedy funds projects nobody voted for; ours never does (documented).
    for p in costs:
        ballots.append(ChoiceBallot((p,)))
    sat = rnd.choice(["cardinality", "cost"])
    increment = rnd.choice([None, 1, 5])
    greedy = rnd.random() < 0.5
    ours = count_mes(
        ballots,
        costs=costs,
        budget=budget,
        satisfaction=sat,
        increment=increment,
        greedy=greedy,
        tie=TieRule(priority=tuple(sorted(costs))),  # pabutools: lexicographic
    )
    assert set(ours.elected) == _pabutools_outcome(ballots, costs, budget, sat, increment, greedy)
    assert sum(Fraction(costs[p]) for p in ours.elected) <= budget
