"""Typing at the desk: search as you type, namesakes told apart, Enter and the arrows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assembly_desk.gui.desk.page import DeskPage
from assembly_desk.gui.desk.search_list import row_texts
from tests.gui.conftest import WAIT_MS, Roll, StepClock, ime_commits, type_keys, wait_banner

pytestmark = pytest.mark.gui


def typed(desk: DeskPage, text: str) -> None:
    desk.field.clock = StepClock(0.15)
    type_keys(desk.field, text)


def test_two_kim_minsu_are_listed_distinguishably(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    typed(desk, "김민수")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    rows = [row_texts(hit) for hit in desk.results.hits]
    assert [r[0] for r in rows] == ["김민수", "김민수"]
    assert rows[0] != rows[1]
    assert {r[1] for r in rows} == {"1980.03", "1992.11"}
    assert {r[3] for r in rows} == {"☎ 5678", "☎ 4321"}
    assert {r[2] for r in rows} == {"3통 2반", "7통 1반"}
    assert desk.results.tree.topLevelItemCount() == 2
    assert "2명" in desk.results.caption.text()
    assert desk.banner.colour == "idle"  # typing never checks anyone in


def test_initials_typed_through_the_ime_find_both(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.field.clock = StepClock(0.2)
    ime_commits(desk, "ㄱㅁㅅ")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)


def test_last_four_phone_digits_find_one(qtbot: QtBot, desk: DeskPage, seeded: Roll) -> None:
    typed(desk, "4321")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 1, timeout=WAIT_MS)
    assert desk.results.hits[0].person.birth_hint() == "1992.11"


def test_enter_with_exactly_one_hit_checks_in(qtbot: QtBot, desk: DeskPage, seeded: Roll) -> None:
    typed(desk, "이영희")
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "이영희"
    assert desk.field.text() == ""


def test_enter_with_two_hits_lists_them_and_checks_in_nobody(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    typed(desk, "김민수")
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    assert desk.banner.colour == "idle"


def test_arrow_keys_choose_and_enter_checks_in_the_chosen_one(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    typed(desk, "김민수")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    qtbot.keyClick(desk.field, Qt.Key.Key_Down)
    qtbot.keyClick(desk.field, Qt.Key.Key_Down)
    chosen = desk.results.selected_hit()
    assert chosen is desk.results.hits[1]
    qtbot.keyClick(desk.field, Qt.Key.Key_Up)
    chosen = desk.results.selected_hit()
    assert chosen is desk.results.hits[0]
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    wait_banner(qtbot, desk, "green")
    assert desk.banner.hint.text().startswith(chosen.person.birth_hint())


def test_escape_clears_field_and_list(qtbot: QtBot, desk: DeskPage, seeded: Roll) -> None:
    typed(desk, "김민수")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    qtbot.keyClick(desk.field, Qt.Key.Key_Escape)
    assert desk.field.text() == ""
    assert desk.results.hits == ()


def test_checked_in_person_shows_the_time_in_the_list(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.scan_code(seeded.kim_a.card_code)
    wait_banner(qtbot, desk, "green")
    typed(desk, "김민수")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    times = {row_texts(h)[1]: row_texts(h)[4] for h in desk.results.hits}
    assert "입장" in times["1980.03"]
    assert times["1992.11"] == ""


def test_initials_that_find_nobody_are_echoed_as_typed(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.field.clock = StepClock(0.2)
    ime_commits(desk, "ㅁㄴㅇㄹ")
    expected = "‘ㅁㄴㅇㄹ’(으)로 찾은 사람이 없습니다"
    qtbot.waitUntil(lambda: desk.results.caption.text() == expected, timeout=WAIT_MS)


def test_initials_arriving_as_conjoining_jamo_still_find_both(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.field.clock = StepClock(0.2)
    ime_commits(desk, "\u1100\u1106\u1109")  # ㄱㅁㅅ in the form NFKC gives
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
