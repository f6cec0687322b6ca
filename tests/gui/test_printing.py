"""The window's Print menu: cards and paper ballots, previewed, then saved.

Driven through the real main window on a seeded roll. The preview must show the pages of
the very PDF the command line writes (same page count, ink on the page), and "Save as
PDF" must keep that file byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from assembly_desk.cli import main
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.gui.printing.pages import PdfPages
from assembly_desk.gui.printing.preview import PdfPreviewDialog, paint_pages
from assembly_desk.services.database import Database
from tests.gui.conftest import WAIT_MS, Roll

pytestmark = pytest.mark.gui


def _ink(image: QImage) -> int:
    """Pixels that are not white on a coarse grid: zero for an empty page."""
    dark = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 0 and colour.lightness() < 200:
                dark += 1
    return dark


def _text(pages: PdfPages) -> str:
    doc = pages._doc
    return "\n".join(doc.getAllText(i).text() for i in range(pages.count))


def _previewed(qtbot: QtBot, window: MainWindow) -> PdfPreviewDialog:
    qtbot.waitUntil(lambda: window.print_menu.preview is not None, timeout=WAIT_MS)
    dialog = window.print_menu.preview
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_all_cards_are_previewed_and_saved_as_the_command_writes_them(
    qtbot: QtBot, window: MainWindow, db: Database, tmp_path: Path
) -> None:
    titles = [a.text() for a in window.print_menu.actions()]
    assert "입장 카드 전체…" in titles and "안건의 종이 투표지…" in titles
    window.print_menu.cards_action.trigger()
    dialog = _previewed(qtbot, window)
    cli_pdf = tmp_path / "cli-cards.pdf"
    assert main(["--db", db.url, "cards", "--out", str(cli_pdf)]) == 0
    expected = PdfPages(cli_pdf)
    assert dialog.pages.count == expected.count >= 1
    qtbot.waitUntil(lambda: dialog.page_count() == expected.count, timeout=WAIT_MS)
    assert _ink(dialog.pages.image(0, 40)) > 50  # the cards are on the page, not a blank sheet
    assert all(name in _text(dialog.pages) for name in ("김민수", "이영희", "박어린"))
    saved = dialog.save(str(tmp_path / "kept.pdf"))
    assert saved is not None
    assert saved.read_bytes() == dialog.path.read_bytes()
    assert PdfPages(saved).count == expected.count
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.path.exists(), timeout=WAIT_MS)  # the temporary copy


def test_one_persons_card_and_an_unknown_roll_id(
    qtbot: QtBot, window: MainWindow, seeded: Roll, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([(seeded.lee.person.id, True), (999, True)])
    monkeypatch.setattr(
        "assembly_desk.gui.printing.menu.QInputDialog.getInt", lambda *_a, **_k: next(answers)
    )
    window.print_menu.card_action.trigger()
    dialog = _previewed(qtbot, window)
    assert dialog.pages.count == 1
    assert "이영희" in _text(dialog.pages) and "김민수" not in _text(dialog.pages)
    assert dialog.suggested_name == f"card-{seeded.lee.person.id}.pdf"
    dialog.reject()
    qtbot.waitUntil(lambda: window.print_menu.preview is None, timeout=WAIT_MS)
    window.print_menu.card_action.trigger()
    qtbot.waitUntil(lambda: window.print_menu.notice is not None, timeout=WAIT_MS)
    assert window.print_menu.notice is not None
    assert window.print_menu.notice.text() == "명부에 999번이 없습니다"
    assert window.print_menu.preview is None


def test_paper_ballots_of_a_chosen_contest_with_copies(
    qtbot: QtBot,
    window: MainWindow,
    seeded: Roll,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    polls = window.services.polls
    polls.save(seeded.assembly_id, None, ContestDefinition("마을 계획 승인", BallotType.YES_NO), [])
    pick = ContestDefinition(
        "우선 사업", BallotType.CHOOSE_N, (Option("도서관"), Option("가로등")), max_choices=1
    )
    second = polls.save(seeded.assembly_id, None, pick, [])
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, *_rest, **_kw):
        offered.append(list(items))
        return items[1], True

    monkeypatch.setattr("assembly_desk.gui.printing.menu.QInputDialog.getItem", choose)
    monkeypatch.setattr(
        "assembly_desk.gui.printing.menu.QInputDialog.getInt", lambda *_a, **_k: (3, True)
    )
    window.print_menu.ballots_action.trigger()
    dialog = _previewed(qtbot, window)
    assert offered == [["제1호 마을 계획 승인", "제2호 우선 사업"]]
    cli_pdf = tmp_path / "cli-ballots.pdf"
    assert (
        main(["--db", db.url, "ballots", str(second.id), "--out", str(cli_pdf), "--copies", "3"])
        == 0
    )
    assert dialog.pages.count == PdfPages(cli_pdf).count
    assert "우선 사업" in _text(dialog.pages) and "마을 계획 승인" not in _text(dialog.pages)
    assert dialog.suggested_name == "ballots-2.pdf"
    # Printing draws every page of the PDF, one sheet each.
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_pages(dialog.pages, printer) == dialog.pages.count
    printed = PdfPages(tmp_path / "printed.pdf")
    assert printed.count == dialog.pages.count
    assert _ink(printed.image(0, 40)) > 50  # the ballot was drawn on the sheet, not left blank
    dialog.reject()
