"""Starting the window: a database that cannot be opened is a dialog and exit status 2."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from assembly_desk.gui import app
from assembly_desk.gui.fonts import korean_family
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.gui.widgets.sounds import Sounds
from assembly_desk.services.database import Database
from assembly_desk.services.facade import Services
from tests.gui.conftest import WAIT_MS, Roll, scanner_types, wait_banner

pytestmark = pytest.mark.gui


def test_unreachable_database_shows_a_message_and_exits_2(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    code = app.run_gui("postgresql+psycopg://nobody@127.0.0.1:1/none", None, "desk-1")
    assert code == 2
    assert shown and "데이터베이스에 연결할 수 없습니다" in shown[0]


def test_a_malformed_url_is_also_a_dialog(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    assert app.run_gui("nonsense://", None, None) == 2
    assert shown and shown[0].startswith("데이터베이스 주소를 쓸 수 없습니다: ")
    assert "sqlite:///파일경로" in shown[0]  # what an address looks like


def test_a_korean_font_is_found(qtbot) -> None:
    assert korean_family() is not None
    assert korean_family(["Arial", "Noto Sans CJK KR"]) == "Noto Sans CJK KR"
    assert korean_family(["Arial"]) is None


def test_sounds_stay_silent_without_an_audio_device(qtbot, tmp_path) -> None:
    sounds = Sounds(enabled=True, folder=tmp_path, audio_outputs=lambda: [])
    assert not sounds.silent  # switched on, not tried yet
    for colour in ("green", "amber", "red"):
        sounds.play(colour)  # no speaker: must not raise
    assert sounds.silent
    assert sounds.prepare() is False
    assert list(tmp_path.iterdir()) == []  # no tones written for a speaker that is not there


def test_switched_off_sounds_are_silent(qtbot, tmp_path) -> None:
    assert Sounds(enabled=False, folder=tmp_path).silent


def test_the_window_answers_a_scan_with_no_speaker(
    qtbot, db: Database, seeded: Roll, tmp_path
) -> None:
    window = MainWindow(Services(db), "desk-1", seeded.assembly_id, sounds=True, video_inputs=list)
    qtbot.addWidget(window)
    try:
        window.sounds._audio_outputs = lambda: []  # the hall laptop with no sound card
        window.show()
        qtbot.waitUntil(lambda: window.is_ready, timeout=WAIT_MS)
        scanner_types(qtbot, window.desk_page, seeded.lee.card_code)
        wait_banner(qtbot, window.desk_page, "green")
        assert window.desk_page.banner.name.text() == "이영희"
        assert window.sounds.enabled and window.sounds.silent
    finally:
        window.shutdown()
