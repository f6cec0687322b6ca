"""The walk-in form when the roll already holds someone with that name and birth date."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assembly_desk.gui.main_window import MainWindow
from assembly_desk.services import audit_log, status
from assembly_desk.services.database import Database
from tests.gui.conftest import WAIT_MS, Roll

pytestmark = pytest.mark.gui


def test_a_match_is_shown_and_registering_needs_a_reason(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database
) -> None:
    form = window.roll_page.walk_in
    assert form.match_reason.isHidden()
    form.name.setText("이 영희")  # a space does not make another person
    form.birth.setText("1975-06-01")
    form.register_button.click()

    qtbot.waitUntil(lambda: "명부 번호" in form.error.text(), timeout=WAIT_MS)
    assert str(seeded.lee.person.id) in form.error.text()
    assert seeded.lee.card_code not in form.error.text()
    assert not form.match_reason.isHidden()
    with db.uow() as uow:
        before = status.status(uow, seeded.assembly_id).roll_total

    form.match_reason.setText("동명이인: 생년월일만 같고 다른 분, 신분증 확인")
    form.register_button.click()

    qtbot.waitUntil(lambda: form.match_reason.isHidden(), timeout=WAIT_MS)
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).roll_total == before + 1
        last = audit_log.official_entries(uow)[-1]
    assert last["data"]["despite_match"] is True
    assert last["private"]["reason"] == "동명이인: 생년월일만 같고 다른 분, 신분증 확인"


def test_changing_the_name_asks_again(qtbot: QtBot, window: MainWindow, seeded: Roll) -> None:
    form = window.roll_page.walk_in
    form.name.setText("이영희")
    form.birth.setText("1975-06-01")
    form.register_button.click()
    qtbot.waitUntil(lambda: not form.match_reason.isHidden(), timeout=WAIT_MS)
    form.match_reason.setText("다른 분")

    form.name.setFocus()
    qtbot.keyClicks(form.name, "a")  # a keystroke (QtTest types ASCII only)

    assert form.match_reason.isHidden() and form.match_reason.text() == ""
