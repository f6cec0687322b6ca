"""Guardian consent as an age range of its own: "from 12, under-14s with consent".

The bug this guards against: with consent switched on and the minimum age left at 14, a
13-year-old whose guardian had consented was refused for age, so consent admitted nobody.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.eligibility import judge
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.persistence.repositories import assemblies as assembly_rows
from assembly_desk.services import assemblies, roll, status
from assembly_desk.services.checkin import Colour, Outcome
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from tests.conftest import FIXED_NOW, write_csv
from tests.services.helpers import add_person

DAY = date(2026, 11, 28)
FROM_12_CONSENT_UNDER_14 = EligibilityRules(
    min_age=12, guardian_consent_under_14=True, consent_under=14
)
AGED_13 = date(2013, 6, 1)
AGED_11 = date(2015, 6, 1)
AGED_14 = date(2012, 6, 1)


def _assembly(db: Database, rules: EligibilityRules = FROM_12_CONSENT_UNDER_14) -> int:
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY,
        "망원1동 주민총회",
        DAY,
        rules=rules,
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 100),  # quorum = the whole eligible roll
    )
    with db.uow() as uow:
        return assemblies.create_assembly(uow, spec, FIXED_NOW).id


def _eligible_count(db: Database, aid: int) -> int:
    """The stored quorum base, which check-in compares against (not a recount)."""
    with db.uow() as uow:
        row = assembly_rows.get(uow, aid)
        assert row is not None
        return row.eligible_count


def test_the_rule_decides_by_age_and_consent() -> None:
    def verdict(birth: date, consent: bool) -> tuple[bool, str]:
        found = judge(FROM_12_CONSENT_UNDER_14, birth, Category.RESIDENT, DAY, consent)
        return found.eligible, found.reason

    assert verdict(AGED_13, True) == (True, "")
    assert verdict(AGED_13, False) == (False, "reason.guardian")
    assert verdict(AGED_11, True) == (False, "reason.age")
    assert verdict(AGED_14, False) == (True, "")


def test_rules_without_a_consent_age_keep_their_old_meaning() -> None:
    """Rules JSON from before the consent age existed: "under 14", as it always meant."""
    old = EligibilityRules.from_dict(
        json.loads('{"min_age": 10, "allowed": ["resident"], "guardian_consent_under_14": true}')
    )
    assert old.consent_under == 14
    assert judge(old, date(2014, 6, 1), Category.RESIDENT, DAY).reason == "reason.guardian"
    assert judge(old, AGED_14, Category.RESIDENT, DAY).eligible
    same = EligibilityRules.from_dict(
        json.loads('{"min_age": 14, "allowed": ["resident"], "guardian_consent_under_14": true}')
    )
    assert judge(same, AGED_13, Category.RESIDENT, DAY, True).reason == "reason.age"
    assert EligibilityRules.from_dict(FROM_12_CONSENT_UNDER_14.to_dict()) == (
        FROM_12_CONSENT_UNDER_14
    )


def test_a_consent_range_that_admits_nobody_is_refused_with_how_to_fix_it(db: Database) -> None:
    with pytest.raises(InvalidInput) as refused:
        _assembly(db, EligibilityRules(min_age=14, guardian_consent_under_14=True))
    assert refused.value.key == "error.consent_range"
    message = refused.value.message()
    assert "만 14세" in message and "최소 나이를 낮추세요" in message


def test_check_in_admits_a_13_year_old_with_consent_and_explains_without(db: Database) -> None:
    aid = _assembly(db)
    with_consent = add_person(db, aid, "김하늘", birth=AGED_13, guardian_consent=True)
    without = add_person(db, aid, "이바다", birth=AGED_13)
    younger = add_person(db, aid, "박구름", birth=AGED_11, guardian_consent=True)
    desk = DeskSession(db, aid, "데스크 1")

    admitted = desk.scan(with_consent.card_code)
    assert admitted.outcome is Outcome.CHECKED_IN and admitted.colour is Colour.GREEN

    asked = desk.scan(without.card_code)
    assert asked.outcome is Outcome.NEEDS_CONSENT and asked.colour is Colour.AMBER
    assert "보호자 동의" in asked.detail()
    assert "guardian's consent" in asked.detail("en")

    refused = desk.scan(younger.card_code)
    assert refused.outcome is Outcome.NOT_ELIGIBLE and refused.colour is Colour.RED
    assert "만 11세, 12세 이상" in refused.detail()


def test_walk_in_verdicts_and_the_quorum_base_follow_the_consent_range(db: Database) -> None:
    aid = _assembly(db)
    add_person(db, aid, "어른", birth=date(1980, 1, 1))
    add_person(db, aid, "동의함", birth=AGED_13, guardian_consent=True)
    child = add_person(db, aid, "동의 전", birth=AGED_13)
    add_person(db, aid, "어림", birth=AGED_11, guardian_consent=True)
    form = roll.WalkIn("새 얼굴", AGED_13, Category.RESIDENT, guardian_consent=False)
    with db.uow() as uow:
        verdict = roll.judge_walk_in(uow, aid, form)
    assert verdict.needs_guardian_consent and not verdict.eligible

    assert _eligible_count(db, aid) == 2  # the adult and the consented 13-year-old
    with db.uow() as uow:
        assert status.status(uow, aid).quorum_required == 2

    desk = DeskSession(db, aid, "데스크 1")
    confirmed = desk.check_in_person(child.person.id, guardian_consent=True)
    assert confirmed.outcome is Outcome.CHECKED_IN
    assert _eligible_count(db, aid) == 3


def test_changing_the_consent_age_rejudges_the_roll(db: Database) -> None:
    aid = _assembly(db)
    add_person(db, aid, "열다섯", birth=date(2011, 6, 1))
    add_person(db, aid, "열셋", birth=AGED_13, guardian_consent=True)
    assert _eligible_count(db, aid) == 2
    stricter = EligibilityRules(min_age=12, guardian_consent_under_14=True, consent_under=16)
    with db.uow() as uow:
        changed = assemblies.update_rules(
            uow, aid, stricter, QuorumRule(QuorumKind.PERCENT_OF_ROLL, 100), FIXED_NOW
        )
    assert changed.rules.consent_under == 16
    assert _eligible_count(db, aid) == 1  # the 15-year-old now needs consent too


def test_a_roll_file_with_consent_admits_the_13_year_old(db: Database, tmp_path: Path) -> None:
    """The reported case: 보호자동의=Y on the roll, consent range from 12 to under 14."""
    aid = _assembly(db)
    path = write_csv(
        tmp_path / "roll.csv",
        ["성명,생년월일,보호자동의", "김하늘,2013-06-01,Y", "이바다,2013-07-01,N"],
    )
    with db.uow() as uow:
        report = roll.import_roll(uow, aid, path, FIXED_NOW)
    assert report.imported == 2 and report.eligible == 1
