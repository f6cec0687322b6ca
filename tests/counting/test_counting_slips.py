"""Ranked paper ballots with slips: the overvote, skipped-rank and duplicate rules.

Each case is one of RCTab's documented rule definitions ("Voter Error Rules": overvote
exhaust immediately / always skip to next rank, consecutive skipped ranks allowed,
exhaust on multiple ranks for the same candidate) or a worked example of
docs/counting.md, counted with IRV and STV. A naive tabulator written from RCTab's
description (walk the ranks from the top every round) checks the counts on random
ballots under every combination of rules.
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from itertools import product

import pytest

from assembly_desk.counting import (
    CountOptions,
    RankingBallot,
    TieRule,
    count,
    count_irv,
    count_stv,
    to_json_dict,
)
from assembly_desk.counting.slips import (
    DUPLICATE_RULES,
    OVERVOTE_RULES,
    SlipRules,
    marks_of,
)

ABC = ["A", "B", "C"]


def paper(text: str) -> RankingBallot:
    """``"A [B C] _ D"``: A at rank 1, B and C at rank 2 (overvote), rank 3 blank, D at 4."""
    ranks: list[str | tuple[str, ...]] = []
    group: list[str] | None = None
    for word in text.replace("[", " [ ").replace("]", " ] ").split():
        if word == "[":
            group = []
        elif word == "]":
            assert group is not None
            ranks.append(tuple(group))
            group = None
        elif group is not None:
            group.append(word)
        else:
            ranks.append(() if word == "_" else word)
    return RankingBallot(tuple(ranks))


def papers(*groups: tuple[int, str]) -> list[RankingBallot]:
    return [paper(text) for n, text in groups for _ in range(n)]


def rounds(result: object) -> list[tuple[dict[str, object], object, object]]:
    """Per round: tallies, cumulative exhausted, exhausted by rule (None when no rule)."""
    data = to_json_dict(result)  # type: ignore[arg-type]
    return [
        (r["tallies"], r["exhausted"], r.get("figures", {}).get("exhausted_by"))
        for r in data["rounds"]
    ]


# --- today's behaviour is the default ------------------------------------------------


def test_default_rules_invalidate_the_whole_ballot_as_before() -> None:
    ballots = papers((3, "A B"), (1, "A [B C]"), (1, "B A B"), (1, "_ C"), (1, "_ _"))
    result = count_irv(ballots, candidates=ABC)
    assert result.invalid_reasons == {"duplicate": 1, "empty": 1, "overvote": 1}
    assert result.valid == 4 and result.elected == ("A",)
    data = to_json_dict(result)
    # no trace of the rules in a default count: old signed results recount byte for byte
    assert "ballot_rules" not in data["params"]
    assert all("figures" not in r for r in data["rounds"])
    assert to_json_dict(count("irv", ballots, CountOptions(candidates=ABC))) == data


def test_unknown_rules_are_refused() -> None:
    for bad in ({"overvote": "ignore"}, {"duplicates": "keep"}, {"skipped": "0"}, {"skipped": "x"}):
        with pytest.raises(ValueError, match="rule"):
            count_irv(papers((1, "A")), **bad)
    assert SlipRules(skipped="3").max_gap == 3 and SlipRules(skipped="exhaust").max_gap == 0


# --- overvotes -------------------------------------------------------------------------

OVERVOTE_EXAMPLE = papers((1, "A C"), (4, "[A B] C"), (2, "B [A C]"))


@pytest.mark.parametrize(
    ("rule", "elected", "valid", "first_round"),
    [
        ("invalidate", "A", 1, ({"A": 1, "B": 0, "C": 0}, 0, None)),
        ("exhaust", "B", 7, ({"A": 1, "B": 2, "C": 0}, 4, {"overvote": 4})),
        ("skip", "C", 7, ({"A": 1, "B": 2, "C": 4}, 0, None)),
    ],
)
def test_overvote_worked_example(
    rule: str, elected: str, valid: int, first_round: tuple[object, ...]
) -> None:
    result = count_irv(OVERVOTE_EXAMPLE, candidates=ABC, overvote=rule)
    assert result.elected == (elected,) and result.valid == valid
    assert rounds(result)[0] == first_round


def test_overvote_exhausts_when_the_count_reaches_it() -> None:
    """RCTab "exhaust immediately": ranks before the overvote count, nothing after it."""
    ballots = papers((3, "A [B C] D"), (4, "B"), (5, "D"), (6, "C"))
    result = count_irv(ballots, candidates=["A", "B", "C", "D"], overvote="exhaust")
    assert rounds(result)[0] == ({"A": 3, "B": 4, "C": 6, "D": 5}, 0, None)
    assert result.rounds[0].eliminated == ("A",)
    assert result.rounds[0].transfers[0].exhausted == 3  # not to D
    assert rounds(result)[1][1:] == (3, {"overvote": 3})


def test_overvote_skip_goes_to_the_next_rank_and_a_last_rank_overvote_is_no_overvote() -> None:
    """RCTab "always skip to next rank"; an overvote in the last rank just runs out."""
    ballots = papers((3, "A [B C] D"), (1, "A [B C]"), (5, "B"), (6, "D"), (7, "C"))
    result = count_irv(ballots, candidates=["A", "B", "C", "D"], overvote="skip")
    transfer = result.rounds[0].transfers[0]
    assert transfer.to == {"D": 3} and transfer.exhausted == 1
    assert rounds(result)[1][2] is None  # ran out of marks: not exhausted by the rule


# --- skipped ranks ---------------------------------------------------------------------

SKIPPED_EXAMPLE = papers((1, "A"), (3, "_ _ C"), (2, "_ B"))


@pytest.mark.parametrize(
    ("rule", "elected", "exhausted_by"),
    [
        ("allow", "C", None),
        ("1", "B", {"skipped_ranks": 3}),
        ("exhaust", "A", {"skipped_ranks": 5}),
    ],
)
def test_skipped_worked_example(rule: str, elected: str, exhausted_by: object) -> None:
    result = count_irv(SKIPPED_EXAMPLE, candidates=ABC, skipped=rule)
    assert result.elected == (elected,) and result.valid == 6
    assert rounds(result)[0][2] == exhausted_by


def test_one_skipped_rank_at_a_time_is_allowed_two_in_a_row_are_not() -> None:
    """RCTab: with 1 allowed, "a voter could rank in 1, 3, 5 and not exhaust"."""
    ballots = papers((2, "A _ B _ C"), (2, "A _ _ B"), (5, "B"), (9, "C"), (8, "D"))
    result = count_irv(ballots, candidates=["A", "B", "C", "D"], skipped="1")
    first = result.rounds[0].transfers[0]
    assert result.rounds[0].eliminated == ("A",)
    assert first.to == {"B": 2} and first.exhausted == 2
    second = result.rounds[1].transfers[0]
    assert result.rounds[1].eliminated == ("B",) and second.to == {"C": 2}
    assert rounds(result)[2][1:] == (7, {"skipped_ranks": 2})
    assert result.elected == ("C",)


def test_blank_ranks_at_the_end_exhaust_nothing_early() -> None:
    result = count_irv(papers((2, "A B _ _ _"), (3, "B"), (4, "C")), skipped="exhaust")
    assert result.rounds[0].transfers[0].to == {"B": 2}
    assert result.elected == ("B",)


# --- duplicates ------------------------------------------------------------------------

DUPLICATE_EXAMPLE = papers((4, "A"), (3, "B"), (2, "C C B"))


@pytest.mark.parametrize(
    ("rule", "elected", "invalid", "last_round"),
    [
        ("invalidate", "A", {"duplicate": 2}, ({"A": 4, "B": 3, "C": 0}, 0, None)),
        ("skip", "B", {}, ({"A": 4, "B": 5}, 0, None)),
        ("exhaust", "A", {}, ({"A": 4, "B": 3}, 2, {"duplicate": 2})),
    ],
)
def test_duplicate_worked_example(
    rule: str, elected: str, invalid: dict[str, int], last_round: tuple[object, ...]
) -> None:
    result = count_irv(DUPLICATE_EXAMPLE, candidates=ABC, duplicates=rule)
    assert result.elected == (elected,) and dict(result.invalid_reasons) == invalid
    assert rounds(result)[-1] == last_round


def test_duplicate_exhausts_at_the_repeat_rank() -> None:
    """RCTab's example: A 1st and 3rd, B 2nd, C 4th; once A and B are out the ballot
    exhausts at rank 3 and rank 4 does not count (with skip, it goes on to C)."""
    ballots = papers((2, "A B A C"), (3, "B"), (6, "C"), (7, "D"))
    names = ["A", "B", "C", "D"]
    exhaust = count_irv(ballots, candidates=names, duplicates="exhaust")
    assert [r.eliminated for r in exhaust.rounds[:2]] == [("A",), ("B",)]
    assert exhaust.rounds[1].transfers[0].exhausted == 5  # 3 ran out, 2 hit the repeat
    assert rounds(exhaust)[2][1:] == (5, {"duplicate": 2})
    skip = count_irv(ballots, candidates=names, duplicates="skip")
    assert skip.rounds[1].transfers[0].to == {"C": 2}


# --- rules that meet ------------------------------------------------------------------


def test_a_skipped_overvote_is_a_marked_rank_not_a_skipped_one() -> None:
    """RCTab counts the gap between marked ranks; an overvoted rank is marked."""
    ballots = papers((2, "A [B C] D"), (2, "A [B C] _ D"), (5, "B"), (6, "C"), (7, "D"))
    result = count_irv(ballots, candidates=["A", "B", "C", "D"], overvote="skip", skipped="exhaust")
    transfer = result.rounds[0].transfers[0]
    assert result.rounds[0].eliminated == ("A",)
    assert transfer.to == {"D": 2} and transfer.exhausted == 2
    assert rounds(result)[1][2] == {"skipped_ranks": 2}


def test_a_name_in_a_skipped_overvote_is_seen_for_duplicates() -> None:
    ballots = papers((1, "[A B] A C"), (3, "C"), (2, "B"))
    exhaust = count_irv(ballots, candidates=ABC, overvote="skip", duplicates="exhaust")
    assert rounds(exhaust)[0] == ({"A": 0, "B": 2, "C": 3}, 1, {"duplicate": 1})
    skip = count_irv(ballots, candidates=ABC, overvote="skip", duplicates="skip")
    assert rounds(skip)[0] == ({"A": 1, "B": 2, "C": 3}, 0, None)
    assert skip.rounds[0].transfers[0].to == {"C": 1}
    invalid = count_irv(ballots, candidates=ABC, overvote="skip")
    assert invalid.invalid_reasons == {"duplicate": 1}


def test_rules_apply_in_rctab_order_at_a_rank() -> None:
    """Gap first, then a repeated name, then the overvote."""
    strict = {"overvote": "exhaust", "skipped": "exhaust", "duplicates": "exhaust"}
    rest = [*papers((2, "B"), (2, "C"))]
    tie = TieRule(seed="dice")
    gap = count_irv([paper("A _ [A B] C"), *rest], tie=tie, **strict)
    dup = count_irv([paper("A [A B] C"), *rest], tie=tie, **strict)
    for result, reason in ((gap, "skipped_ranks"), (dup, "duplicate")):
        assert result.rounds[0].eliminated == ("A",)
        assert rounds(result)[1][2] == {reason: 1}


# --- STV -------------------------------------------------------------------------------


def test_stv_quota_is_over_the_ballots_that_count_in_stage_one() -> None:
    ballots = papers((4, "A B"), (2, "B"), (3, "[A B] C"), (2, "C"))
    result = count_stv(ballots, seats=2, candidates=ABC, overvote="exhaust")
    assert result.valid == 11 and result.quota == 3  # floor(8 / 3) + 1
    assert rounds(result)[0] == ({"A": 4, "B": 2, "C": 2}, 3, {"overvote": 3})
    assert count_stv(ballots, seats=2, candidates=ABC, overvote="skip").quota == 4


def test_stv_credits_fractional_exhaustion_to_the_rule() -> None:
    ballots = papers((6, "A [B C]"), (2, "B"), (3, "C"))
    result = count_stv(ballots, seats=2, candidates=ABC, overvote="exhaust")
    surplus = result.rounds[0].transfers[0]
    # six papers at 2/6 truncated to 0.33333 each; the 0.00002 left is truncation loss
    assert surplus.kind == "surplus" and surplus.exhausted == Fraction("1.99998")
    assert result.rounds[1].figures["exhausted_by"] == {"overvote": Fraction("1.99998")}
    assert result.params["ballot_rules"] == {
        "overvote": "exhaust",
        "skipped": "allow",
        "duplicates": "invalidate",
    }


def test_every_ballot_stopped_before_a_first_choice_elects_nobody() -> None:
    ballots = papers((2, "[A B] C"), (1, "_ _ A"))
    for result in (
        count_irv(ballots, overvote="exhaust", skipped="1"),
        count_stv(ballots, seats=1, overvote="exhaust", skipped="1"),
    ):
        assert result.elected == () and result.valid == 3
        assert result.rounds[0].figures["exhausted_by"] == {"overvote": 2, "skipped_ranks": 1}


# --- against a naive tabulator written from RCTab's description ---------------------


def _rctab_choice(
    ranking: tuple[str | tuple[str, ...], ...], continuing: set[str], rules: SlipRules
) -> tuple[str | None, str]:
    """Walk the ranks from the top, as RCTab's Tabulator does each round."""
    gap_limit = rules.max_gap
    last_rank, seen = 0, set()
    marked = [(rank, marks_of(p)) for rank, p in enumerate(ranking, 1) if marks_of(p)]
    for rank, marks in marked:
        if gap_limit is not None and rank - last_rank > gap_limit + 1:
            return None, "skipped_ranks"
        last_rank = rank
        if rules.duplicates == "exhaust":
            if seen & set(marks):
                return None, "duplicate"
            seen |= set(marks)
        if len(marks) > 1:
            if rules.overvote == "exhaust":
                return None, "overvote"
            continue
        if marks[0] in continuing:
            return marks[0], ""
    return None, ""


def _whole_ballot_invalid(ranking: tuple[str | tuple[str, ...], ...], rules: SlipRules) -> bool:
    names = [n for p in ranking for n in marks_of(p)]
    return (
        not names
        or (rules.overvote == "invalidate" and any(len(marks_of(p)) > 1 for p in ranking))
        or (rules.duplicates == "invalidate" and len(set(names)) != len(names))
    )


def _random_ballot(rng: random.Random) -> RankingBallot:
    ranks: list[str | tuple[str, ...]] = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.2:
            ranks.append(())
        elif roll < 0.35:
            ranks.append(tuple(rng.sample("ABCD", 2)))
        else:
            ranks.append(rng.choice("ABCD"))
    return RankingBallot(tuple(ranks))


@pytest.mark.parametrize(
    ("overvote", "skipped", "duplicates"),
    list(product(OVERVOTE_RULES, ("allow", "exhaust", "1", "2"), DUPLICATE_RULES)),
)
def test_rounds_match_a_naive_rctab_walk(overvote: str, skipped: str, duplicates: str) -> None:
    rules = SlipRules(overvote, skipped, duplicates)
    rng = random.Random(f"{overvote}/{skipped}/{duplicates}")
    names = list("ABCD")
    for _ in range(15):
        ballots = [_random_ballot(rng) for _ in range(rng.randint(5, 40))]
        result = count_irv(
            ballots,
            candidates=names,
            tie=TieRule(seed="dice"),
            overvote=overvote,
            skipped=skipped,
            duplicates=duplicates,
        )
        counted = [b.ranking for b in ballots if not _whole_ballot_invalid(b.ranking, rules)]
        assert result.valid == len(counted)
        out: set[str] = set()
        for r in result.rounds:
            continuing = set(names) - out
            tally: Counter[str] = Counter({n: 0 for n in continuing})
            by_rule: Counter[str] = Counter()
            for ranking in counted:
                choice, why = _rctab_choice(ranking, continuing, rules)
                if choice is not None:
                    tally[choice] += 1
                elif why:
                    by_rule[why] += 1
            assert dict(r.tallies) == dict(tally)
            assert dict(r.figures.get("exhausted_by", {})) == dict(by_rule)
            assert r.exhausted == len(counted) - sum(tally.values())
            out |= set(r.eliminated)
        stv = count_stv(
            ballots,
            seats=1,
            candidates=names,
            tie=TieRule(seed="dice"),
            overvote=overvote,
            skipped=skipped,
            duplicates=duplicates,
        )
        assert stv.elected == result.elected
