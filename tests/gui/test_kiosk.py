"""The voting station as a kiosk: the rest of the app is out of reach until the chair leaves.

Real windows, offscreen: a main window on a real SQLite database, the station opened from
it as the 투표 menu does, and every way out tried — closing the main window, the app's
quit, a log-out, Ctrl+Q — without and with the chair's passphrase. A crash is a window
that never got to leave the station, and a new window on the same preferences.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assembly_desk.gui.main_window import MainWindow
from assembly_desk.gui.preferences import MemoryStore
from assembly_desk.gui.station.lock import MARKER_KEY, read_marker
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.i18n import t
from assembly_desk.services import audit_log
from assembly_desk.services.database import Database
from assembly_desk.services.facade import Services
from assembly_desk.services.facade.station import StationService
from tests.ballots.helpers import CHAIR, setup
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.gui
WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds
WRONG = "틀린 암호 000"


class Asker:
    """Stands in for the passphrase dialog: prepared answers (None: cancelled)."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, _parent: object) -> str | None:
        self.asked += 1
        return self.answers.pop(0) if self.answers else None


class FakeSession:
    """A QSessionManager as a log-out hands it over: may ask the user, may cancel."""

    def __init__(self, interaction: bool = True) -> None:
        self.interaction = interaction
        self.cancelled = False

    def allowsInteraction(self) -> bool:
        return self.interaction

    def cancel(self) -> None:
        self.cancelled = True

    def release(self) -> None:
        pass


@pytest.fixture
def make_window(qtbot: QtBot, db: Database) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(assembly_id: int, store: MemoryStore, asker: Asker) -> MainWindow:
        window = MainWindow(
            Services(db),
            "desk-1",
            assembly_id,
            store=store,
            sounds=False,
            video_inputs=lambda: [],
            station_full_screen=False,
            station_ask=asker,
        )
        qtbot.addWidget(window)
        window.resize(1280, 800)
        if window.resuming is None:  # as the app does
            window.show()
            qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.is_ready, timeout=WAIT_MS)
        made.append(window)
        return window

    yield make
    for window in made:
        window.shutdown()


def open_station(qtbot: QtBot, window: MainWindow) -> StationWindow:
    qtbot.waitUntil(lambda: window.polls_page.console.has_passphrase, timeout=WAIT_MS)
    station = window.start_station(full_screen=False)
    assert station is not None
    qtbot.waitExposed(station)
    return station


def assert_locked(window: MainWindow, station: StationWindow) -> None:
    """What a volunteer at the laptop would find: only the station."""
    assert station.isVisible()
    assert not window.isVisible()
    assert not window.isEnabled()
    assert not window.menuBar().isEnabled() and not window.station_action.isEnabled()
    assert not window.tabs.isEnabled() and not window.desk_page.field.isEnabled()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [station]


def test_the_main_window_is_out_of_reach_while_the_station_is_open(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    window = make_window(aid, MemoryStore(), Asker())
    station = open_station(qtbot, window)
    assert_locked(window, station)
    # The desk's own shortcuts go nowhere: a disabled, hidden window takes no keys.
    window.activateWindow()
    assert QApplication.activeWindow() is not window


def test_closing_the_main_window_or_quitting_asks_for_the_passphrase(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    asker = Asker(None, None, None, WRONG, CHAIR)
    store = MemoryStore()
    window = make_window(aid, store, asker)
    station = open_station(qtbot, window)
    left: list[bool] = []
    station.left.connect(lambda: left.append(True))

    window.close()  # the main window's close (a window manager, a script)
    qtbot.waitUntil(lambda: asker.asked == 1, timeout=WAIT_MS)  # cancelled
    assert window.station is station and station.is_open
    assert_locked(window, station)

    # The app's quit (QApplication.quit under exec) first closes every window this way;
    # the station refuses, which cancels the quit, and asks.
    QApplication.closeAllWindows()
    qtbot.waitUntil(lambda: asker.asked == 2, timeout=WAIT_MS)
    assert station.is_open
    assert_locked(window, station)

    qtbot.keyClick(station, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Q
    assert asker.asked == 3 and station.is_open

    station.close()  # the station's own close button, with a wrong passphrase
    qtbot.waitUntil(lambda: asker.asked == 4, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: station.notice.text() != "", timeout=WAIT_MS)
    assert station.notice.text() == t("gui.station.exit_wrong")
    assert_locked(window, station)
    assert read_marker(store) is not None

    qtbot.keyClick(station.field, Qt.Key.Key_Escape)  # the chair
    qtbot.waitUntil(lambda: bool(left), timeout=WAIT_MS)
    assert not station.isVisible() and window.station is None
    assert window.isVisible() and window.isEnabled()
    assert read_marker(store) is None


def test_a_log_out_is_cancelled_while_the_station_is_open(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    asker = Asker()
    window = make_window(aid, MemoryStore(), asker)
    station = open_station(qtbot, window)
    session = FakeSession()
    window.session_ending(session)
    assert session.cancelled
    qtbot.waitUntil(lambda: asker.asked == 1, timeout=WAIT_MS)
    assert_locked(window, station)

    window.shutdown()  # the station is gone: a log-out goes ahead
    later = FakeSession()
    window.session_ending(later)
    assert not later.cancelled


def test_after_a_crash_the_app_reopens_locked_in_the_station(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    store = MemoryStore()
    first = make_window(aid, store, Asker())
    open_station(qtbot, first)
    assert isinstance(store.value(MARKER_KEY), str)
    first.shutdown()  # killed: the station never got the passphrase
    first.hide()

    asker = Asker(CHAIR)
    again = make_window(None, store, asker)  # started plainly, as after a reboot
    station = again.station
    assert station is not None and station.is_open
    qtbot.waitExposed(station)
    assert station.phase.value == "locked"
    assert_locked(again, station)

    qtbot.keyClick(station.field, Qt.Key.Key_Escape)  # leaving needs the passphrase
    qtbot.waitUntil(lambda: again.station is None, timeout=WAIT_MS)
    assert asker.asked == 1
    assert again.isVisible() and again.isEnabled()
    assert read_marker(store) is None


def test_a_marker_for_another_database_does_not_lock_this_one(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    store = MemoryStore()
    store.setValue(MARKER_KEY, '{"assembly": 1, "database": "0123456789abcdef"}')
    window = make_window(aid, store, Asker())
    assert window.station is None and window.isVisible() and window.isEnabled()
    assert store.value(MARKER_KEY)  # kept for a start on its own database


# -- wrong passphrases at the station ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_wrong_passphrases_make_the_station_wait_and_are_audited(
    qtbot: QtBot, db: Database
) -> None:
    aid, _contest, _voters = setup(db, people=1)
    clock = Clock()
    asker = Asker(WRONG, WRONG, WRONG, CHAIR, CHAIR)
    station = StationWindow(StationService(db, aid, clock=clock), ask=asker)
    qtbot.addWidget(station)
    station.resize(1280, 800)
    station.show()
    qtbot.waitExposed(station)
    left: list[bool] = []
    station.left.connect(lambda: left.append(True))

    def attempt(expected: str) -> None:
        before = asker.asked
        qtbot.keyClick(station.field, Qt.Key.Key_Escape)
        assert asker.asked == before + 1
        qtbot.waitUntil(lambda: station.notice.text() == expected, timeout=WAIT_MS)
        station.state.notice = None  # as if read: the next answer must set it again
        station.notice.setText("")

    attempt("의장 암호가 맞지 않습니다")
    clock.advance(1)
    attempt("의장 암호가 맞지 않습니다")
    clock.advance(1)
    attempt("의장 암호가 맞지 않습니다.\n다시 시도하려면 2초 기다리세요")
    clock.advance(1)
    attempt("다시 시도하려면 1초 기다리세요")  # even the right one waits
    assert station.is_open
    clock.advance(1)
    qtbot.keyClick(station.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(left), timeout=WAIT_MS)

    with db.uow() as uow:
        events = [e for e in audit_log.entries(uow) if e["kind"].startswith("chair.passphrase")]
    kinds = [(e["kind"], e["data"].get("purpose")) for e in events]
    assert kinds == [
        ("chair.passphrase_set", None),
        ("chair.passphrase_failed", "leave_station"),
        ("chair.passphrase_failed", "leave_station"),
        ("chair.passphrase_failed", "leave_station"),
        ("chair.passphrase_accepted", "leave_station"),
    ]
    assert all(WRONG not in str(e) for e in events)


def test_the_polls_page_says_how_long_to_wait_after_wrong_passphrases(
    qtbot: QtBot, db: Database, make_window: Callable[..., MainWindow]
) -> None:
    aid, _contest, _voters = setup(db, people=1, open_=False)
    window = make_window(aid, MemoryStore(), Asker())
    page = window.polls_page
    qtbot.waitUntil(lambda: page.console.has_passphrase, timeout=WAIT_MS)
    answers: list[str] = []
    page.ask = lambda _parent, _title, _prompt: answers.pop(0)  # type: ignore[assignment]
    messages = []
    for _ in range(3):  # change the passphrase, giving a wrong current one
        answers.extend([WRONG, "새 의장 암호 1", "새 의장 암호 1"])
        page.message.setText("")
        page.set_passphrase()
        qtbot.waitUntil(lambda: page.message.text() != "", timeout=WAIT_MS)
        messages.append(page.message.text())
    assert messages == [
        "의장 암호가 맞지 않습니다",
        "의장 암호가 맞지 않습니다",
        "의장 암호가 맞지 않습니다.\n다시 시도하려면 2초 기다리세요",
    ]


_CHILD = """
import os, signal, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.services.database import open_database
from assembly_desk.services.facade import Services

app = QApplication(sys.argv[:1])
app.setOrganizationName("assembly-desk")
app.setApplicationName("assembly-desk")
db = open_database(sys.argv[1])
window = MainWindow(Services(db), "desk-1", int(sys.argv[2]), store=QSettings(), sounds=False,
                    video_inputs=lambda: [], station_full_screen=False,
                    station_ask=lambda _parent: None)
if window.resuming is None:
    window.show()
while not (window.is_ready and window.polls_page.console.has_passphrase):
    app.processEvents()
if sys.argv[3] == "open-and-die":
    window.start_station(full_screen=False)
    app.processEvents()
    os.kill(os.getpid(), signal.SIGKILL)
station = window.station
print("station", station is not None and station.isVisible(), "main", window.isVisible(),
      window.isEnabled(), flush=True)
os._exit(0)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_app_comes_back_locked_in_the_station(
    db: Database, sqlite_url: str, tmp_path: Path
) -> None:
    """The real thing: the process is killed with the station open, then started again."""
    aid, _contest, _voters = setup(db, people=1)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}

    def run(mode: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _CHILD, sqlite_url, str(aid), mode],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    killed = run("open-and-die")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = run("start")
    assert "station True main False False" in again.stdout, again.stderr


def test_the_wait_counts_down_on_the_locked_screen(qtbot: QtBot, db: Database) -> None:
    aid, _contest, _voters = setup(db, people=1)
    clock = Clock()
    mono = [100.0]
    asker = Asker(WRONG, WRONG, WRONG)
    station = StationWindow(
        StationService(db, aid, clock=clock), ask=asker, monotonic=lambda: mono[0]
    )
    qtbot.addWidget(station)
    station.show()
    qtbot.waitExposed(station)
    for _ in range(3):
        before = asker.asked
        qtbot.keyClick(station.field, Qt.Key.Key_Escape)
        assert asker.asked == before + 1
        qtbot.waitUntil(lambda: not station._asking, timeout=WAIT_MS)
    assert station.notice.text() == "의장 암호가 맞지 않습니다.\n다시 시도하려면 2초 기다리세요"
    assert station.wait_timer.isActive()
    mono[0] += 1.0
    station.wait_tick()
    assert station.notice.text() == "의장 암호가 맞지 않습니다.\n다시 시도하려면 1초 기다리세요"
    mono[0] += 1.0
    station.wait_tick()
    assert station.notice.text() == "" and not station.wait_timer.isActive()
    station.force_close()
