"""Scanning at the door: the banner colour, the words, repeats, other desks, the IME."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assembly_desk.domain import card_code
from assembly_desk.gui.desk.page import DeskPage
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.services import status
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from tests.gui.conftest import (
    WAIT_MS,
    Roll,
    StepClock,
    ime_commits,
    scanner_types,
    type_keys,
    wait_banner,
)

pytestmark = pytest.mark.gui


def checked_in(db: Database, aid: int) -> int:
    with db.uow() as uow:
        return status.status(uow, aid).checked_in


def test_fast_keystrokes_and_enter_show_a_green_banner_with_the_name(
    qtbot: QtBot, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    searches: list[str] = []
    desk.field.searchRequested.connect(searches.append)
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "이영희"
    assert desk.banner.headline.text() == "입장 확인"
    assert desk.banner.undo_button.isVisibleTo(desk.banner)
    assert desk.field.text() == ""
    assert searches == []  # the scanner's digits were never searched (no flicker)
    assert checked_in(db, seeded.assembly_id) == 1


def test_same_code_twice_is_shown_as_a_repeat_and_counted_once(
    qtbot: QtBot, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    scanner_types(qtbot, desk, seeded.lee.card_code)
    qtbot.waitUntil(lambda: desk.banner.repeat_badge.isVisibleTo(desk.banner), timeout=WAIT_MS)
    assert desk.banner.colour == "green"
    assert "한 번만" in desk.banner.detail.text()
    assert "×2" in desk.banner.repeat_badge.text()
    assert checked_in(db, seeded.assembly_id) == 1


def test_a_card_already_used_at_another_desk_is_amber_and_names_that_desk(
    qtbot: QtBot, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    DeskSession(db, seeded.assembly_id, "2번 데스크").scan(seeded.kim_a.card_code)
    scanner_types(qtbot, desk, seeded.kim_a.card_code)
    wait_banner(qtbot, desk, "amber")
    assert desk.banner.headline.text() == "이미 입장함"
    assert "2번 데스크" in desk.banner.detail.text()
    assert desk.banner.name.text() == "김민수"


def test_unknown_code_is_red_not_on_roll(qtbot: QtBot, desk: DeskPage) -> None:
    body = "5555555555"
    scanner_types(qtbot, desk, body + str(card_code.damm_digit(body)))
    wait_banner(qtbot, desk, "red")
    assert desk.banner.headline.text() == "명부에 없음"


def test_mistyped_code_is_red_with_the_check_digit_reason(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    code = seeded.lee.card_code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    scanner_types(qtbot, desk, wrong)
    wait_banner(qtbot, desk, "red")
    assert desk.banner.headline.text() == "카드 번호 오류"
    assert wrong in desk.banner.detail.text()


def test_not_eligible_is_red_with_the_age_reason(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    scanner_types(qtbot, desk, seeded.child.card_code)
    wait_banner(qtbot, desk, "red")
    assert desk.banner.headline.text() == "참여 자격 없음"
    assert "나이" in desk.banner.detail.text()
    assert not desk.banner.undo_button.isVisibleTo(desk.banner)


def test_scanner_digits_as_ime_commit_strings_with_hangul_mode_on(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    ime_commits(desk, seeded.lee.card_code)
    assert desk.field.text() == seeded.lee.card_code
    qtbot.keyClick(desk.field, "\r")
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "이영희"


def test_full_width_digits_from_the_ime_check_in(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in seeded.kim_b.card_code)
    ime_commits(desk, full_width, one_by_one=False)
    assert desk.field.text() == full_width  # passed through untouched
    qtbot.keyClick(desk.field, "\r")
    wait_banner(qtbot, desk, "green")
    assert "1992.11" in desk.banner.hint.text()


def test_scan_interrupting_a_half_typed_name_uses_only_the_scanned_code(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    clock = StepClock(0.3)
    desk.field.clock = clock
    type_keys(desk.field, "김이")
    assert desk.field.text() == "김이"
    clock.step = 0.002
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "이영희"


@pytest.mark.parametrize("stall_after", [1, 4, 9, 11], ids=lambda n: f"after-{n}")
def test_a_laptop_stall_inside_a_scan_still_checks_in_the_right_person(
    qtbot: QtBot, desk: DeskPage, seeded: Roll, stall_after: int
) -> None:
    """The window handles the digits after a stall 0.6 s late; the code is still one."""
    scanner_types(qtbot, desk, seeded.lee.card_code, stall_after=stall_after)
    qtbot.waitUntil(lambda: desk.banner.colour != "idle", timeout=WAIT_MS)
    assert desk.banner.colour == "green", desk.banner.headline.text()
    assert desk.banner.name.text() == "이영희"
    assert desk.field.text() == ""


def test_slow_digits_with_a_long_pause_are_searched_not_scanned(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    """A volunteer typing the last phone digits, thinking in between: a search."""
    scans: list[str] = []
    desk.field.scanned.connect(scans.append)
    clock = StepClock(0.15)
    desk.field.clock = clock
    type_keys(desk.field, "43")
    clock.now += 0.8
    type_keys(desk.field, "21")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 1, timeout=WAIT_MS)
    assert desk.results.hits[0].person.birth_hint() == "1992.11"
    assert scans == [] and desk.banner.colour == "idle"


def test_counts_follow_this_desk_and_the_others(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    qtbot.waitUntil(
        lambda: desk.counts.status is not None and desk.counts.status.checked_in == 1,
        timeout=WAIT_MS,
    )
    DeskSession(db, seeded.assembly_id, "2번 데스크").scan(seeded.kim_a.card_code)
    window.poller.refresh()  # what the two-second timer does
    qtbot.waitUntil(lambda: desk.counts.status.checked_in == 2, timeout=WAIT_MS)
    assert "2명" in desk.counts.checked_in.text()
    assert "3명" in desk.counts.quorum.text()  # quorum of 3, 1 missing
    assert window.poller.timer.isActive() and window.poller.timer.interval() == 2000


def test_a_slow_count_query_stretches_the_refresh_interval(
    qtbot: QtBot, window: MainWindow, seeded: Roll
) -> None:
    """A refresh that takes 0.5 s (by the poller's clock) may use a tenth of the worker."""
    window.poller._clock = StepClock(0.5)
    window.poller.refresh()
    qtbot.waitUntil(lambda: window.poller.timer.interval() == 5000, timeout=WAIT_MS)
    assert window.poller.last_seconds == pytest.approx(0.5)
