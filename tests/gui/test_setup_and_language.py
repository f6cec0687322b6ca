"""First start without an assembly, the set-up form's inline errors, and the language menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from assembly_desk.domain.assembly import Category, QuorumKind
from assembly_desk.gui.app import use_qt_translations
from assembly_desk.gui.main_window import DESK, SETUP, MainWindow
from assembly_desk.i18n import language
from assembly_desk.services import assemblies, status
from assembly_desk.services.database import Database
from tests.gui.conftest import WAIT_MS, Roll, open_window, scanner_types, wait_banner

pytestmark = pytest.mark.gui


def test_an_empty_database_opens_on_setup_with_an_explanation(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db, None)
    try:
        assert window.tabs.currentIndex() == SETUP
        assert not window.tabs.isTabEnabled(DESK)
        page = window.setup_page
        assert "아직 총회가 없습니다" in page.intro.text()
        page.save_button.click()  # no title yet
        qtbot.waitUntil(lambda: page.error.text() == "총회 이름을 입력하세요", timeout=WAIT_MS)
        assert "border" in page.title.styleSheet()
        page.title.setText("2026년 망원1동 주민총회")
        page.held_on.setDate(QDate(2026, 11, 28))
        page.categories[Category.RESIDENT].setChecked(False)
        page.save_button.click()
        qtbot.waitUntil(lambda: "구분" in page.error.text(), timeout=WAIT_MS)
        page.categories[Category.RESIDENT].setChecked(True)
        # The quorum starts unset ("정족수 입력") and a quorum of nobody is refused.
        assert page.quorum_value.value() == 0 and page.quorum_value.text() == "정족수 입력"
        page.save_button.click()
        qtbot.waitUntil(lambda: "정족수를 1 이상" in page.error.text(), timeout=WAIT_MS)
        assert "border" in page.quorum_value.styleSheet()
        page.quorum_kind.setCurrentIndex(
            page.quorum_kind.findData(QuorumKind.PERCENT_OF_ROLL.value)
        )
        page.quorum_value.setValue(10)
        page.save_button.click()
        qtbot.waitUntil(lambda: window.tabs.currentIndex() == DESK, timeout=WAIT_MS)
        assert window.tabs.isTabEnabled(DESK)
        with db.uow() as uow:
            created = assemblies.get_assembly(uow)
        assert created.title == "2026년 망원1동 주민총회"
        assert created.quorum.kind is QuorumKind.PERCENT_OF_ROLL and created.quorum.value == 10
        assert "망원1동" in window.where.text()
    finally:
        window.shutdown()


def test_rules_can_be_edited_and_quorum_errors_show_inline(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database
) -> None:
    page = window.setup_page
    window.tabs.setCurrentIndex(SETUP)
    qtbot.waitUntil(lambda: page.selected() is not None, timeout=WAIT_MS)
    assert not page.title.isEnabled()  # fixed once created
    page.quorum_kind.setCurrentIndex(page.quorum_kind.findData(QuorumKind.COUNCIL_MULTIPLE.value))
    page.council.setValue(0)
    page.save_button.click()
    qtbot.waitUntil(lambda: page.error.text() == "위원 수를 입력하세요", timeout=WAIT_MS)
    page.council.setValue(20)
    page.quorum_value.setValue(2)
    page.min_age.setValue(10)
    page.save_button.click()
    qtbot.waitUntil(lambda: "저장" in page.saved_label.text(), timeout=WAIT_MS)
    with db.uow() as uow:
        rules = assemblies.get_assembly(uow, seeded.assembly_id)
    assert rules.quorum.required(100) == 40
    assert rules.rules.min_age == 10


def test_the_language_menu_retranslates_the_visible_window(
    qtbot: QtBot, window: MainWindow, seeded: Roll
) -> None:
    desk = window.desk_page
    scanner_types(qtbot, desk, seeded.kim_a.card_code)
    wait_banner(qtbot, desk, "green")
    assert window.tabs.tabText(DESK) == "입장 확인"
    window.language_menu.actions_by_lang["en"].trigger()
    assert language() == "en"
    assert window.tabs.tabText(DESK) == "Check-in"
    assert desk.banner.headline.text() == "Checked in"
    assert desk.banner.undo_button.text() == "Undo check-in"
    assert desk.field.placeholderText().startswith("Scan a card")
    assert window.language_menu.title() == "Language (언어)"
    assert window.setup_page.save_button.text() == "Save rules"
    assert window.roll_page.walk_in.register_in_button.text() == "Register and check in"
    assert window.store.value("language") == "en"
    window.language_menu.actions_by_lang["ko"].trigger()
    assert desk.banner.headline.text() == "입장 확인"
    assert window.menuBar().actions()[0].text() == "설정"


def test_desk_name_can_be_changed_and_is_used_for_check_ins(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database
) -> None:
    window.rename_desk("  2층   입구 ")
    qtbot.waitUntil(lambda: "2층 입구" in window.where.text(), timeout=WAIT_MS)
    assert window.store.value("desk") == "2층 입구"
    scanner_types(qtbot, window.desk_page, seeded.lee.card_code)
    wait_banner(qtbot, window.desk_page, "green")
    with db.uow() as uow:
        assert status.status(uow, seeded.assembly_id).per_desk == {"2층 입구": 1}


def test_the_consent_range_is_edited_and_read_out_as_one_sentence(
    qtbot: QtBot, window: MainWindow, seeded: Roll, db: Database
) -> None:
    page = window.setup_page
    window.tabs.setCurrentIndex(SETUP)
    qtbot.waitUntil(lambda: page.selected() is not None, timeout=WAIT_MS)
    sentence = page.ages.sentence
    assert sentence.text() == "만 14세부터 참여"
    assert not page.ages.consent_under.isEnabled()
    page.guardian.setChecked(True)  # with the minimum still 14, consent would admit nobody
    assert "최소 나이를 낮추세요" in sentence.text()
    page.save_button.click()
    qtbot.waitUntil(lambda: "최소 나이를 낮추세요" in page.error.text(), timeout=WAIT_MS)
    assert "border" in page.ages.consent_under.styleSheet()
    page.min_age.setValue(12)
    page.ages.consent_under.setValue(14)
    assert sentence.text() == "만 12세부터 참여, 만 14세 미만은 보호자 동의 필요"
    page.save_button.click()
    qtbot.waitUntil(lambda: "저장" in page.saved_label.text(), timeout=WAIT_MS)
    with db.uow() as uow:
        rules = assemblies.get_assembly(uow, seeded.assembly_id).rules
    assert (rules.min_age, rules.guardian_consent, rules.consent_under) == (12, True, 14)
    page.load()  # read back from the database: the form shows the stored rule
    qtbot.waitUntil(lambda: not page.ages.consent_under.styleSheet(), timeout=WAIT_MS)
    assert page.guardian.isChecked() and page.ages.consent_under.value() == 14
    assert sentence.text() == "만 12세부터 참여, 만 14세 미만은 보호자 동의 필요"
    window.language_menu.actions_by_lang["en"].trigger()
    assert sentence.text() == "Ages 12 and over take part; under-14s need a guardian's consent"
    window.language_menu.actions_by_lang["ko"].trigger()


def _cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    return box.button(QDialogButtonBox.StandardButton.Cancel).text()


def test_qt_own_buttons_speak_korean_once_its_catalogue_is_loaded(qapp: QApplication) -> None:
    try:
        assert use_qt_translations(qapp, "ko")
        assert _cancel_text() == "취소"
        assert not use_qt_translations(qapp, "en")
        assert _cancel_text() == "Cancel"
    finally:
        use_qt_translations(qapp, "en")
