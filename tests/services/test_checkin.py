"""Check-in as a volunteer sees it: the banner colour, the words, and the counts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from assembly_desk.domain.assembly import Category, QuorumKind, QuorumRule
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.i18n import t
from assembly_desk.services import audit_log, status
from assembly_desk.services.checkin import Colour, Outcome
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from tests.conftest import FIXED_NOW, make_assembly
from tests.services.helpers import add_person


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
def seoul_clock() -> Iterator[None]:
    """The desk laptop's local time zone is Seoul's (times on screen are local)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Seoul"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_scan_checks_in_and_second_desk_answers_already(db: Database, seoul_clock: None) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    desk1 = DeskSession(db, aid, "데스크 1", Clock())
    later = Clock()
    later.now = FIXED_NOW + timedelta(minutes=7)  # the second desk scans at 10:07
    desk2 = DeskSession(db, aid, "데스크 2", later)

    first = desk1.scan(kim.card_code)
    assert first.outcome is Outcome.CHECKED_IN
    assert first.colour is Colour.GREEN
    assert first.person is not None and first.person.name == "김민수"

    second = desk2.scan(kim.card_code)
    assert second.outcome is Outcome.ALREADY
    assert second.colour is Colour.AMBER
    assert second.checked_in_at == FIXED_NOW
    # Where and when the first check-in happened (10:00 Seoul time), not the second scan.
    assert second.detail() == t("scan.detail.already", "ko", time="10:00", desk="데스크 1")
    assert "10:07" not in second.detail()
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 1


def test_same_code_twice_within_seconds_counts_once_and_still_answers(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    clock = Clock()
    desk = DeskSession(db, aid, "데스크 1", clock)
    desk.scan(kim.card_code)
    clock.now += timedelta(seconds=2)
    again = desk.scan(kim.card_code)
    assert again.outcome is Outcome.CHECKED_IN and again.repeat
    assert "한 번만" in again.detail()
    clock.now += timedelta(seconds=30)
    later = desk.scan(kim.card_code)
    assert later.outcome is Outcome.ALREADY
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 1


def test_mistyped_code_is_told_apart_from_unknown_code(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    desk = DeskSession(db, aid, "d", Clock())
    code = kim.card_code
    # Two neighbouring digits swapped (the first pair that differs), and one digit mistyped:
    # the Damm check digit catches both.
    i = next(i for i in range(len(code) - 1) if code[i] != code[i + 1])
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    one_off = code[:2] + str((int(code[2]) + 1) % 10) + code[3:]
    # 1234567890 carries check digit 6, so ...1 is a slip of the hand ...
    wrong_check = "12345678901"
    for typed in (swapped, one_off, wrong_check):
        result = desk.scan(typed)
        assert result.outcome is Outcome.MISTYPED, typed
        assert result.colour is Colour.RED
        assert result.detail() == t("scan.detail.mistyped", "ko", code=typed)
    # ... and ...6 is a well-formed card that belongs to nobody on this roll.
    unknown = "12345678906"
    assert unknown != code
    result = desk.scan(unknown)
    assert result.outcome is Outcome.NOT_ON_ROLL
    assert result.colour is Colour.RED
    assert result.detail() == t("scan.detail.not_on_roll", "ko")
    assert "명부" in result.detail()
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 0


def test_full_width_and_dashed_codes_from_korean_ime_work(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in kim.card_code)
    result = DeskSession(db, aid, "d", Clock()).scan(full_width)
    assert result.outcome is Outcome.CHECKED_IN


def test_ineligible_by_age_and_category_are_red_with_reason(db: Database) -> None:
    aid = make_assembly(db, min_age=19)
    young = add_person(db, aid, "이어린", birth=date(2010, 1, 1))
    worker = add_person(db, aid, "박직장", category=Category.WORKER)
    desk = DeskSession(db, aid, "d", Clock())
    r1 = desk.scan(young.card_code)
    assert r1.outcome is Outcome.NOT_ELIGIBLE
    assert "나이" in r1.detail() and "16" in r1.detail()
    r2 = desk.scan(worker.card_code)
    assert r2.outcome is Outcome.NOT_ELIGIBLE
    assert "관내 직장인" in r2.detail()
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 0


def test_birthday_on_assembly_day_counts_as_older() -> None:
    from assembly_desk.domain.eligibility import age_on

    assert age_on(date(2012, 11, 28), date(2026, 11, 28)) == 14
    assert age_on(date(2012, 11, 29), date(2026, 11, 28)) == 13


def test_guardian_consent_is_amber_then_confirmed(db: Database) -> None:
    aid = make_assembly(db, min_age=12, guardian=True)
    child = add_person(db, aid, "최아이", birth=date(2013, 6, 1))
    desk = DeskSession(db, aid, "d", Clock())
    first = desk.scan(child.card_code)
    assert first.outcome is Outcome.NEEDS_CONSENT and first.colour is Colour.AMBER
    confirmed = desk.check_in_person(child.person.id, guardian_consent=True)
    assert confirmed.outcome is Outcome.CHECKED_IN


def test_undo_needs_reason_is_audited_and_allows_check_in_again(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    desk = DeskSession(db, aid, "d", Clock())
    desk.scan(kim.card_code)
    with pytest.raises(InvalidInput):
        desk.undo(kim.person.id, "  ")
    desk.undo(kim.person.id, "다른 김민수를 눌렀음")
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 0
        kinds = [e["kind"] for e in audit_log.entries(uow)]
        undo = next(e for e in audit_log.official_entries(uow) if e["kind"] == "checkin.undone")
    assert kinds.count("checkin") == 1
    # The reason is kept for the officials (sealed), not in the published data.
    assert undo["private"]["reason"] == "다른 김민수를 눌렀음"
    assert undo["data"] == {"assembly": aid, "checked_in": 0}
    desk2 = DeskSession(db, aid, "d2", Clock())
    assert desk2.scan(kim.card_code).outcome is Outcome.CHECKED_IN


def test_quorum_progress_and_time_reached(db: Database) -> None:
    aid = make_assembly(db, quorum=QuorumRule(QuorumKind.NUMBER, 2))
    a = add_person(db, aid, "가")
    b = add_person(db, aid, "나")
    add_person(db, aid, "다")
    clock = Clock()
    desk = DeskSession(db, aid, "d", clock)
    desk.scan(a.card_code)
    with db.uow() as uow:
        st = status.status(uow, aid)
    assert (st.checked_in, st.quorum_required, st.quorum_met) == (1, 2, False)
    assert st.quorum_reached_at is None
    clock.now += timedelta(minutes=7)
    desk.scan(b.card_code)
    with db.uow() as uow:
        st = status.status(uow, aid)
        kinds = [e["kind"] for e in audit_log.entries(uow)]
    assert st.quorum_met and st.quorum_reached_at == clock.now
    assert kinds.count("quorum.reached") == 1
    assert st.to_json()["per_category"]["resident"] == {"eligible": 3, "checked_in": 2}


def test_percent_quorum_rounds_up() -> None:
    rule = QuorumRule(QuorumKind.PERCENT_OF_ROLL, 10)
    assert rule.required(95) == 10
    assert QuorumRule(QuorumKind.COUNCIL_MULTIPLE, 2, 30).required(1000) == 60


def test_search_by_name_initials_birth_and_phone(db: Database) -> None:
    aid = make_assembly(db)
    add_person(db, aid, "김민수", birth=date(1980, 3, 15), phone="010-1111-2222", tong="3")
    add_person(db, aid, "김민수", birth=date(1991, 7, 2), phone="010-3333-4444", tong="7")
    add_person(db, aid, "박지영", birth=date(1975, 1, 9), phone="010-5555-6666")
    desk = DeskSession(db, aid, "d", Clock())
    both = desk.search("김민수")
    assert len(both) == 2
    assert {h.person.birth_hint() for h in both} == {"1980.03", "1991.07"}
    assert {h.person.place_hint() for h in both} == {"3통 2반", "7통 2반"}
    assert [h.person.name for h in desk.search("ㄱㅁㅅ")] == ["김민수", "김민수"]
    assert [h.person.name for h in desk.search("ㅂㅈ")] == ["박지영"]
    assert [h.person.birth_date for h in desk.search("1991-07-02")] == [date(1991, 7, 2)]
    assert [h.person.name for h in desk.search("6666")] == ["박지영"]
    assert desk.search("민") and not desk.search("없는사람")


def test_walk_in_registered_at_another_desk_is_found_at_once(db: Database) -> None:
    aid = make_assembly(db)
    desk = DeskSession(db, aid, "d", Clock())
    assert desk.search("홍길동") == []
    add_person(db, aid, "홍길동")
    assert [h.person.name for h in desk.search("홍길동")] == ["홍길동"]


def test_walk_in_duplicate_is_refused(db: Database) -> None:
    aid = make_assembly(db)
    add_person(db, aid, "김민수", address="성산동 1")
    with pytest.raises(InvalidInput) as err:
        add_person(db, aid, "김민수", address="성산동 1")
    assert "이미 명부" in err.value.message()


def test_rules_change_recomputes_eligibility_and_is_audited(db: Database) -> None:
    from assembly_desk.domain.assembly import EligibilityRules
    from assembly_desk.services import assemblies

    aid = make_assembly(db)
    worker = add_person(db, aid, "박직장", category=Category.WORKER)
    with db.uow() as uow:
        assemblies.update_rules(
            uow,
            aid,
            EligibilityRules(14, frozenset({Category.RESIDENT, Category.WORKER})),
            QuorumRule(QuorumKind.NUMBER, 3),
            FIXED_NOW,
        )
    result = DeskSession(db, aid, "d", Clock()).scan(worker.card_code)
    assert result.outcome is Outcome.CHECKED_IN
    with db.uow() as uow:
        assert "settings.changed" in [e["kind"] for e in audit_log.entries(uow)]


@pytest.mark.parametrize(
    ("typed", "says", "not_says"),
    [
        ("", "비어 있습니다", "확인 숫자"),
        ("abc", "‘abc’은(는) 카드 번호가 아닙니다", "확인 숫자"),
        ("ㅁㄴㅇㄹ", "‘ㅁㄴㅇㄹ’은(는) 카드 번호가 아닙니다", "확인 숫자"),
        ("1234", "너무 짧습니다(4자리)", "확인 숫자"),
        ("7" * 500, "너무 깁니다(500자리)", "7777777777"),
        ("12345678901", "확인 숫자가 맞지 않습니다", "자리"),
    ],
)
def test_each_malformed_code_gets_its_own_message(
    db: Database, typed: str, says: str, not_says: str
) -> None:
    aid = make_assembly(db)
    result = DeskSession(db, aid, "d", Clock()).scan(typed)
    assert result.outcome is Outcome.MISTYPED and result.colour is Colour.RED
    assert says in result.detail()
    assert not_says not in result.detail()
    assert "\u1106" not in result.detail()  # never echoed as conjoining jamo


def test_undo_of_someone_not_on_the_roll_says_so(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    desk = DeskSession(db, aid, "d", Clock())
    with pytest.raises(NotFound) as unknown:
        desk.undo(999, "잘못 누름")
    assert unknown.value.key == "error.person_not_found"
    assert "명부에 없는" in unknown.value.message()
    with pytest.raises(NotFound) as not_in:
        desk.undo(kim.person.id, "잘못 누름")
    assert not_in.value.key == "error.not_checked_in"


def test_the_command_line_says_what_is_wrong_with_a_code_and_with_an_undo(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from assembly_desk.cli import main
    from assembly_desk.services.database import open_database

    database = open_database(sqlite_url)
    make_assembly(database)
    database.dispose()
    assert main(["--db", sqlite_url, "checkin", "1234"]) == 1
    out = capsys.readouterr().out
    assert "너무 짧습니다(4자리)" in out and "확인 숫자" not in out
    assert main(["--db", sqlite_url, "--lang", "en", "checkin", "abc"]) == 1
    assert "‘abc’ is not a card code" in capsys.readouterr().out
    assert main(["--db", sqlite_url, "undo", "999", "--reason", "잘못 누름"]) == 2
    assert "명부에 없는 사람입니다 (999)" in capsys.readouterr().err
