"""One person, one card: a walk-in or a file row that is someone already on the roll.

A second card means a second ballot. People are compared as a volunteer reads them: the
same name (whatever invisible characters or spaces it carries) and birth date, and an
empty address is unknown, not different. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.persistence.models import PersonRow
from assembly_desk.services import audit_log, roll
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly, write_csv

BIRTH = date(1980, 3, 15)


def _roll_of_one(db: Database, tmp_path: Path) -> tuple[int, int, str]:
    """An assembly whose roll (imported from a file) holds 김민수 with an address."""
    aid = make_assembly(db)
    path = write_csv(tmp_path / "명부.csv", ["성명,생년월일,주소", "김민수,1980-03-15,성산동 1"])
    with db.uow() as uow:
        roll.import_roll(uow, aid, path, FIXED_NOW)
    with db.uow() as uow:
        pid, code = uow.session.execute(select(PersonRow.id, PersonRow.card_code)).one()
    return aid, pid, code


def _people(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(PersonRow)).scalar_one())


def _walk_in(db: Database, aid: int, form: roll.WalkIn) -> roll.Registration:
    with db.uow() as uow:
        return roll.register_walk_in(uow, aid, form, "정문", FIXED_NOW)


@pytest.mark.parametrize("address", ["", "성산동 7"])
def test_walk_in_with_the_same_name_and_birth_date_needs_a_reason(
    any_db: Database, tmp_path: Path, address: str
) -> None:
    aid, pid, code = _roll_of_one(any_db, tmp_path)

    with pytest.raises(roll.PossibleDuplicate) as refused:
        _walk_in(any_db, aid, roll.WalkIn("김민수", BIRTH, address=address))

    message = refused.value.message()
    assert f"명부 번호 {pid}" in message and "1980.03" in message
    assert code not in message  # the card code is never shown to another desk
    assert [m.id for m in refused.value.matches] == [pid]
    assert _people(any_db) == 1


@pytest.mark.parametrize("typed", ["김 민수", "  김민수 ", "김민수\u3000", "김민수"])
def test_spaces_do_not_make_another_person(any_db: Database, tmp_path: Path, typed: str) -> None:
    aid, pid, _ = _roll_of_one(any_db, tmp_path)

    with pytest.raises(roll.PossibleDuplicate) as refused:
        _walk_in(any_db, aid, roll.WalkIn(typed, BIRTH))

    assert [m.id for m in refused.value.matches] == [pid]


@pytest.mark.parametrize("hidden", ["\u200b", "\u200d", "\ufeff", "\u202e", "\u2066"])
def test_a_name_with_an_invisible_character_is_refused(
    any_db: Database, tmp_path: Path, hidden: str
) -> None:
    aid, _, _ = _roll_of_one(any_db, tmp_path)

    with pytest.raises(InvalidInput) as refused:
        _walk_in(any_db, aid, roll.WalkIn(f"김{hidden}민수", BIRTH))

    assert "보이지 않는 서식 문자" in refused.value.message()
    assert _people(any_db) == 1


def test_an_older_entry_with_a_zero_width_space_is_still_found(
    any_db: Database, tmp_path: Path
) -> None:
    aid, pid, _ = _roll_of_one(any_db, tmp_path)
    with any_db.uow() as uow:  # as an earlier release stored it: the key kept the character
        row = uow.session.get(PersonRow, pid)
        assert row is not None
        row.name, row.name_key = "김\u200b민수", "김\u200b민수"
        uow.commit()

    with pytest.raises(roll.PossibleDuplicate) as refused:
        _walk_in(any_db, aid, roll.WalkIn("김민수", BIRTH))

    assert [m.id for m in refused.value.matches] == [pid]


def test_the_same_name_birth_date_and_address_is_refused_outright(
    any_db: Database, tmp_path: Path
) -> None:
    aid, pid, _ = _roll_of_one(any_db, tmp_path)

    with pytest.raises(InvalidInput) as refused:
        _walk_in(any_db, aid, roll.WalkIn("김민수", BIRTH, address="성산동 1", match_reason="x"))

    assert f"명부 번호 {pid}" in refused.value.message()
    assert _people(any_db) == 1


def test_a_confirmed_namesake_is_registered_and_the_reason_is_sealed(
    any_db: Database, tmp_path: Path
) -> None:
    aid, pid, _ = _roll_of_one(any_db, tmp_path)
    reason = "다른 사람: 주소가 다르고 신분증 확인함"

    registration = _walk_in(
        any_db, aid, roll.WalkIn("김민수", BIRTH, address="성산동 7", match_reason=reason)
    )

    assert registration.person.id != pid and _people(any_db) == 2
    with any_db.uow() as uow:
        published = audit_log.entries(uow)
        official = audit_log.official_entries(uow)
    entry = published[-1]
    assert entry["kind"] == "person.registered" and entry["data"]["despite_match"] is True
    text = json.dumps(published, ensure_ascii=False)
    assert reason not in text and "김민수" not in text  # no free text, no person published
    private = official[-1]["private"]
    assert private["reason"] == reason
    assert private["matches"] == [pid] and private["person"] == registration.person.id


def test_a_blank_reason_is_no_confirmation(any_db: Database, tmp_path: Path) -> None:
    aid, _, _ = _roll_of_one(any_db, tmp_path)

    with pytest.raises(roll.PossibleDuplicate):
        _walk_in(any_db, aid, roll.WalkIn("김민수", BIRTH, match_reason="   "))


def test_a_file_row_without_an_address_is_the_person_already_on_the_roll(
    any_db: Database, tmp_path: Path
) -> None:
    aid, pid, _ = _roll_of_one(any_db, tmp_path)
    path = write_csv(tmp_path / "추가.csv", ["성명,생년월일,주소", "김 민수,1980-03-15,"])

    with any_db.uow() as uow, pytest.raises(roll.ImportRejected) as rejected:
        roll.import_roll(uow, aid, path, FIXED_NOW)

    problem = rejected.value.problems[0]
    assert problem.row == 2 and f"명부 번호 {pid}" in problem.message()
    assert _people(any_db) == 1


def test_within_a_file_an_empty_address_matches_any_address(tmp_path: Path) -> None:
    from assembly_desk.importers import parse_roll

    path = write_csv(
        tmp_path / "명부.csv",
        [
            "성명,생년월일,주소",
            "김민수,1980-03-15,성산동 1",
            "김민수,1980-03-15,",
            "이영희,1975-01-09,",
        ],
    )

    preview = parse_roll(path, today=FIXED_NOW.date())

    assert [(p.row, p.key) for p in preview.problems] == [(3, "import.duplicate_person")]
