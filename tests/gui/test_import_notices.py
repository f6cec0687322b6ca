"""The import preview names the hidden sheet it did not read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from pytestqt.qtbot import QtBot

from assembly_desk.gui.roll.import_preview import ImportPreview
from assembly_desk.importers import parse_roll

pytestmark = pytest.mark.gui


def test_a_hidden_sheet_is_named_under_the_summary(qtbot: QtBot, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "옛 명부"
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("명부")
    sheet.append(["성명", "생년월일"])
    sheet.append(["김민수", "1980-03-15"])
    path = tmp_path / "roll.xlsx"
    book.save(path)
    widget = ImportPreview()
    qtbot.addWidget(widget)

    widget.show_preview(parse_roll(path))

    assert "옛 명부" in widget.summary.text() and "숨겨진 시트" in widget.summary.text()
