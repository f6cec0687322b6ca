"""Two desks on one roll: what one changes, the other's search finds at its next keystroke.

Each desk keeps its own in-memory index; these tests change the roll through the services
at desk A (walk-in, correction, merge, check-in, rules) and search at desk B, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assembly_desk.domain.assembly import Category, EligibilityRules, QuorumKind, QuorumRule
from assembly_desk.services import assemblies, checkin, roll, roll_edit, roll_merge
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.search import SearchIndex
from tests.conftest import FIXED_NOW, make_assembly, write_csv
from tests.services.helpers import add_person

HEADER = "성명,생년월일,주소,통,반,연락처,구분"
ROLL = [
    HEADER,
    "김민수,1980-03-15,성산동 1,3,2,010-1234-5678,주민",
    "이영희,1975-06-01,성산동 2,4,1,010-2222-3333,주민",
    "박철수,1990-01-20,성산동 3,5,1,010-3333-4444,주민",
]


def _desk_b(db: Database, tmp_path: Path) -> tuple[int, DeskSession]:
    """The roll imported, and desk B (후문) with its index loaded; desk A is 정문."""
    aid = make_assembly(db, min_age=19)
    with db.uow() as uow:
        roll.import_roll(uow, aid, write_csv(tmp_path / "roll.csv", ROLL), FIXED_NOW)
    b = DeskSession(db, aid, "후문", lambda: FIXED_NOW)
    assert [h.person.name for h in b.search("이영희")] == ["이영희"]  # B's index is loaded
    return aid, b


def _names(desk: DeskSession, query: str) -> list[str]:
    return [h.person.name for h in desk.search(query)]


def test_a_correction_at_one_desk_is_found_by_its_new_name_at_the_other(
    any_db: Database, tmp_path: Path
) -> None:
    aid, b = _desk_b(any_db, tmp_path)
    pid = b.search("이영희")[0].person.id
    with any_db.uow() as uow:
        roll_edit.correct_person(
            uow,
            aid,
            pid,
            roll_edit.Correction(name="이영애", phone="010-7777-8888"),
            "정문",
            FIXED_NOW,
        )
    assert _names(b, "이영애") == ["이영애"]
    assert _names(b, "이영희") == []
    assert _names(b, "ㅇㅇㅇ") == ["이영애"]  # initials follow the new name
    assert _names(b, "3333") == []  # the old phone no longer finds her
    assert [h.person.id for h in b.search("8888")] == [pid]
    assert len(b.index) == 3  # corrected in place, not counted twice


def test_a_walk_in_at_one_desk_is_found_at_the_others_next_keystroke(
    any_db: Database, tmp_path: Path
) -> None:
    aid, b = _desk_b(any_db, tmp_path)
    assert _names(b, "최") == []
    add_person(any_db, aid, "최신입", date(1988, 8, 8), phone="010-5555-6666")
    assert _names(b, "최") == ["최신입"]
    assert _names(b, "6666") == ["최신입"]


def test_a_merge_at_one_desk_renames_and_adds_at_the_other(
    any_db: Database, tmp_path: Path
) -> None:
    aid, b = _desk_b(any_db, tmp_path)
    updated = write_csv(
        tmp_path / "updated.csv",
        [
            HEADER,
            "김민수,1980-03-15,성산동 1,3,2,010-9999-0000,주민",  # a new phone
            "이영희,1975-06-01,성산동 2,4,1,010-2222-3333,주민",
            "박철수,1990-01-20,성산동 3,5,1,010-3333-4444,주민",
            "정새롬,1995-05-05,성산동 4,6,1,010-4444-5555,주민",
        ],
    )
    with any_db.uow() as uow:
        plan = roll_merge.preview_merge(uow, aid, updated)
    with any_db.uow() as uow:
        roll_merge.merge_roll(uow, aid, updated, FIXED_NOW, plan)
    assert _names(b, "0000") == ["김민수"]
    assert _names(b, "5678") == []
    assert _names(b, "정새롬") == ["정새롬"]
    assert len(b.index) == 4


def test_check_ins_elsewhere_are_shown_and_leave_the_index_alone(
    any_db: Database, tmp_path: Path
) -> None:
    aid, b = _desk_b(any_db, tmp_path)
    index = b.index
    pid = b.search("박철수")[0].person.id
    with any_db.uow() as uow:
        checkin.check_in_person(uow, aid, pid, "정문", FIXED_NOW)
    hit = b.search("박철수")[0]
    assert hit.checked_in_at == FIXED_NOW
    assert hit.desk == "정문"
    assert b.index is index and len(index) == 3


def test_a_rules_change_elsewhere_is_quoted_in_the_reason(any_db: Database, tmp_path: Path) -> None:
    aid, b = _desk_b(any_db, tmp_path)
    assert b.search("박철수")[0].person.eligible  # 36 years old, minimum 19
    with any_db.uow() as uow:
        assemblies.update_rules(
            uow,
            aid,
            EligibilityRules(40, frozenset({Category.RESIDENT})),
            QuorumRule(QuorumKind.NUMBER, 3),
            FIXED_NOW,
        )
    person = b.search("박철수")[0].person
    assert not person.eligible
    assert person.reason_params["min_age"] == "40"


def test_an_index_of_another_assembly_ignores_this_ones_people(
    any_db: Database, tmp_path: Path
) -> None:
    _, b = _desk_b(any_db, tmp_path)
    other = make_assembly(any_db)
    add_person(any_db, other, "김민수", date(1980, 3, 15))
    index = SearchIndex(other)
    with any_db.uow() as uow:
        index.refresh(uow)
    assert len(index) == 1
    assert len(b.search("김민수")) == 1


def test_a_correction_at_this_desk_is_found_by_its_new_name_at_its_next_keystroke(
    any_db: Database, tmp_path: Path
) -> None:
    from assembly_desk.services.facade.desk import DeskService

    aid = make_assembly(any_db, min_age=19)
    with any_db.uow() as uow:
        roll.import_roll(uow, aid, write_csv(tmp_path / "roll.csv", ROLL), FIXED_NOW)
    desk = DeskService(any_db, "정문", tmp_path / "queue.jsonl", lambda: FIXED_NOW)
    desk.use(aid)
    pid = desk.search("이영희")[0].person.id  # the desk's index is loaded
    desk.correct_person(pid, roll_edit.Correction(name="이영애", phone="010-7777-8888"))
    assert [h.person.name for h in desk.search("이영애")] == ["이영애"]
    assert desk.search("이영희") == ()
    assert [h.person.id for h in desk.search("8888")] == [pid]
