"""Importing a roll from the window: preview first, refuse 주민등록번호, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assembly_desk.gui.main_window import MainWindow
from assembly_desk.services import status
from assembly_desk.services.database import Database
from tests.conftest import write_csv
from tests.gui.conftest import WAIT_MS, Roll

pytestmark = pytest.mark.gui

HEADER = "성명,생년월일,주소,통,반,연락처"


def test_a_file_with_an_rrn_column_is_refused_with_the_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "명부.csv",
        [
            "성명,주민등록번호,주소",
            "홍길동,800101-1234567,성산동 1",
            "김철수,850202-1234567,성산동 2",
            "이영수,900303-2234567,성산동 3",
        ],
    )
    page = window.roll_page
    page.load_file(path)
    qtbot.waitUntil(lambda: page.refusal.isVisibleTo(page), timeout=WAIT_MS)
    text = page.refusal.text()
    assert "주민등록번호" in text and "‘주민등록번호’" in text
    assert "개인정보 보호법" in text
    assert not page.import_button.isEnabled()
    assert page.preview.sample.rowCount() == 0


def test_problems_are_listed_by_row_and_column_and_block_the_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "roll.csv",
        [HEADER, "홍길동,1980-01-01,성산동 1,1,1,010-1111-2222", "김철수,80-02-02,성산동 2,1,1,"],
    )
    page = window.roll_page
    page.load_file(path)
    qtbot.waitUntil(lambda: page.preview.problem_count == 1, timeout=WAIT_MS)
    assert not page.import_button.isEnabled()
    table = page.preview.problems
    assert table.item(0, 0).text() == "3"
    assert table.item(0, 1) is not None and table.item(0, 1).text() == "생년월일"
    assert "두 자리" in table.item(0, 2).text()


def test_a_clean_file_previews_then_imports(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database, tmp_path: Path
) -> None:
    rows = [HEADER] + [
        f"주민{i},19{50 + i}-0{1 + i % 9}-1{i % 9},성산동 {i},{i % 5 + 1},{i % 3 + 1},"
        f"010-0000-{i:04d}"
        for i in range(12)
    ]
    path = write_csv(tmp_path / "roll.csv", rows)
    page = window.roll_page
    page.load_file(path)
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=WAIT_MS)
    assert page.preview.sample.rowCount() == 10  # the first ten rows
    assert page.preview.mapping.item(0, 1).text() == "성명"
    phones = {page.preview.sample.item(r, 5).text() for r in range(10)}
    assert all(p.startswith("****") for p in phones)  # only the last four shown
    page.import_button.click()
    qtbot.waitUntil(lambda: "12명을 가져왔습니다" in page.result.text(), timeout=WAIT_MS)
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).roll_total == 4 + 12
