"""The counting rule belongs to the contest: set with it, frozen and hashed at opening.

Run on both databases. A rule changed while ballots are cast is what an auditor would
doubt, so every way of changing it after the poll opened is refused *before* anything is
written: the audit chain after a refusal is byte for byte the chain before it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assembly_desk.domain.contest_rules import CountRule
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.services import audit_log, contests, tally
from assembly_desk.services.database import Database
from assembly_desk.services.tally.wording import rules_sentence
from tests.ballots.helpers import choose, open_poll, setup
from tests.conftest import FIXED_NOW
from tests.tally.helpers import count, election


def names(*items: str) -> tuple[Option, ...]:
    return tuple(Option(n) for n in items)


def test_a_1_in_3_contest_elects_three_by_default(any_db: Database) -> None:
    defn = ContestDefinition("위원 선출", BallotType.CHOOSE_N, names("가", "나", "다", "라"), 3)
    station = [{"choices": ["가", "나", "다"]}] * 2 + [{"choices": ["가", "나", "라"]}]
    _aid, cid = election(any_db, defn, station)
    with any_db.uow() as uow:
        rule = tally.get_rule(uow, cid)
    assert (rule.method, rule.seats) == ("choose", 3)
    assert count(any_db, cid).result.elected == ("가", "나", "다")


def test_rules_are_frozen_and_hashed_at_opening(any_db: Database) -> None:
    rule = CountRule(seats=2, tie_priority=("이영희",))
    defn = replace(choose(3), rules=rule)
    _aid, contest, _voters = setup(any_db, defn, open_=False)
    assert contest.definition.rules.seats == 2
    assert (
        rules_sentence(contest.definition) == "2명 선출, 1인 3표, 최다 득표순, 동점 시 우선: 이영희"
    )
    open_poll(any_db, contest.id)
    with any_db.uow() as uow:
        opened = [e for e in audit_log.entries(uow) if e["kind"] == "poll.opened"]
        stored = contests.get_contest(uow, contest.id).definition
    payload = opened[-1]["data"]
    assert payload["definition_sha256"] == contests.definition_digest(stored)
    assert payload["rules"]["seats"] == 2 and payload["rules"]["tie_priority"] == ["이영희"]
    # The digest covers the rule: another rule gives another digest.
    other = replace(stored, rules=replace(stored.rules, seats=1))
    assert contests.definition_digest(other) != payload["definition_sha256"]


def test_changing_the_rule_after_opening_is_refused_and_logs_nothing(any_db: Database) -> None:
    _aid, contest, _voters = setup(any_db, choose(3))
    with any_db.uow() as uow:
        before = audit_log.entries(uow)
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        tally.configure_count(uow, contest.id, CountRule(seats=1), FIXED_NOW)
    assert err.value.key == "tally.rule_frozen"
    changed = replace(contest.definition, rules=replace(contest.definition.rules, seats=1))
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        contests.update_contest(uow, contest.id, changed, FIXED_NOW)
    assert err.value.key == "contest.frozen"
    with any_db.uow() as uow:
        assert audit_log.entries(uow) == before
        assert tally.get_rule(uow, contest.id).seats == 3


def test_the_rule_command_still_sets_a_draft(any_db: Database) -> None:
    _aid, contest, _voters = setup(any_db, choose(3), open_=False)
    with any_db.uow() as uow:
        tally.configure_count(uow, contest.id, CountRule(seats=1), FIXED_NOW)
    with any_db.uow() as uow:
        assert tally.get_rule(uow, contest.id).seats == 1
        assert audit_log.entries(uow)[-1]["kind"] == "tally.rule_set"


def test_plurality_and_approval_count_a_choose_paper(db: Database) -> None:
    one = ContestDefinition("대표", BallotType.CHOOSE_N, names("가", "나", "다"), 1)
    plurality = replace(one, rules=CountRule(method="plurality"))
    station = [{"choices": ["가"]}] * 2 + [{"choices": ["나"]}]
    _aid, cid = election(db, plurality, station)
    counted = count(db, cid)
    assert (counted.method, counted.result.elected) == ("plurality", ("가",))

    every = ContestDefinition("사업", BallotType.CHOOSE_N, names("가", "나", "다"), 3)
    approval = replace(every, rules=CountRule(method="approval", seats=2))
    station = [{"choices": ["가", "나", "다"]}, {"choices": ["나"]}, {"choices": ["다", "나"]}]
    _aid, cid = election(db, approval, station)
    counted = count(db, cid)
    assert (counted.method, counted.result.elected) == ("approval", ("나", "다"))


def test_a_method_the_paper_cannot_carry_is_refused_with_the_contest(db: Database) -> None:
    three = ContestDefinition("위원", BallotType.CHOOSE_N, names("가", "나", "다", "라"), 2)
    for rule, key in (
        (CountRule(method="plurality"), "tally.bad_method"),  # 2 marks, not 1
        (CountRule(method="approval"), "tally.bad_method"),  # not every name
        (CountRule(seats=5), "tally.bad_seats"),
        (CountRule(tie_priority=("없는 사람",)), "contest_rules.bad_priority"),
    ):
        with pytest.raises(InvalidInput) as err:
            setup(db, replace(three, rules=rule), open_=False)
        assert err.value.key == key


def test_ranked_slip_rules_and_quorum_reach_the_count(db: Database) -> None:
    ranked = ContestDefinition(
        "위원장",
        BallotType.RANKED,
        names("가", "나", "다"),
        0,
        rules=CountRule(overvote="exhaust", duplicates="skip", skipped="1"),
    )
    _aid, cid = election(db, ranked, [{"ranking": ["가", "나"]}] * 3 + [{"ranking": ["나"]}] * 2)
    counted = count(db, cid)
    options = counted.options
    assert (options.overvote, options.duplicates, options.skipped) == ("exhaust", "skip", "1")
    with pytest.raises(InvalidInput) as err:
        setup(db, replace(ranked, rules=CountRule(overvote="maybe")), open_=False)
    assert err.value.key == "contest_rules.bad_slip_rule"

    motion = ContestDefinition("텃밭", BallotType.YES_NO, rules=CountRule(quorum=50))
    _aid, cid = election(db, motion, [{"vote": "yes"}] * 3)
    counted = count(db, cid)
    assert counted.options.quorum == 50 and counted.result.passed is False


def test_a_motion_s_text_is_stored_and_frozen_with_the_rule(any_db: Database) -> None:
    text = "주민센터 옥상에 텃밭을 조성한다.\n비용은 주민참여예산에서 집행한다."
    motion = ContestDefinition("텃밭 조성안", BallotType.YES_NO, description=text)
    _aid, contest, _voters = setup(any_db, motion)
    assert contest.definition.description == text
    with any_db.uow() as uow:
        before = audit_log.entries(uow)
    reworded = replace(contest.definition, description="옥상에 텃밭을 조성한다.")
    with any_db.uow() as uow, pytest.raises(Refused):
        contests.update_contest(uow, contest.id, reworded, FIXED_NOW)
    with any_db.uow() as uow:
        assert contests.get_contest(uow, contest.id).definition.description == text
        assert audit_log.entries(uow) == before
    opened = [e for e in before if e["kind"] == "poll.opened"][-1]["data"]
    assert opened["definition_sha256"] == contests.definition_digest(contest.definition)
    assert contests.definition_digest(reworded) != opened["definition_sha256"]
