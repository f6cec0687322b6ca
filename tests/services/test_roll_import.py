"""Importing a roll through the services: all rows or none, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.models import PersonRow
from assembly_desk.services import audit_log, roll, status
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly, write_csv


def _people(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.execute(select(func.count()).select_from(PersonRow)).scalar_one()


def test_cp949_roll_is_imported_with_codes_and_eligibility(
    any_db: Database, tmp_path: Path
) -> None:
    aid = make_assembly(any_db, min_age=19)
    path = write_csv(
        tmp_path / "명부.csv",
        [
            "성명,생년월일,통,반,연락처",
            "김민수,1980-03-15,3,2,010-1234-5678",
            "이영희,2010-05-01,4,1,010-2222-3333",
        ],
        encoding="cp949",
    )
    with any_db.uow() as uow:
        report = roll.import_roll(uow, aid, path, FIXED_NOW)
    assert (report.imported, report.eligible) == (2, 1)
    with any_db.uow() as uow:
        st = status.status(uow, aid)
        codes = uow.session.execute(select(PersonRow.card_code)).scalars().all()
        events = [e for e in audit_log.entries(uow) if e["kind"] == "roll.imported"]
    assert (st.roll_total, st.eligible) == (2, 1)
    assert all(len(c) == 11 and c.isdigit() for c in codes)
    assert events[0]["data"]["rows"] == 2 and len(events[0]["data"]["file_sha256"]) == 64


def test_xlsx_roll_is_imported(db: Database, tmp_path: Path) -> None:
    aid = make_assembly(db)
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "birth date", "category"])
    ws.append(["Kim Minsu", "1980-03-15", "resident"])
    ws.append(["박지영", "1975-01-09", "worker"])
    path = tmp_path / "roll.xlsx"
    wb.save(path)
    with db.uow() as uow:
        report = roll.import_roll(uow, aid, path, FIXED_NOW)
    assert report.imported == 2 and report.eligible == 1


def test_bad_rows_write_nothing_and_name_every_problem(any_db: Database, tmp_path: Path) -> None:
    aid = make_assembly(any_db)
    path = write_csv(
        tmp_path / "bad.csv",
        [
            "성명,생년월일,구분",
            "김민수,1980-03-15,주민",
            ",1981-01-01,주민",
            "박지영,1980-02-30,주민",
            "최영수,1970-01-01,외계인",
        ],
    )
    with any_db.uow() as uow, pytest.raises(roll.ImportRejected) as rejected:
        roll.import_roll(uow, aid, path, FIXED_NOW)
    rows = sorted(p.row for p in rejected.value.problems)
    assert rows == [3, 4, 5]
    assert "아무것도" in rejected.value.message()
    assert _people(any_db) == 0


def test_rrn_column_is_refused_and_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    aid = make_assembly(db)
    path = write_csv(tmp_path / "rrn.csv", ["성명,주민등록번호", "김민수,800315-1234567"])
    with db.uow() as uow, pytest.raises(Refused) as refused:
        roll.import_roll(uow, aid, path, FIXED_NOW)
    assert "주민등록번호" in refused.value.message()
    assert _people(db) == 0


def test_importing_the_same_roll_twice_is_refused(db: Database, tmp_path: Path) -> None:
    aid = make_assembly(db)
    path = write_csv(tmp_path / "r.csv", ["성명,생년월일", "김민수,1980-03-15"])
    with db.uow() as uow:
        roll.import_roll(uow, aid, path, FIXED_NOW)
    with db.uow() as uow, pytest.raises(roll.ImportRejected) as rejected:
        roll.import_roll(uow, aid, path, FIXED_NOW)
    assert "이미 명부" in rejected.value.problems[0].message()
    assert _people(db) == 1


def test_the_file_imported_is_the_file_previewed(any_db: Database, tmp_path: Path) -> None:
    """The logged hash is of the bytes previewed; a file changed since is refused whole."""
    import hashlib

    aid = make_assembly(any_db)
    path = write_csv(tmp_path / "명부.csv", ["성명,생년월일", "김민수,1980-03-15"])
    previewed = hashlib.sha256(path.read_bytes()).hexdigest()
    preview = roll.preview_import(path)
    write_csv(path, ["성명,생년월일", "김민수,1980-03-15", "몰래추가,1990-01-01"])

    with any_db.uow() as uow, pytest.raises(roll.FileChanged) as refused:
        roll.import_roll(uow, aid, path, FIXED_NOW, preview=preview)
    assert "미리보기 뒤에 바뀌었습니다" in refused.value.message()
    assert _people(any_db) == 0

    write_csv(path, ["성명,생년월일", "김민수,1980-03-15"])  # back to what was previewed
    with any_db.uow() as uow:
        report = roll.import_roll(uow, aid, path, FIXED_NOW, preview=preview)
    with any_db.uow() as uow:
        logged = [e for e in audit_log.entries(uow) if e["kind"] == "roll.imported"]
    assert report.file_sha256 == previewed == logged[0]["data"]["file_sha256"]
    assert report.imported == 1 and _people(any_db) == 1


def test_a_workbook_with_a_hidden_row_imports_nothing(any_db: Database, tmp_path: Path) -> None:
    aid = make_assembly(any_db)
    wb = Workbook()
    ws = wb.active
    ws.append(["성명", "생년월일"])
    ws.append(["김민수", "1980-03-15"])
    ws.append(["숨은사람", "1981-01-01"])
    ws.row_dimensions[3].hidden = True
    path = tmp_path / "hidden.xlsx"
    wb.save(path)

    with any_db.uow() as uow, pytest.raises(roll.ImportRejected) as rejected:
        roll.import_roll(uow, aid, path, FIXED_NOW)

    assert [p.row for p in rejected.value.problems] == [3]
    assert _people(any_db) == 0


def test_the_command_line_names_the_hidden_sheet_it_did_not_read(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assembly_desk.cli import main
    from assembly_desk.services.database import open_database

    db = open_database(sqlite_url)
    try:
        make_assembly(db)
    finally:
        db.dispose()
    wb = Workbook()
    wb.active.title = "작년"
    wb.active.sheet_state = "hidden"
    ws = wb.create_sheet("올해")
    ws.append(["성명", "생년월일"])
    ws.append(["김민수", "1980-03-15"])
    path = tmp_path / "roll.xlsx"
    wb.save(path)
    capsys.readouterr()

    assert main(["--db", sqlite_url, "roll", "import", str(path)]) == 0

    out = capsys.readouterr().out
    assert "숨겨진 시트 ‘작년’" in out and "‘올해’" in out
