"""Starting the window: a database that cannot be opened is a dialog and exit status 2."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from assembly_desk.gui import app
from assembly_desk.gui.fonts import korean_family
from assembly_desk.gui.widgets.sounds import Sounds

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
    assert shown and "데이터베이스를 열 수 없습니다" in shown[0]


def test_a_korean_font_is_found(qtbot) -> None:
    assert korean_family() is not None
    assert korean_family(["Arial", "Noto Sans CJK KR"]) == "Noto Sans CJK KR"
    assert korean_family(["Arial"]) is None


def test_sounds_stay_silent_without_an_audio_device(qtbot, tmp_path) -> None:
    sounds = Sounds(enabled=True, folder=tmp_path)
    for colour in ("green", "amber", "red"):
        sounds.play(colour)  # offscreen: no speaker, must not raise
    sounds.prepare()
