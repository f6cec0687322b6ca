"""Importing a roll from the window: preview first, refuse 주민등록번호, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assembly_desk.gui.main_window import MainWindow
from assembly_desk.persistence.repositories import people
from assembly_desk.services import audit_log, status
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


def _roll_tab(qtbot: QtBot, window: MainWindow):  # type: ignore[no-untyped-def]
    page = window.roll_page
    roll_list = page.roll_list
    before = roll_list.loaded
    page.tabs.setCurrentWidget(roll_list)
    qtbot.waitUntil(lambda: roll_list.loaded > before, timeout=WAIT_MS)
    return roll_list


def _filtered(qtbot: QtBot, roll_list, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    before = roll_list.loaded
    roll_list.search.setText(text)
    qtbot.waitUntil(lambda: roll_list.loaded > before, timeout=WAIT_MS)
    return [roll_list.table.item(r, 1).text() for r in range(roll_list.table.rowCount())]


def test_the_roll_page_lists_filters_and_never_shows_a_card_code(
    qtbot: QtBot, window: MainWindow, seeded: Roll
) -> None:
    roll_list = _roll_tab(qtbot, window)
    assert roll_list.table.rowCount() == 4 and "4명" in roll_list.count.text()
    cells = {
        roll_list.table.item(r, c).text()
        for r in range(roll_list.table.rowCount())
        for c in range(roll_list.table.columnCount())
    }
    assert seeded.kim_a.card_code not in cells
    assert _filtered(qtbot, roll_list, "ㄱㅁㅅ") == ["김민수", "김민수"]
    assert _filtered(qtbot, roll_list, "4321") == ["김민수"]
    assert _filtered(qtbot, roll_list, "1975-06-01") == ["이영희"]
    assert _filtered(qtbot, roll_list, "") == ["김민수", "김민수", "이영희", "박어린"]
    before = roll_list.loaded
    roll_list.state.setCurrentIndex(roll_list.state.findData(True))  # checked in: nobody yet
    qtbot.waitUntil(lambda: roll_list.loaded > before, timeout=WAIT_MS)
    assert roll_list.table.rowCount() == 0


def test_a_correction_from_the_roll_page_keeps_the_card(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database, tmp_path: Path
) -> None:
    roll_list = _roll_tab(qtbot, window)
    lee = seeded.lee.person.id
    assert roll_list.select_person(lee)
    form = roll_list.form
    assert form.name.text() == "이영희" and form.phone.text() == "3333"
    form.phone.setText("12")
    form.save_button.click()
    qtbot.waitUntil(lambda: "4개 이상" in form.message.text(), timeout=WAIT_MS)
    form.phone.setText("010-4444-5555")
    form.address.setText("망원동 9")
    form.save_button.click()
    qtbot.waitUntil(lambda: "고쳤습니다" in form.message.text(), timeout=WAIT_MS)
    assert "카드 번호는 그대로" in form.message.text()
    with db.uow() as uow:
        row = people.get(uow, lee)
        assert row is not None
        assert (row.phone_last4, row.address, row.card_code) == (
            "5555",
            "망원동 9",
            seeded.lee.card_code,
        )
        assert audit_log.entries(uow)[-1]["kind"] == "person.corrected"

    out = tmp_path / "card.pdf"
    roll_list.reprint_to(lee, out)
    qtbot.waitUntil(lambda: "card.pdf" in roll_list.note.text(), timeout=WAIT_MS)
    assert out.read_bytes().startswith(b"%PDF")
    export = tmp_path / "roll.csv"
    roll_list.export_to(export)
    qtbot.waitUntil(lambda: "roll.csv" in roll_list.note.text(), timeout=WAIT_MS)
    assert seeded.lee.card_code not in export.read_text(encoding="utf-8-sig")


def test_an_updated_roll_is_merged_from_the_window(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database, tmp_path: Path
) -> None:
    page = window.roll_page
    page.merge_check.setChecked(True)
    path = write_csv(
        tmp_path / "updated.csv",
        [
            "성명,생년월일,주소,통,반,연락처",
            "이영희,1975-06-01,망원동 9,3,2,010-2222-3333",
            "최지우,1988-08-08,성산동 4,6,2,010-5555-6666",
        ],
    )
    page.load_file(path)
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=WAIT_MS)
    summary = page.preview.summary.text()
    assert "새로 추가 1명" in summary and "바뀜 1명" in summary and "파일에 없음 3명" in summary
    assert "참여 자격자 2명" in summary
    rows = page.preview.change_rows()
    assert any("주소: 성산동 이영희 → 망원동 9" in r[3] for r in rows)
    page.import_button.click()
    qtbot.waitUntil(lambda: "명부를 갱신했습니다" in page.result.text(), timeout=WAIT_MS)
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).roll_total == 5
        row = people.get(uow, seeded.lee.person.id)
        assert row is not None and row.card_code == seeded.lee.card_code
