"""Fixtures for the window tests: a seeded roll and a main window on it, offscreen.

Sounds are off and the camera list is empty, so the suite runs the same on a CI box with
no speaker and no webcam. Every window is shut down (worker thread stopped) after its test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assembly_desk.gui.desk.page import DeskPage
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.services import roll
from assembly_desk.services.database import Database
from assembly_desk.services.facade import Services
from tests.conftest import make_assembly
from tests.services.helpers import add_person

WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds
SCANNER_STEP_S = 0.002  # a scanner's keys, as the window handles them


@dataclass
class Roll:
    assembly_id: int
    kim_a: roll.Registration  # 김민수, 1980.03, 3통 2반, ☎ 5678
    kim_b: roll.Registration  # 김민수, 1992.11, 7통 1반, ☎ 4321
    lee: roll.Registration  # 이영희: the only one of her name
    child: roll.Registration  # 12 years old on the day: not eligible (age)


@pytest.fixture
def seeded(db: Database) -> Roll:
    aid = make_assembly(db)
    return Roll(
        aid,
        add_person(db, aid, "김민수", date(1980, 3, 15), phone="010-1234-5678", tong="3", ban="2"),
        add_person(
            db,
            aid,
            "김민수",
            date(1992, 11, 2),
            phone="010-9876-4321",
            tong="7",
            ban="1",
            address="성산동 다른 집",
        ),
        add_person(db, aid, "이영희", date(1975, 6, 1), phone="010-2222-3333"),
        add_person(db, aid, "박어린", date(2014, 5, 5), phone=""),
    )


def open_window(qtbot: QtBot, db: Database, assembly_id: int | None, desk: str = "desk-1"):
    window = MainWindow(Services(db), desk, assembly_id, sounds=False, video_inputs=lambda: [])
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.is_ready, timeout=WAIT_MS)
    return window


@pytest.fixture
def window(qtbot: QtBot, db: Database, seeded: Roll) -> Iterator[MainWindow]:
    win = open_window(qtbot, db, seeded.assembly_id)
    yield win
    win.shutdown()


@pytest.fixture
def desk(window: MainWindow) -> DeskPage:
    return window.desk_page


def idle(window: MainWindow) -> bool:
    return window.worker.pending() == 0


def scanner_types(
    qtbot: QtBot, page: DeskPage, code: str, stall_after: int | None = None, stall_s: float = 0.6
) -> None:
    """A keyboard-wedge scanner: all digits at machine speed, then Enter.

    The field's clock is driven, never the real one, so a loaded test machine cannot
    split the burst. ``stall_after`` characters (``len(code)``: before the Enter), the
    laptop stalls for ``stall_s``: the window handles the rest that much later.
    """
    clock = page.field.clock
    if not isinstance(clock, StepClock):
        clock = page.field.clock = StepClock(SCANNER_STEP_S)
    typist_step, clock.step = clock.step, SCANNER_STEP_S
    split = len(code) if stall_after is None else stall_after
    qtbot.keyClicks(page.field, code[:split])
    if stall_after is not None:
        clock.now += stall_s
    qtbot.keyClicks(page.field, code[split:])
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    clock.step = typist_step


def type_keys(widget: QWidget, text: str) -> None:
    """Key events carrying any text (QTest's key clicks only know ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def ime_commits(page: DeskPage, text: str, one_by_one: bool = True) -> None:
    """Text delivered the way the Korean IME in Hangul mode hands a scanner's digits over."""
    if not isinstance(page.field.clock, StepClock):
        page.field.clock = StepClock(SCANNER_STEP_S)  # a scanner behind the IME
    pieces = list(text) if one_by_one else [text]
    for piece in pieces:
        event = QInputMethodEvent()
        event.setCommitString(piece)
        QApplication.sendEvent(page.field, event)


def wait_banner(qtbot: QtBot, page: DeskPage, colour: str) -> None:
    qtbot.waitUntil(lambda: page.banner.colour == colour, timeout=WAIT_MS)


class StepClock:
    """Every reading is ``step`` seconds after the last: 0.15 types like a person, 0.002
    like a scanner. Handed to the field as its clock."""

    def __init__(self, step: float = 0.15) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now
