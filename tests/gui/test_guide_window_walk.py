"""The volunteers' guide, "창으로 하루 · The day in the window", walked in a real window.

docs/guide-volunteers.md marks each step of that section with ``<!-- walk: STEP_ID -->``;
this test drives one MainWindow on an empty database through the steps it implements, in
the same order, and first checks that the guide's markers name exactly those steps. A
step written in the guide but not walked here (or walked but not written) fails the test.

The window is driven as the volunteer and the chair drive it: tabs and buttons clicked,
text typed into the fields. Where the window asks in a modal dialog (a file to open, the
chair's passphrase, a key file), the prepared answer stands in for that dialog, as the
other window tests do. Each check reads what is on the screen.

``WALK_SCREENSHOTS=1`` also saves the screenshots the guide shows (docs/images/walk-*.png).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from assembly_desk.audit import keys
from assembly_desk.domain.contests import BallotType
from assembly_desk.gui.desk.undo_dialog import UndoDialog
from assembly_desk.gui.main_window import (
    DESK,
    POLLS,
    RESULTS,
    ROLL,
    SETUP,
    STATUS,
    MainWindow,
)
from assembly_desk.gui.station.ballot_widgets import ChooseNBallot
from assembly_desk.gui.station.state import Phase
from assembly_desk.i18n import t
from assembly_desk.persistence.repositories import people
from assembly_desk.services.database import Database
from assembly_desk.services.facade import Services
from assembly_desk.services.facade.results import ExportRequest, NewKey
from tests.conftest import write_csv
from tests.gui.conftest import WAIT_MS, scanner_types, type_keys, wait_banner

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "guide-volunteers.md"
IMAGES = REPO / "docs" / "images"
SECTION = "## 창으로 하루 · The day in the window"
MARKER = re.compile(r"^<!-- walk: ([a-z0-9-]+) -->$", re.MULTILINE)

TITLE = "2026년 성산1동 주민총회"
ROLL_CSV = [
    "성명,생년월일,주소,통,반,연락처",
    "김민수,1980-03-15,성산동 12,3,2,010-1234-5678",
    "이영희,1975-06-01,성산동 40,1,1,010-2222-3333",
    "박철수,1968-09-09,성산동 7,2,3,010-4444-5555",
    "최지우,1988-08-08,성산동 4,6,2,010-5555-6666",
]
CHAIR = "의장 암호 2026"
CONTEST = "주민자치회 위원 선출"
CANDIDATES = ("정하늘", "한바다", "오솔길")
SEED = "주사위 3-5-2-6"
KEY_PASS = "의장 키 암호 2026"
WITNESS_PASS = "참관인 키 암호 2026"


class Answers:
    """The chair's answers to the passphrase dialogs, in order (None: cancelled)."""

    def __init__(self) -> None:
        self.queue: list[str | None] = []

    def __call__(self, *_args: object) -> str | None:
        return self.queue.pop(0) if self.queue else None


@dataclass
class Day:
    qtbot: QtBot
    db: Database
    window: MainWindow
    tmp: Path
    polls_answers: Answers
    station_answers: Answers
    monkeypatch: pytest.MonkeyPatch
    codes: dict[str, str] = field(default_factory=dict)  # name → the card in their hand
    contest_id: int | None = None


STEPS: dict[str, Callable[[Day], None]] = {}


def step(step_id: str) -> Callable[[Callable[[Day], None]], Callable[[Day], None]]:
    def register(fn: Callable[[Day], None]) -> Callable[[Day], None]:
        assert step_id not in STEPS
        STEPS[step_id] = fn
        return fn

    return register


# -- helpers: what a hand does ---------------------------------------------------------


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled() and widget.isVisible(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_tab(qtbot: QtBot, tabs: QTabWidget, index: int) -> None:
    bar = tabs.tabBar()
    assert bar.isTabEnabled(index), tabs.tabText(index)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def settle(day: Day) -> None:
    day.qtbot.waitUntil(lambda: day.window.worker.pending() == 0, timeout=WAIT_MS)


def shot(widget: QWidget, name: str) -> None:
    if os.environ.get("WALK_SCREENSHOTS") == "1":
        assert widget.grab().save(str(IMAGES / f"walk-{name}.png"))


def guide_ids() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    assert SECTION in text, f"{GUIDE.name} has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return MARKER.findall(section)


# -- the day, step by step (the order is the guide's) ----------------------------------


@step("setup")
def setup(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    page = window.setup_page
    assert window.tabs.currentIndex() == SETUP
    assert window.tabs.tabText(SETUP) == "총회 설정"
    assert not window.tabs.isTabEnabled(DESK)
    assert "아직 총회가 없습니다" in page.intro.text()
    page.title.setFocus()
    type_keys(page.title, TITLE)
    assert page.title.text() == TITLE
    page.held_on.setDate(QDate(2026, 11, 28))
    # The quorum: a fixed number, 2 people (the form starts at 0).
    assert page.quorum_kind.currentText() == "고정 인원"
    assert page.quorum_value.value() == 0
    page.quorum_value.lineEdit().selectAll()
    qtbot.keyClicks(page.quorum_value, "2")
    assert page.quorum_value.value() == 2
    assert page.save_button.text() == "총회 만들기"
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == DESK, timeout=WAIT_MS)
    assert window.tabs.isTabEnabled(DESK)
    assert TITLE in window.where.text()


@step("import-roll")
def import_roll(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    path = write_csv(day.tmp / "명부.csv", ROLL_CSV)
    # The file dialog's answer: the roll file the volunteer picks.
    day.monkeypatch.setattr(
        "assembly_desk.gui.roll.page.get_open_file_name", lambda *_a, **_k: str(path)
    )
    click_tab(qtbot, window.tabs, ROLL)
    assert window.tabs.tabText(ROLL) == "명부"
    page = window.roll_page
    assert page.choose_button.text() == "파일 선택…"
    click(qtbot, page.choose_button)
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=WAIT_MS)
    assert page.preview.sample.rowCount() == 4
    phones = {page.preview.sample.item(r, 5).text() for r in range(4)}
    assert all(p.startswith("****") for p in phones)  # only the last four digits
    assert page.result.text() == t("gui.import.ready", count=4)
    assert page.import_button.text() == "가져오기"
    click(qtbot, page.import_button)
    qtbot.waitUntil(lambda: "4명을 가져왔습니다" in page.result.text(), timeout=WAIT_MS)
    assert window.assembly is not None
    with day.db.uow() as uow:  # the cards the people of the roll will hold
        for row in people.of_assembly(uow, window.assembly.id):
            day.codes[row.name] = row.card_code
    assert sorted(day.codes) == sorted(line.split(",")[0] for line in ROLL_CSV[1:])


@step("print-preview")
def print_preview(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    menu = window.print_menu
    assert menu.title() == "인쇄"
    assert menu.cards_action.text() == "입장 카드 전체…"
    menu.cards_action.trigger()
    qtbot.waitUntil(lambda: menu.preview is not None, timeout=WAIT_MS)
    dialog = menu.preview
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page_count() == dialog.pages.count, timeout=WAIT_MS)
    assert dialog.pages.count >= 1
    assert dialog.summary.text() == t("fronts.print.pages", pages=dialog.pages.count)
    text = "\n".join(dialog.pages._doc.getAllText(i).text() for i in range(dialog.pages.count))
    assert all(name in text for name in day.codes)
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: menu.preview is None, timeout=WAIT_MS)


@step("roll-page")
def roll_page(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    page = window.roll_page
    roll_list = page.roll_list
    assert page.tabs.tabText(1) == "명부 목록"
    before = roll_list.loaded
    click_tab(qtbot, page.tabs, 1)
    qtbot.waitUntil(lambda: roll_list.loaded > before, timeout=WAIT_MS)
    assert roll_list.table.rowCount() == 4 and "4명" in roll_list.count.text()
    before = roll_list.loaded
    roll_list.search.setFocus()
    type_keys(roll_list.search, "ㅇㅇㅎ")  # 이영희, by her initial consonants
    qtbot.waitUntil(lambda: roll_list.loaded > before, timeout=WAIT_MS)
    names = [roll_list.table.item(r, 1).text() for r in range(roll_list.table.rowCount())]
    assert names == ["이영희"]
    cells = {
        roll_list.table.item(r, c).text()
        for r in range(roll_list.table.rowCount())
        for c in range(roll_list.table.columnCount())
    }
    assert not cells & set(day.codes.values())  # the card code is never on the screen


@step("check-in")
def check_in(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    click_tab(qtbot, window.tabs, DESK)
    assert window.tabs.tabText(DESK) == "입장 확인"
    desk = window.desk_page
    counts = desk.counts
    scanner_types(qtbot, desk, day.codes["김민수"])
    wait_banner(qtbot, desk, "green")
    assert desk.banner.headline.text() == "입장 확인"
    assert desk.banner.name.text().startswith("김민수")
    scanner_types(qtbot, desk, day.codes["이영희"])
    qtbot.waitUntil(lambda: desk.banner.name.text().startswith("이영희"), timeout=WAIT_MS)
    assert desk.banner.colour == "green"
    qtbot.waitUntil(
        lambda: counts.checked_in.text() == t("gui.counts.people", count=2), timeout=WAIT_MS
    )
    shot(window, "check-in")
    desk.field.clock.now += 60  # a minute later, 김민수's card once more
    scanner_types(qtbot, desk, day.codes["김민수"])
    wait_banner(qtbot, desk, "amber")
    assert desk.banner.headline.text() == "이미 입장함"
    assert "desk-1" in desk.banner.detail.text()  # when, and at which desk
    assert desk.banner.name.text().startswith("김민수")


@step("undo")
def undo(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    desk = window.desk_page
    scanner_types(qtbot, desk, day.codes["박철수"])  # the wrong card, picked up from the table
    wait_banner(qtbot, desk, "green")
    assert desk.banner.undo_button.text() == "입장 취소"
    click(qtbot, desk.banner.undo_button)
    dialog = desk.dialog
    assert isinstance(dialog, UndoDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "입장 취소" and not ok.isEnabled()  # no reason, no undo
    dialog.reason.setEditText("다른 사람 카드를 찍음")
    click(qtbot, ok)
    wait_banner(qtbot, desk, "info")  # the blue banner
    assert desk.banner.headline.text() == "입장 취소됨"
    assert "다른 사람 카드를 찍음" in desk.banner.detail.text()


@step("status")
def status(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    click_tab(qtbot, window.tabs, STATUS)
    assert window.tabs.tabText(STATUS) == "현황"
    page = window.status_page
    window.poller.refresh()  # the poller's next tick, without waiting for it
    qtbot.waitUntil(lambda: page.big.text() == t("gui.status.big", count=2), timeout=WAIT_MS)
    assert page.title.text() == TITLE
    assert page.sub.text() == t("gui.counts.of_eligible", eligible=4, roll=4)
    assert page.desks.rowCount() == 1 and page.desks.item(0, 0).text() == "desk-1"
    assert page.quorum.text().startswith("정족수 도달: "), page.quorum.text()
    counts = window.desk_page.counts
    assert counts.checked_in.text() == t("gui.counts.people", count=2)


@step("contest")
def contest(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    click_tab(qtbot, window.tabs, POLLS)
    assert window.tabs.tabText(POLLS) == "안건·투표"
    page = window.polls_page
    settle(day)
    assert page.passphrase_button.text() == t("gui.polls.passphrase_set_button")
    day.polls_answers.queue += [CHAIR, CHAIR]  # typed twice
    click(qtbot, page.passphrase_button)
    settle(day)
    assert page.message.text() == t("gui.polls.passphrase_saved")
    click(qtbot, page.new_button)
    editor = page.editor
    editor.title_edit.setFocus()
    type_keys(editor.title_edit, CONTEST)
    editor.type_combo.setCurrentIndex(editor.type_combo.findData(BallotType.CHOOSE_N.value))
    editor.options_edit.setFocus()
    for n, name in enumerate(CANDIDATES):
        if n:
            qtbot.keyClick(editor.options_edit, Qt.Key.Key_Return)
        type_keys(editor.options_edit, name)
    assert editor.max_choices.value() == 1
    assert editor.rules.sentence.text() == "규칙: 1명 선출, 1인 1표, 최다 득표순"
    click(qtbot, page.save_button)
    settle(day)
    assert page.message.text() == t("gui.polls.saved", title=CONTEST)
    assert page.table.rowCount() == 1
    assert page.table.item(0, 1).text() == CONTEST
    assert page.table.item(0, 3).text() == "초안"
    day.contest_id = page.editing


@step("open-poll")
def open_poll(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    page = window.polls_page
    page.table.selectRow(0)
    assert page.open_button.text() == t("gui.polls.open")
    day.polls_answers.queue.append(CHAIR)
    click(qtbot, page.open_button)
    settle(day)
    assert page.table.item(0, 3).text() == "진행 중"
    assert page.close_button.isEnabled() and not page.open_button.isEnabled()
    shot(window, "polls")


@step("station-vote")
def station_vote(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    assert window.voting_menu.title() == "투표"
    assert window.station_action.text() == "투표소 모드 시작"
    window.station_action.trigger()
    station = window.station
    assert station is not None
    qtbot.waitExposed(station)
    assert not window.isVisible()  # only the station is on the screen
    assert station.locked_heading.text() == "투표 카드를 스캔해 주세요"
    for voter, choice in (("김민수", 0), ("이영희", 0)):
        qtbot.keyClicks(station.field, day.codes[voter])
        qtbot.keyClick(station.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: station.phase is Phase.BALLOT, timeout=WAIT_MS)
        assert station.contest_title.text() == CONTEST
        ballot = station.ballot
        assert isinstance(ballot, ChooseNBallot)
        click(qtbot, ballot.buttons[choice])
        if voter == "김민수":
            shot(station, "station-ballot")
        click(qtbot, station.next_button)
        assert station.phase is Phase.REVIEW
        assert station.review_text.text() == f"✔ {CANDIDATES[choice]}"
        click(qtbot, station.confirm_button)
        qtbot.waitUntil(lambda: station.phase is Phase.THANKS, timeout=WAIT_MS)
        assert station.thanks_heading.text() == "투표해 주셔서 감사합니다"
        qtbot.waitUntil(lambda: station.phase is Phase.LOCKED, timeout=WAIT_MS)
    # 최지우 was never checked in: refused in red, nothing stored.
    qtbot.keyClicks(station.field, day.codes["최지우"])
    qtbot.keyClick(station.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: station.phase is not Phase.UNLOCKING, timeout=WAIT_MS)
    assert station.phase is Phase.LOCKED
    assert station.notice.text() == t("gui.station.refused.not_checked_in")
    # The chair leaves station mode: Esc, then the passphrase.
    day.station_answers.queue.append(CHAIR)
    left: list[bool] = []
    station.left.connect(lambda: left.append(True))
    qtbot.keyClick(station.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(left), timeout=WAIT_MS)
    assert window.station is None and window.isVisible() and window.isEnabled()
    page = window.polls_page
    page.refresh()
    settle(day)
    # Two ballots handed out; the ballots stay in the station's box until the poll closes.
    assert (page.table.item(0, 4).text(), page.table.item(0, 5).text()) == ("2", "0")


@step("close-poll")
def close_poll(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    page = window.polls_page
    page.table.selectRow(0)
    assert page.close_button.text() == t("gui.polls.close")
    day.polls_answers.queue.append(CHAIR)
    click(qtbot, page.close_button)
    settle(day)
    assert page.table.item(0, 3).text() == "마감"
    assert (page.table.item(0, 4).text(), page.table.item(0, 5).text()) == ("2", "2")


def _results_row(day: Day) -> None:
    page = day.window.results_page
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == day.contest_id:
            page.table.selectRow(row)
    assert page.selected == day.contest_id


@step("count")
def count(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    click_tab(qtbot, window.tabs, RESULTS)
    assert window.tabs.tabText(RESULTS) == "결과"
    settle(day)
    page = window.results_page
    _results_row(day)
    assert page.table.item(page.table.currentRow(), 1).text() == "마감"
    page.seed_edit.setFocus()
    type_keys(page.seed_edit, SEED)
    click(qtbot, page.commit_button)
    settle(day)
    assert page.commitment_state.text() == t("gui.results.seed.committed")
    # Two signers' keys, made here before the count: the chair's and a witness's.
    for name, role, passphrase in (
        ("김의장", "chair", KEY_PASS),
        ("이참관", "witness", WITNESS_PASS),
    ):
        key = NewKey(name, role, passphrase, str(day.tmp / f"{role}.key.pem"))
        page.ask_key = lambda _p, key=key: key  # the new-key dialog's answer
        click(qtbot, page.create_key_button)
        settle(day)
    assert [page.signers.item(r, 0).text() for r in range(page.signers.rowCount())] == [
        "김의장",
        "이참관",
    ]
    if page.seed_edit.text() != SEED:
        page.seed_edit.clear()
        type_keys(page.seed_edit, SEED)
    click(qtbot, page.count_button)
    settle(day)
    assert page.message.text().startswith("개표했습니다"), page.message.text()
    lines = page.summary.text().splitlines()
    assert f"당선 순서: 1. {CANDIDATES[0]}" in lines and "유효표 2 · 무효표 0" in lines, lines
    assert page.rounds.rowCount() == len(CANDIDATES)  # the rounds, one row a name
    shot(window, "results")


@step("export-bundle")
def export_bundle(day: Day) -> None:
    qtbot, window = day.qtbot, day.window
    page = window.results_page
    out = day.tmp / "usb"
    out.mkdir()
    # The export dialog's answer: the chair's key, its passphrase, the USB stick.
    page.ask_sign = lambda _p: ExportRequest(str(day.tmp / "chair.key.pem"), KEY_PASS, str(out))
    click(qtbot, page.export_button)
    settle(day)
    bundle = page.last_bundle
    assert bundle is not None and bundle.parent == out
    assert str(bundle) in page.message.text()
    click(qtbot, page.ready_button)
    settle(day)
    _results_row(day)
    assert page.table.item(page.table.currentRow(), 2).text() == t("gui.results.status.ready")


# -- the walk -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files with scrypt 2**10 instead of 2**17: same format, a fraction of the time."""
    fast = functools.partial(keys.encrypt_private_key, scrypt_log2_n=10)
    monkeypatch.setattr(keys, "encrypt_private_key", fast)


@pytest.fixture
def day(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Day]:
    station_answers = Answers()
    window = MainWindow(
        Services(db),
        "desk-1",
        None,
        sounds=False,
        video_inputs=lambda: [],
        station_ask=station_answers,
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.is_ready, timeout=WAIT_MS)
    polls_answers = Answers()
    window.polls_page.ask = polls_answers
    yield Day(qtbot, db, window, tmp_path, polls_answers, station_answers, monkeypatch)
    window.shutdown()


def test_the_guide_walks_the_day_in_the_window(day: Day) -> None:
    assert guide_ids() == list(STEPS), "the guide's walk and this test differ"
    for step_id, walk in STEPS.items():
        try:
            walk(day)
        except Exception as error:  # name the guide's step in the failure
            raise AssertionError(f"guide step {step_id!r}: {error}") from error
