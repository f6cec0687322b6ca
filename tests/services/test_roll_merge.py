"""An updated roll merged into the roll, on SQLite and PostgreSQL.

What a chair would notice: the new people appear with cards, a moved person keeps their
card and check-in, people missing from the file stay on the roll and are listed, the
preview says field by field what changes, and a failure half-way leaves the roll as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.repositories import people
from assembly_desk.services import audit_log, checkin, roll, roll_merge, status
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly, write_csv

HEADER = "성명,생년월일,주소,통,반,연락처,구분"
FIRST = [
    HEADER,
    "김민수,1980-03-15,성산동 1,3,2,010-1234-5678,주민",
    "이영희,1975-06-01,성산동 2,4,1,010-2222-3333,주민",
    "박철수,1990-01-20,성산동 3,5,1,010-3333-4444,주민",
]


def _codes(db: Database) -> dict[str, tuple[int, str]]:
    with db.uow() as uow:
        rows = uow.session.execute(select(PersonRow.name, PersonRow.id, PersonRow.card_code))
        return {name: (pid, code) for name, pid, code in rows}


def _first_roll(db: Database, tmp_path: Path) -> int:
    aid = make_assembly(db, min_age=19)
    with db.uow() as uow:
        roll.import_roll(uow, aid, write_csv(tmp_path / "first.csv", FIRST), FIXED_NOW)
    return aid


def _preview(db: Database, aid: int, path: Path) -> roll_merge.MergePlan:
    with db.uow() as uow:
        return roll_merge.preview_merge(uow, aid, path)


def _merge(
    db: Database, aid: int, path: Path, plan: roll_merge.MergePlan
) -> roll_merge.MergeReport:
    with db.uow() as uow:
        return roll_merge.merge_roll(uow, aid, path, FIXED_NOW, plan)


def test_merge_adds_new_changes_fields_keeps_codes_and_lists_missing(
    any_db: Database, tmp_path: Path
) -> None:
    aid = _first_roll(any_db, tmp_path)
    before = _codes(any_db)
    kim_id = before["김민수"][0]
    with any_db.uow() as uow:  # 김민수 is in the hall already
        checkin.check_in_person(uow, aid, kim_id, "정문", FIXED_NOW)
    updated = write_csv(
        tmp_path / "updated.csv",
        [
            HEADER,
            "김민수,1980-03-15,망원동 9,8,1,010-1234-5678,주민",  # moved house
            "이영희,1975-06-01,성산동 2,4,1,010-2222-3333,주민",  # unchanged
            "최지우,1988-08-08,성산동 4,6,2,010-5555-6666,주민",  # new
            "한어린,2012-02-02,성산동 5,6,2,010-7777-8888,주민",  # new, too young
        ],
    )

    plan = _preview(any_db, aid, updated)

    assert plan.ok and plan.unchanged == 1
    assert [r.name for r in plan.new] == ["최지우", "한어린"] and plan.new_eligible == 1
    assert plan.preview.eligible == 3  # of the four people in the file
    (change,) = plan.changed
    assert change.person_id == kim_id
    assert [(c.field, c.old, c.new) for c in change.changes] == [
        ("address", "성산동 1", "망원동 9"),
        ("tong", "3", "8"),
        ("ban", "2", "1"),
    ]
    (gone,) = plan.missing
    assert gone.person_id == before["박철수"][0] and not gone.checked_in
    assert _codes(any_db) == before  # a preview writes nothing

    report = _merge(any_db, aid, updated, plan)

    assert (report.added, report.changed, report.unchanged, report.missing) == (2, 1, 1, 1)
    after = _codes(any_db)
    for name in ("김민수", "이영희", "박철수"):  # nobody's card changed, nobody was removed
        assert after[name] == before[name]
    assert {"최지우", "한어린"} <= set(after) and len(set(c for _, c in after.values())) == 5
    with any_db.uow() as uow:
        kim = people.get(uow, kim_id)
        assert kim is not None and (kim.address, kim.tong, kim.ban) == ("망원동 9", "8", "1")
        assert (
            uow.session.execute(
                select(CheckInRow.person_id).where(CheckInRow.person_id == kim_id)
            ).scalar_one()
            == kim_id
        )  # the check-in survived the move
        st = status.status(uow, aid)
        published = audit_log.entries(uow)
        official = audit_log.official_entries(uow)
    assert (st.roll_total, st.eligible, st.checked_in) == (5, 4, 1)
    entry = published[-1]
    assert entry["kind"] == "roll.merged"
    assert entry["data"]["added"] == 2 and entry["data"]["missing"] == 1
    assert entry["data"]["file_sha256"] == plan.preview.file_sha256
    text = json.dumps(published, ensure_ascii=False)
    assert "김민수" not in text and "망원동" not in text  # ids, never names or addresses
    private = official[-1]["private"]
    assert private["changed"] == {str(kim_id): ["address", "tong", "ban"]}
    assert private["missing"] == [before["박철수"][0]]


def test_a_column_absent_or_a_cell_left_empty_changes_nobody(db: Database, tmp_path: Path) -> None:
    aid = _first_roll(db, tmp_path)
    poorer = write_csv(
        tmp_path / "names_only.csv",
        ["성명,생년월일,주소", "김민수,1980-03-15,", "이영희,1975-06-01,성산동 2"],
    )
    plan = _preview(db, aid, poorer)
    assert plan.changed == () and plan.unchanged == 2 and len(plan.missing) == 1


def test_two_namesakes_on_the_roll_need_an_address_to_tell_them_apart(
    db: Database, tmp_path: Path
) -> None:
    aid = make_assembly(db)
    two = write_csv(
        tmp_path / "two.csv",
        ["성명,생년월일,주소", "김민수,1980-03-15,성산동 1", "김민수,1980-03-15,성산동 7"],
    )
    with db.uow() as uow:
        roll.import_roll(uow, aid, two, FIXED_NOW)
    vague = write_csv(tmp_path / "vague.csv", ["성명,생년월일,주소", "김민수,1980-03-15,"])

    plan = _preview(db, aid, vague)

    assert not plan.ok
    assert plan.problems[0].key == "roll_merge.ambiguous" and plan.problems[0].row == 2
    with pytest.raises(roll_merge.MergeRejected):
        _merge(db, aid, vague, plan)


def test_a_failure_half_way_leaves_the_roll_as_it_was(
    any_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = _first_roll(any_db, tmp_path)
    before = _codes(any_db)
    updated = write_csv(
        tmp_path / "updated.csv",
        [
            HEADER,
            "김민수,1980-03-15,망원동 9,8,1,010-1234-5678,주민",
            "최지우,1988-08-08,성산동 4,6,2,010-5555-6666,주민",
        ],
    )
    plan = _preview(any_db, aid, updated)
    with any_db.uow() as uow:
        chain_before = len(audit_log.entries(uow))

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(people, "insert_many", broken)  # after the change, before the audit
    with pytest.raises(RuntimeError):
        _merge(any_db, aid, updated, plan)

    assert _codes(any_db) == before
    with any_db.uow() as uow:
        kim = people.get(uow, before["김민수"][0])
        assert kim is not None and kim.address == "성산동 1"
        assert len(audit_log.entries(uow)) == chain_before
        assert status.status(uow, aid).eligible == 3


def test_a_roll_changed_since_the_preview_asks_for_a_new_preview(
    db: Database, tmp_path: Path
) -> None:
    aid = _first_roll(db, tmp_path)
    updated = write_csv(
        tmp_path / "updated.csv", [HEADER, "최지우,1988-08-08,성산동 4,6,2,010-5555-6666,주민"]
    )
    plan = _preview(db, aid, updated)
    with db.uow() as uow:  # meanwhile 최지우 walked in at a desk
        roll.register_walk_in(
            uow, aid, roll.WalkIn("최지우", plan.new[0].birth_date), "정문", FIXED_NOW
        )
    with pytest.raises(Refused) as refused:
        _merge(db, aid, updated, plan)
    assert refused.value.key == "roll_merge.stale"
    assert len(_codes(db)) == 4


def test_the_file_must_still_be_the_one_previewed(db: Database, tmp_path: Path) -> None:
    aid = _first_roll(db, tmp_path)
    path = write_csv(tmp_path / "u.csv", [HEADER, "최지우,1988-08-08,성산동 4,6,2,,주민"])
    plan = _preview(db, aid, path)
    write_csv(path, [HEADER, "최지우,1988-08-08,성산동 4,6,2,,주민", "또누구,1970-01-01,,,,,"])
    with pytest.raises(roll.FileChanged):
        _merge(db, aid, path, plan)
    assert len(_codes(db)) == 3
