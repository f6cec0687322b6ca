import pytest
from helpers import choices

from assembly_desk.counting import (
    ChoiceBallot,
    RankingBallot,
    TieNeedsLotError,
    TieRule,
    count_approval,
    count_choose,
    count_plurality,
)


def test_plurality_with_invalid_ballots() -> None:
    ballots = [
        *choices((5, "A"), (3, "B"), (2, "A B"), (1, "Z")),
        ChoiceBallot(()),
        RankingBallot(("A",)),
    ]
    r = count_plurality(ballots, candidates=["A", "B", "C"])
    assert r.elected == ("A",)
    assert r.rounds[0].tallies == {"A": 5, "B": 3, "C": 0}
    assert (r.valid, r.invalid) == (8, 5)
    assert r.invalid_reasons == {
        "empty": 1,
        "overvote": 2,
        "unknown_candidate": 1,
        "wrong_kind": 1,
    }


def test_approval_two_seats_and_duplicates() -> None:
    ballots = choices((4, "A B"), (3, "B C"), (2, "C"), (1, "A A"))
    r = count_approval(ballots, seats=2)
    assert r.elected == ("B", "C")  # B 7, C 5, A 4
    assert r.invalid_reasons == {"duplicate": 1}


def test_choose_n_overvote() -> None:
    ballots = choices((3, "A B"), (2, "B C"), (1, "A B C"))
    r = count_choose(ballots, max_choices=2, seats=2)
    assert r.elected == ("B", "A")
    assert r.invalid_reasons == {"overvote": 1}


def test_boundary_tie_uses_priority_then_lot() -> None:
    ballots = choices((3, "A"), (2, "B"), (2, "C"))
    r = count_plurality(ballots, seats=2, tie=TieRule(priority=("C", "B")))
    assert r.elected == ("A", "C")
    assert r.ties[0].rules == ("priority",) and r.ties[0].chosen == ("C",)
    with pytest.raises(TieNeedsLotError):
        count_plurality(ballots, seats=2)
    r = count_plurality(ballots, seats=2, tie=TieRule(seed="dice 3 5 1"))
    assert r.ties[0].rules == ("lot",)
    assert r.ties[0].lot_order and r.elected[1] == r.ties[0].chosen[0]


def test_tie_inside_elected_part_needs_no_draw() -> None:
    r = count_plurality(choices((3, "B"), (3, "A"), (1, "C")), seats=2)
    assert r.elected == ("A", "B") and r.ties == ()
