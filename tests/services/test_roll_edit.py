"""The roll as a list: find, correct (audited, card kept), export without codes, one card."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.domain.assembly import Category
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.persistence.repositories import people
from assembly_desk.services import audit_log, cards, checkin, roll_edit, roll_merge, status
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly
from tests.services.helpers import add_person


def _roll(db: Database) -> tuple[int, list[int]]:
    aid = make_assembly(db, min_age=19)
    ids = [
        add_person(db, aid, "김민수", date(1980, 3, 15), phone="010-1234-5678").person.id,
        add_person(db, aid, "김민지", date(1992, 11, 2), phone="010-9876-4321").person.id,
        add_person(db, aid, "이영희", date(1975, 6, 1), category=Category.RESIDENT).person.id,
        add_person(db, aid, "박어린", date(2014, 5, 5), phone="").person.id,
    ]
    with db.uow() as uow:
        checkin.check_in_person(uow, aid, ids[0], "정문", FIXED_NOW)
    return aid, ids


def _names(db: Database, aid: int, flt: roll_edit.RollFilter) -> list[str]:
    with db.uow() as uow:
        return [e.name for e in roll_edit.list_roll(uow, aid, flt)]


def test_the_roll_is_found_by_name_initials_birth_date_and_phone(db: Database) -> None:
    aid, _ = _roll(db)
    find = roll_edit.RollFilter
    assert _names(db, aid, find("김민")) == ["김민수", "김민지"]
    assert _names(db, aid, find("ㄱㅁㅅ")) == ["김민수"]
    assert _names(db, aid, find("1980-03-15")) == ["김민수"]
    assert _names(db, aid, find("4321")) == ["김민지"]
    assert _names(db, aid, find("", checked_in=True)) == ["김민수"]
    assert _names(db, aid, find("김", checked_in=False)) == ["김민지"]
    assert _names(db, aid, find("", category=Category.WORKER)) == []


def test_a_correction_is_audited_keeps_the_card_and_the_check_in(any_db: Database) -> None:
    aid, ids = _roll(any_db)
    with any_db.uow() as uow:
        before = people.get(uow, ids[0])
        assert before is not None
        code = before.card_code

    with any_db.uow() as uow:
        done = roll_edit.correct_person(
            uow,
            aid,
            ids[0],
            roll_edit.Correction(name="김 민수", address="망원동 9", phone="010-0000-1111"),
            "정문",
            FIXED_NOW,
        )

    assert done.fields == ("address", "name", "phone")
    assert done.entry.name == "김 민수" and done.entry.checked_in
    with any_db.uow() as uow:
        after = people.get(uow, ids[0])
        assert after is not None
        assert (after.card_code, after.address, after.phone_last4) == (code, "망원동 9", "1111")
        assert checkin.find_by_code(uow, aid, code) is not None
        published = audit_log.entries(uow)
        official = audit_log.official_entries(uow)
    assert published[-1]["kind"] == "person.corrected"
    assert "김 민수" not in json.dumps(published, ensure_ascii=False)
    assert official[-1]["private"]["person"] == ids[0]
    assert official[-1]["private"]["fields"] == ["address", "name", "phone"]


def test_a_correction_follows_the_import_rules(db: Database) -> None:
    aid, ids = _roll(db)
    bad = [
        roll_edit.Correction(name="김\u200b민수"),  # a hidden character
        roll_edit.Correction(address="가" * 301),  # wider than the column
        roll_edit.Correction(phone="12"),  # fewer than four digits
        roll_edit.Correction(birth_date=date(1899, 12, 31)),
        # someone else: same name, birth date and address as 김민지
        roll_edit.Correction(name="김민지", birth_date=date(1992, 11, 2), address="성산동 김민지"),
    ]
    for correction in bad:
        with db.uow() as uow, pytest.raises(InvalidInput):
            roll_edit.correct_person(uow, aid, ids[0], correction, "정문", FIXED_NOW)
    with db.uow() as uow:
        assert [e["kind"] for e in audit_log.entries(uow)].count("person.corrected") == 0


def test_a_correction_that_changes_eligibility_moves_the_eligible_count(db: Database) -> None:
    aid, ids = _roll(db)
    with db.uow() as uow:
        assert status.status(uow, aid).eligible == 3
        roll_edit.correct_person(
            uow, aid, ids[3], roll_edit.Correction(birth_date=date(1984, 5, 5)), "정문", FIXED_NOW
        )
    with db.uow() as uow:
        assert status.status(uow, aid).eligible == 4


def test_the_export_has_no_card_codes_opens_in_excel_and_merges_back(
    db: Database, tmp_path: Path
) -> None:
    aid, ids = _roll(db)
    out = tmp_path / "명부.csv"
    with db.uow() as uow:
        assert roll_edit.export_roll(uow, aid, out) == 4
        codes = {p.card_code for p in people.roll_listing(uow, aid)}
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Hangul
    text = raw.decode("utf-8-sig")
    assert not any(code in text for code in codes)
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][:3] == ["명부번호", "성명", "생년월일"]
    assert rows[1][:3] == [str(ids[0]), "김민수", "1980-03-15"] and rows[1][7] == "5678"
    with db.uow() as uow:  # the exported file is a roll the importer reads as it is
        plan = roll_merge.preview_merge(uow, aid, out)
    assert plan.ok and plan.unchanged == 4 and not plan.new and not plan.missing


def test_one_card_is_reprinted_with_the_same_code_and_audited(
    any_db: Database, tmp_path: Path
) -> None:
    """A second card in circulation could vote in someone's name: the chain says a card
    was reprinted (publicly, nothing about whose), the sealed part whose and where."""
    aid, ids = _roll(any_db)
    out = tmp_path / "card.pdf"
    with any_db.uow() as uow:
        before = len(audit_log.entries(uow))
        result = cards.write_card(uow, aid, ids[1], out, "정문", FIXED_NOW)
    assert result.count == 1 and out.read_bytes().startswith(b"%PDF")
    with any_db.uow() as uow:
        published = audit_log.entries(uow)
        official = audit_log.official_entries(uow)
    assert len(published) == before + 1
    assert published[-1]["kind"] == "card.reprinted"
    assert published[-1]["data"] == {"assembly": aid}
    assert "김민지" not in json.dumps(published, ensure_ascii=False)
    assert official[-1]["private"]["person"] == ids[1]
    assert official[-1]["private"]["desk"] == "정문"
    with any_db.uow() as uow, pytest.raises(NotFound):
        cards.write_card(uow, aid, 99999, tmp_path / "none.pdf", "정문", FIXED_NOW)
    with any_db.uow() as uow:  # a refused reprint leaves no trace
        assert len(audit_log.entries(uow)) == before + 1


def test_correcting_a_checked_in_person_out_of_eligibility_says_what_it_means(
    db: Database,
) -> None:
    """김민수 is in; the corrected birth date makes him 16 where 19 is the minimum. The
    check-in stays (it happened) but leaves the quorum, and the volunteer is told."""
    aid, ids = _roll(db)
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 1
        done = roll_edit.correct_person(
            uow, aid, ids[0], roll_edit.Correction(birth_date=date(2010, 3, 15)), "정문", FIXED_NOW
        )
    assert done.entry.checked_in and done.notice is not None
    assert "이미 입장" in done.notice and "정족수" in done.notice and "만 16세" in done.notice
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 0
        back = roll_edit.correct_person(
            uow, aid, ids[0], roll_edit.Correction(birth_date=date(1980, 3, 15)), "정문", FIXED_NOW
        )
    assert back.notice is not None and "참여 자격이 생겼습니다" in back.notice
    with db.uow() as uow:
        assert status.status(uow, aid).checked_in == 1
        plain = roll_edit.correct_person(
            uow, aid, ids[0], roll_edit.Correction(address="망원동 1"), "정문", FIXED_NOW
        )
    assert plain.notice is None
