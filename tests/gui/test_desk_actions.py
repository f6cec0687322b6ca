"""Undo with a reason, guardian consent, walk-ins, and the field keeping the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from assembly_desk.gui.desk.page import DeskPage
from assembly_desk.gui.desk.undo_dialog import UndoDialog
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.gui.widgets.walk_in_form import WalkInDialog
from assembly_desk.services import audit_log, status
from assembly_desk.services.database import Database
from tests.conftest import make_assembly
from tests.gui.conftest import (
    WAIT_MS,
    Roll,
    StepClock,
    open_window,
    scanner_types,
    type_keys,
    wait_banner,
)
from tests.services.helpers import add_person

pytestmark = pytest.mark.gui


def focused(window: MainWindow) -> bool:
    return window.focusWidget() is window.desk_page.field


def test_undo_asks_a_reason_and_removes_the_check_in(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    qtbot.mouseClick(desk.banner.undo_button, Qt.MouseButton.LeftButton)
    dialog = desk.dialog
    assert isinstance(dialog, UndoDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no undo
    dialog.reason.setEditText("다른 사람 카드를 찍음")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.banner.colour == "info", timeout=WAIT_MS)
    assert "취소" in desk.banner.headline.text()
    assert "다른 사람 카드를 찍음" in desk.banner.detail.text()
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).checked_in == 0
        kinds = [e["kind"] for e in audit_log.entries(uow)]
    assert kinds[-1] == "checkin.undone"
    qtbot.waitUntil(lambda: focused(window), timeout=WAIT_MS)


def test_cancelled_undo_changes_nothing(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    desk.banner.undo_button.click()
    assert desk.dialog is not None
    desk.dialog.reject()
    assert desk.banner.colour == "green"
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).checked_in == 1
    assert focused(window)


def test_focus_returns_to_the_field_after_every_kind_of_action(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll
) -> None:
    assert focused(window)
    scanner_types(qtbot, desk, seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
    assert focused(window)
    desk.field.clock = StepClock()
    type_keys(desk.field, "김민수")
    qtbot.waitUntil(lambda: len(desk.results.hits) == 2, timeout=WAIT_MS)
    item = desk.results.tree.topLevelItem(1)
    rect = desk.results.tree.visualItemRect(item)
    qtbot.mouseClick(desk.results.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert focused(window)
    assert desk.results.selected_hit() is desk.results.hits[1]
    qtbot.mouseClick(desk.results.check_in_button, Qt.MouseButton.LeftButton)
    wait_banner(qtbot, desk, "green")
    assert focused(window)
    qtbot.mouseClick(desk.walk_in_button, Qt.MouseButton.LeftButton)
    assert isinstance(desk.dialog, WalkInDialog)
    desk.dialog.reject()
    assert focused(window)
    window.tabs.setCurrentIndex(3)
    window.tabs.setCurrentIndex(0)
    assert focused(window)


def test_guardian_consent_button_checks_in_a_child(qtbot: QtBot, db: Database) -> None:
    aid = make_assembly(db, min_age=0, guardian=True)
    child = add_person(db, aid, "최아이", date(2016, 4, 4))
    window = open_window(qtbot, db, aid)
    try:
        desk = window.desk_page
        scanner_types(qtbot, desk, child.card_code)
        wait_banner(qtbot, desk, "amber")
        assert desk.banner.headline.text() == "보호자 동의 확인 필요"
        assert desk.banner.consent_button.isVisibleTo(desk.banner)
        qtbot.mouseClick(desk.banner.consent_button, Qt.MouseButton.LeftButton)
        wait_banner(qtbot, desk, "green")
        assert desk.banner.name.text() == "최아이"
        assert focused(window)
    finally:
        window.shutdown()


def test_walk_in_shows_the_verdict_while_typing_then_registers_and_checks_in(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll, db: Database
) -> None:
    desk.open_walk_in()
    dialog = desk.dialog
    assert isinstance(dialog, WalkInDialog)
    form = dialog.form
    form.name.setText("정새내")
    form.birth.setText("2015-01-01")
    qtbot.waitUntil(lambda: "나이" in form.verdict.text(), timeout=WAIT_MS)
    form.birth.setText("1988.7.7")
    qtbot.waitUntil(lambda: "참여할 수 있습니다" in form.verdict.text(), timeout=WAIT_MS)
    form.birth.setText("88-07-07")
    qtbot.waitUntil(lambda: "두 자리" in form.verdict.text(), timeout=WAIT_MS)
    form.birth.setText("19880707")
    form.register_in_button.click()
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "정새내"
    assert desk.dialog is None
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).checked_in == 1


def test_walk_in_duplicate_is_refused_inline(
    qtbot: QtBot, window: MainWindow, desk: DeskPage, seeded: Roll
) -> None:
    form = window.roll_page.walk_in
    form.name.setText("이영희")
    form.birth.setText("1975-06-01")
    form.address.setText("성산동 이영희")
    form.register_button.click()
    qtbot.waitUntil(lambda: "이미 명부에" in form.error.text(), timeout=WAIT_MS)
