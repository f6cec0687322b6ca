"""Counting closed contests from the database, one hand-checked election per ballot type."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from assembly_desk.counting import seed_commitment, to_json_dict
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.services import audit_log, tally
from assembly_desk.services.database import Database
from tests.ballots.helpers import budget, choose, ranked, score, setup, yes_no
from tests.conftest import FIXED_NOW
from tests.tally.helpers import count, election

YES, NO, ABSTAIN = {"vote": "yes"}, {"vote": "no"}, {"vote": "abstain"}


def _kinds(db: Database) -> list[str]:
    with db.uow() as uow:
        return [e["kind"] for e in audit_log.entries(uow)]


def test_yes_no_simple_majority_with_a_blank_paper(any_db: Database) -> None:
    # 3 yes, 2 no, 1 abstain at stations; a blank paper is an invalid ballot.
    _aid, cid = election(any_db, yes_no(), [YES, YES, YES, NO, NO, ABSTAIN], paper=[{"vote": None}])
    counted = count(any_db, cid)
    r = counted.result
    assert counted.method == "yesno"
    assert r.passed is True
    assert (r.valid, r.invalid) == (6, 1)
    assert dict(r.invalid_reasons) == {"empty": 1}
    assert r.details["yes"] == 3 and r.details["no"] == 2


def test_yes_no_absolute_majority_of_valid_fails_at_exactly_half(any_db: Database) -> None:
    rule = tally.CountRule(threshold="absolute", base="valid")
    _aid, cid = election(any_db, yes_no(), [YES, YES, YES, NO, NO, ABSTAIN], rule=rule)
    r = count(any_db, cid).result
    assert r.passed is False  # 3 yes is not more than half of 6 valid
    assert r.params["threshold"] == "absolute"


def test_choose_n_uses_seats_the_ballot_limit_and_the_tie_priority(any_db: Database) -> None:
    # 김민수 3, 이영희 5, 박철수 3 (+ a paper overvote), 최지원 0: two seats, a tie for the
    # second resolved by the published priority list.
    station = [{"choices": ["김민수", "이영희"]}] * 3 + [{"choices": ["이영희", "박철수"]}] * 2
    station += [{"choices": ["박철수"]}]
    paper = [{"choices": ["김민수", "이영희", "박철수"]}]
    rule = tally.CountRule(seats=2, tie_priority=("박철수",))
    _aid, cid = election(any_db, choose(2), station, paper=paper, rule=rule)
    counted = count(any_db, cid)
    r = counted.result
    assert counted.method == "choose"
    assert r.elected == ("이영희", "박철수")
    assert r.rounds[0].tallies == {"김민수": 3, "이영희": 5, "박철수": 3, "최지원": 0}
    assert dict(r.invalid_reasons) == {"overvote": 1}
    assert [t.rules for t in r.ties] == [("priority",)]


def test_ranked_one_seat_is_irv_two_seats_is_stv(any_db: Database) -> None:
    # A 4, B 2, C 3 of 9: no majority; B out, both B papers go to A -> A 6.
    station = [{"ranking": ["A"]}] * 4 + [{"ranking": ["B", "A"]}] * 2
    station += [{"ranking": ["C", "B"]}] * 3
    _aid, cid = election(any_db, ranked(), station)
    r = count(any_db, cid).result
    assert r.method == "irv"
    assert r.elected == ("A",)
    assert [dict(x.tallies) for x in r.rounds] == [{"A": 4, "B": 2, "C": 3}, {"A": 6, "C": 3}]


def test_ranked_with_two_seats_counts_stv(db: Database) -> None:
    # Droop quota floor(9/3)+1 = 4: A reaches it; B (2) is excluded, its papers exhaust;
    # C is elected as the last continuing candidate.
    station = [{"ranking": ["A", "B"]}] * 4 + [{"ranking": ["B"]}] * 2 + [{"ranking": ["C"]}] * 3
    _aid, cid = election(db, ranked(), station, rule=tally.CountRule(seats=2))
    r = count(db, cid).result
    assert r.method == "stv"
    assert r.quota == 4
    assert r.elected == ("A", "C")


def test_score_sheets_weigh_every_criterion_equally(any_db: Database) -> None:
    sheets = [
        {"scores": {"후보1": {"비전": 8, "실행계획": 15}, "후보2": {"비전": 6, "실행계획": 18}}},
        {"scores": {"후보1": {"비전": 7, "실행계획": 12}, "후보2": {"비전": 9, "실행계획": 19}}},
    ]
    _aid, cid = election(any_db, score(panel=True), sheets)
    counted = count(any_db, cid)
    r = counted.result
    assert counted.method == "score"
    assert r.elected == ("후보2",)
    assert r.rounds[0].tallies == {"후보1": Fraction(21), "후보2": Fraction(26)}
    assert dict(counted.options.criteria_weights or {}) == {"비전": 1, "실행계획": 1}


def test_budget_greedy_by_votes_within_the_cap(any_db: Database) -> None:
    # 가로등 4 votes (2M), 놀이터 3 (3M), 도서관 2 (5M); cap 7M: 가로등, 놀이터, then 도서관
    # no longer fits.
    station = [{"choices": ["놀이터", "가로등"]}] * 3 + [{"choices": ["도서관"]}]
    station += [{"choices": ["도서관", "가로등"]}]
    _aid, cid = election(any_db, budget(), station)
    counted = count(any_db, cid)
    assert counted.method == "pb-greedy"
    assert counted.result.elected == ("가로등", "놀이터")


def test_budget_can_be_counted_with_equal_shares(db: Database) -> None:
    """Method of Equal Shares, worked by hand and cross-checked with pabutools
    (``method_of_equal_shares``, cardinality satisfaction, with and without
    ``voter_budget_increment=1``: [가로등, 놀이터] both times).

    7 voters, cap 7,000,000 won, so each voter holds 1,000,000 won:
    4 x {도서관, 가로등}, 3 x {놀이터}.

    Round 1, price per supporter (rho): 가로등 2M / 4 = 500,000; 놀이터 3M / 3 = 1,000,000;
    도서관 is out at once: its 4 supporters hold 4,000,000 < 5,000,000. 가로등 is funded.
    Round 2: 놀이터's three supporters pay their whole 1,000,000 each. 5,000,000 spent,
    2,000,000 left and 도서관 no longer fits, so the outcome is exhaustive and the one-won
    completion never reruns. Counted by votes (도서관 4, 가로등 4, 놀이터 3) the money
    would go to 도서관 and 가로등, and the three 놀이터 voters would get nothing.
    """
    station = [{"choices": ["도서관", "가로등"]}] * 4 + [{"choices": ["놀이터"]}] * 3
    _aid, cid = election(db, budget(), station, rule=tally.CountRule(method="mes"))
    counted = count(db, cid)
    r = counted.result
    assert counted.method == "mes"
    assert r.elected == ("가로등", "놀이터")
    assert r.valid == 7
    first, second = r.rounds
    assert first.tallies == {"놀이터": Fraction(1_000_000), "가로등": Fraction(500_000)}
    assert (first.elected, first.eliminated) == (("가로등",), ("도서관",))
    assert second.tallies == {"놀이터": Fraction(1_000_000)}
    assert second.elected == ("놀이터",)
    assert r.details["share_per_voter"] == 1_000_000
    assert r.details["mes_runs"] == 1  # exhaustive at once: no completion rerun
    assert (r.details["spent"], r.details["left"]) == (5_000_000, 2_000_000)
    # The contest's default rule counts with the exact completion, as the benchmark times
    # it: no step in won, so the time does not grow with the budget.
    assert r.params["increment"] == 0 and counted.options.increment == 0


def test_a_rule_that_does_not_fit_the_ballot_is_refused(db: Database) -> None:
    _aid, contest, _ = setup(db, ranked(), open_=False)
    with db.uow() as uow, pytest.raises(InvalidInput) as err:
        tally.configure_count(uow, contest.id, tally.CountRule(method="score"), FIXED_NOW)
    assert err.value.key == "tally.bad_method"
    with db.uow() as uow, pytest.raises(InvalidInput):
        tally.configure_count(uow, contest.id, tally.CountRule(method="irv", seats=2), FIXED_NOW)


def test_open_and_draft_contests_are_not_counted(any_db: Database) -> None:
    _aid, cid = election(any_db, yes_no(), [YES], close=False)
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, cid, None, FIXED_NOW)
    assert err.value.key == "tally.not_closed"
    _aid, draft, _ = setup(any_db, yes_no(), open_=False)
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, draft.id, None, FIXED_NOW)
    assert err.value.key == "tally.not_closed"
    assert "tally.counted" not in _kinds(any_db)


def test_rule_is_frozen_once_the_poll_closed(db: Database) -> None:
    _aid, cid = election(db, choose(2), [{"choices": ["김민수"]}])
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.configure_count(uow, cid, tally.CountRule(seats=2), FIXED_NOW)
    assert err.value.key == "tally.rule_frozen"


TIED = [{"choices": ["김민수"]}, {"choices": ["이영희"]}]


def test_tie_without_a_seed_asks_for_one(db: Database) -> None:
    _aid, cid = election(db, choose(1), TIED)
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, cid, None, FIXED_NOW)
    assert err.value.key == "tally.needs_seed"


def test_seed_commit_reveal_and_the_recorded_draw(any_db: Database) -> None:
    seed = "주사위 3-5-2"
    _aid, cid = election(any_db, choose(1), TIED, seed=seed)
    with any_db.uow() as uow:
        assert tally.get_tally(uow, cid).seed_commitment == seed_commitment(seed)
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, cid, None, FIXED_NOW)  # committed: the seed is needed
    assert err.value.key == "tally.seed_required"
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, cid, "주사위 1-1-1", FIXED_NOW)
    assert err.value.key == "tally.seed_mismatch"

    counted = count(any_db, cid, "  " + seed + " ")  # typed seeds are trimmed
    (tie,) = counted.result.ties
    assert tie.rules[-1] == "lot" and sorted(tie.lot_order) == ["김민수", "이영희"]
    assert counted.result.elected == (tie.lot_order[0],)
    assert counted.result.params["tie_rule"]["seed_commitment"] == seed_commitment(seed)
    with any_db.uow() as uow:
        state = tally.get_tally(uow, cid)
        entries = audit_log.entries(uow)
    assert state.seed == seed and state.result == to_json_dict(counted.result)
    committed = [e for e in entries if e["kind"] == "seed.committed"]
    revealed = [e for e in entries if e["kind"] == "seed.revealed"]
    assert committed[0]["data"]["commitment"] == seed_commitment(seed)
    assert revealed[0]["data"]["seed"] == seed
    assert committed[0]["seq"] < revealed[0]["seq"]
    # Counting again with the stored seed gives the same draw.
    assert count(any_db, cid).result_hash == counted.result_hash


def test_a_commitment_is_made_once_and_before_counting(db: Database) -> None:
    _aid, cid = election(db, choose(1), TIED, seed="a")
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.commit_seed(uow, cid, seed_commitment("b"), FIXED_NOW)
    assert err.value.key == "tally.seed_already_committed"
    with db.uow() as uow, pytest.raises(InvalidInput):
        tally.commit_seed(uow, cid, "not hex", FIXED_NOW)
    _aid, other = election(db, yes_no(), [YES])
    count(db, other)
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.commit_seed(uow, other, seed_commitment("b"), FIXED_NOW)
    assert err.value.key == "tally.already_counted"
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, other, "b", FIXED_NOW)  # a seed nobody saw committed
    assert err.value.key == "tally.seed_not_committed"


def test_reveal_seed_after_the_close(db: Database) -> None:
    _aid, cid = election(db, choose(1), TIED, seed="공개 추첨 7")
    with db.uow() as uow:
        assert tally.reveal_seed(uow, cid, "공개 추첨 7", FIXED_NOW) == "공개 추첨 7"
    assert count(db, cid).result.ties[0].rules[-1] == "lot"


def test_count_is_logged_with_its_hash_and_totals_only(any_db: Database) -> None:
    _aid, cid = election(any_db, yes_no(), [YES, NO, YES])
    counted = count(any_db, cid)
    with any_db.uow() as uow:
        (event,) = [e for e in audit_log.entries(uow) if e["kind"] == "tally.counted"]
    assert event["data"]["result_sha256"] == counted.result_hash
    assert event["data"]["ballots"] == 3 and event["data"]["valid"] == 3
    assert event["data"]["contest_key"] == tally.contest_key(cid)
    assert set(event["data"]) == {
        "assembly",
        "contest",
        "contest_key",
        "method",
        "result_sha256",
        "ballots",
        "valid",
        "invalid",
        "elected",
        "passed",
    }


def test_mark_ready_for_the_projector(any_db: Database) -> None:
    _aid, cid = election(any_db, yes_no(), [YES])
    with any_db.uow() as uow, pytest.raises(Refused):
        tally.mark_ready(uow, cid, FIXED_NOW)
    counted = count(any_db, cid)
    with any_db.uow() as uow:
        tally.mark_ready(uow, cid, FIXED_NOW)
    with any_db.uow() as uow:
        ready = tally.get_tally(uow, cid)
    assert ready.contest_id == cid and ready.ready and ready.result_hash == counted.result_hash
    assert json.dumps(ready.result)  # plain JSON for the projector
    assert "tally.ready" in _kinds(any_db)


def test_score_with_given_weights(db: Database) -> None:
    defn = ContestDefinition(
        "평가",
        BallotType.SCORE,
        (Option("A"), Option("B")),
        criteria=score().criteria,
    )
    rule = tally.CountRule(criteria_weights={"비전": 2, "실행계획": 1})
    sheets = [{"scores": {"A": {"비전": 10, "실행계획": 0}, "B": {"비전": 0, "실행계획": 15}}}]
    _aid, cid = election(db, defn, sheets, rule=rule)
    r = count(db, cid).result
    assert r.elected == ("A",)  # 2*10 = 20 > 15
