from fractions import Fraction

import pytest
from helpers import rankings

from assembly_desk.counting import (
    RankingBallot,
    TieRule,
    count_irv,
    count_stv,
    droop_quota,
    to_json_dict,
)

TENNESSEE = rankings(
    (42, "Memphis Nashville Chattanooga Knoxville"),
    (26, "Nashville Chattanooga Knoxville Memphis"),
    (15, "Chattanooga Knoxville Nashville Memphis"),
    (17, "Knoxville Chattanooga Nashville Memphis"),
)

# Wikipedia, "Single transferable vote", food at a party: 20 voters, 3 seats.
FOOD = rankings(
    (4, "Oranges"),
    (2, "Pears Oranges"),
    (8, "Chocolate Strawberries"),
    (4, "Chocolate Bonbons"),
    (1, "Strawberries"),
    (1, "Bonbons"),
)


def test_irv_tennessee() -> None:
    r = count_irv(TENNESSEE)
    assert r.elected == ("Knoxville",)
    assert [x.eliminated for x in r.rounds] == [("Chattanooga",), ("Nashville",), ()]
    assert r.rounds[1].tallies == {"Knoxville": 32, "Memphis": 42, "Nashville": 26}
    assert r.rounds[1].transfers[0].to == {"Knoxville": 26}
    assert r.rounds[2].tallies["Knoxville"] == 58


def test_stv_wikipedia_food() -> None:
    r = count_stv(FOOD, seats=3)
    assert r.quota == 6 == droop_quota(20, 3)
    assert r.elected == ("Chocolate", "Oranges", "Strawberries")
    surplus = r.rounds[0].transfers[0]
    assert (surplus.kind, surplus.source, surplus.value) == ("surplus", "Chocolate", Fraction(1, 2))
    assert surplus.to == {"Strawberries": 4, "Bonbons": 2}
    assert r.rounds[1].tallies["Strawberries"] == 5
    assert r.rounds[1].eliminated == ("Pears",)
    assert r.rounds[2].elected == ("Oranges",)


def test_stv_truncates_transfer_values_to_five_decimals() -> None:
    ballots = rankings((3, "A B"), (1, "A C"), (2, "B"), (2, "C"))
    # quota 8 // 3 + 1 = 3; A has 4, surplus 1 over 4 papers: value 0.25 each
    r = count_stv(ballots, seats=2)
    assert r.rounds[0].transfers[0].value == Fraction(1, 4)
    ballots = rankings((2, "A B"), (1, "A C"), (1, "B"), (1, "C"))
    # quota 5 // 3 + 1 = 2; A has 3, surplus 1/3 -> 0.33333 per paper
    r = count_stv(ballots, seats=2)
    t = r.rounds[0].transfers[0]
    assert t.value == Fraction(33333, 100000)
    assert t.to == {"B": Fraction(66666, 100000), "C": Fraction(33333, 100000)}
    assert t.loss == Fraction(1, 100000)


def test_stv_fills_seats_when_continuing_equal_vacancies() -> None:
    r = count_stv(rankings((5, "A"), (1, "B")), seats=2, candidates=["A", "B"])
    assert r.elected == ("A", "B")


def test_ranked_invalid_rules() -> None:
    ballots = [
        RankingBallot(("A", "B")),
        RankingBallot(("A", "A")),
        RankingBallot(("A", ("B", "C"))),
        RankingBallot(()),
        RankingBallot(("A", "X")),
        RankingBallot((("B",), (), "A")),
    ]
    r = count_irv(ballots, candidates=["A", "B", "C"], tie=TieRule(seed="s"))
    assert r.valid == 2
    assert r.invalid_reasons == {
        "duplicate": 1,
        "empty": 1,
        "overvote": 1,
        "unknown_candidate": 1,
    }


def test_backwards_tie_break_looks_at_previous_round() -> None:
    # Round 1: A 5, B 4, C 3, D 2. D -> C: C 5 ... build a tie in round 2 between B and C
    ballots = rankings((6, "A"), (4, "B"), (3, "C"), (1, "D C"), (2, "E"))
    # r1: A6 B4 C3 E2 D1 -> D out -> C4; r2: A6 B4 C4 E2 -> E out (exhausts)
    # r3: A6 B4 C4: tie B/C; round 2 equal, round 1 B4 > C3, so C goes
    r = count_irv(ballots)
    tie = r.ties[0]
    assert tie.tied == ("B", "C") and tie.rules == ("previous_rounds",)
    assert tie.chosen == ("C",)


def test_priority_then_lot_recorded_in_json() -> None:
    ballots = rankings((3, "A"), (2, "B"), (2, "C"))
    r = count_irv(ballots, tie=TieRule(priority=("B",)))
    assert r.ties[0].chosen == ("C",) and r.ties[0].rules == ("priority",)
    r = count_irv(ballots, tie=TieRule(seed="2024-05-01 dice 4 4 2"))
    data = to_json_dict(r)
    assert data["ties"][0]["rules"] == ["lot"]
    assert data["params"]["tie_rule"]["seed_commitment"]


def test_zero_valid_ballots_elects_nobody() -> None:
    r = count_stv([RankingBallot(())], seats=2, candidates=["A", "B", "C"])
    assert r.elected == () and r.invalid == 1
    assert count_irv([], candidates=["A", "B"]).elected == ()


def test_stv_rejects_zero_seats() -> None:
    with pytest.raises(ValueError):
        count_stv(FOOD, seats=0)
