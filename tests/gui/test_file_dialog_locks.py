"""File dialogs must not open the database's files: closing any descriptor drops our locks.

The mechanism, measured in /proc/locks: while the app has its SQLite file open it holds
POSIX locks on the main file and on the ``-shm`` index (more while a transaction runs).
A plain non-native ``QFileDialog`` shown on the database's folder sniffs the files there
(``QMimeDatabase`` reads the start of ``-wal`` and ``-shm`` and, for names whose suffix
is ambiguous such as ``.db``, the main file), closes them — and the kernel drops every
lock this process held on them. The dialogs from ``gui.file_dialogs`` list the folder
with the locks untouched.

The scenario at the end is the one that lost check-ins: the window's process (a child,
so it can be killed) checks people in, shows a picker on the database's folder, another
process runs ``assembly-desk status`` (which, finding no locks, checkpoints and deletes
the WAL), the desk goes on checking people in, and the child is killed with SIGKILL.
Every check-in it reported as done must be in the database afterwards.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFileSystemModel,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Connection, text

from assembly_desk.gui.app import add_location_warning
from assembly_desk.gui.widgets import file_dialogs
from assembly_desk.services.database import Database, open_database
from tests.conftest import make_assembly
from tests.gui.conftest import open_window, scanner_types, wait_banner
from tests.gui.proc_locks import lock_count
from tests.services.helpers import add_person

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/locks"), reason="needs Linux /proc/locks to see the locks"
)

SHOW_MS = 3000  # how long the picker stays on the folder, as a volunteer browsing would
REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"


def _open_on(tmp_path: Path, name: str) -> Database:
    folder = tmp_path / "venue"
    folder.mkdir()
    (folder / "roll.csv").write_text("이름,생년월일\n", encoding="utf-8")
    db = open_database(f"sqlite:///{folder / name}")
    make_assembly(db)  # a write: the WAL and its index exist and hold a frame
    return db


def _db_file(db: Database) -> Path:
    return Path(db.url.split("///", 1)[1])


@pytest.fixture(params=["desk.db", "assembly-desk.sqlite3"])
def held(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, Connection]]:
    """The app's engine on a database, with a transaction open (as a running job has)."""
    db = _open_on(tmp_path, request.param)
    conn = db.engine.connect()
    conn.begin()
    conn.execute(text("SELECT count(*) FROM assembly")).scalar_one()
    try:
        yield db, conn
    finally:
        conn.rollback()
        conn.close()
        db.dispose()


def _show_for(qtbot: QtBot, dialog: QFileDialog, ms: int = SHOW_MS) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(ms)
    dialog.hide()


def test_a_plain_qfiledialog_drops_the_locks(
    qtbot: QtBot, held: tuple[Database, Connection]
) -> None:
    """Documents the mechanism: Qt's own dialog sniffs the files and our locks go."""
    db, _conn = held
    db_file = _db_file(db)
    before = lock_count(db_file)
    assert before >= 3  # main file, the index's "in use" byte, our read mark (and more)
    dialog = QFileDialog(None, "plain", str(db_file.parent))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    _show_for(qtbot, dialog)
    after = lock_count(db_file)
    assert after < before, f"plain dialog kept {after} of {before} locks"
    if db_file.suffix == ".db":
        assert after == 0  # an ambiguous suffix: the main file is sniffed as well


def test_the_apps_dialog_keeps_every_lock(qtbot: QtBot, held: tuple[Database, Connection]) -> None:
    db, _conn = held
    db_file = _db_file(db)
    before = lock_count(db_file)
    assert before >= 3
    dialog = file_dialogs.open_file_dialog(None, "roll", str(db_file.parent), "* (*)")
    dialog.setViewMode(QFileDialog.ViewMode.Detail)  # the type column asks type() as well
    _show_for(qtbot, dialog)
    assert lock_count(db_file) == before


def test_a_database_file_typed_in_is_refused_before_anyone_opens_it(
    qtbot: QtBot, held: tuple[Database, Connection]
) -> None:
    """Hidden from the list, the file can still be typed; the picker then says no."""
    db, _conn = held
    db_file = _db_file(db)
    before = lock_count(db_file)
    seen: list[str] = []

    def choose_the_database(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            if tries:
                QTimer.singleShot(100, lambda: choose_the_database(tries - 1))
            return
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(name, QLineEdit)
        name.setText(db_file.name)  # typed: a hidden file cannot be clicked
        dialog.accept()
        QTimer.singleShot(600, close_what_is_open)

    def close_what_is_open() -> None:
        """The refusal is read and closed; anything else modal is closed, so nothing hangs."""
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            seen.append(modal.text())
            modal.accept()
        elif modal is not None:
            modal.close()

    QTimer.singleShot(300, choose_the_database)
    chosen = file_dialogs.get_open_file_name(None, "roll", str(db_file.parent), "* (*)")
    assert chosen == ""
    assert seen and db_file.name in seen[0] and "고를 수 없습니다" in seen[0]
    assert lock_count(db_file) == before


def _listed(qtbot: QtBot, dialog: QFileDialog, folder: Path) -> set[str]:
    """The names the dialog's view shows for ``folder`` once the model has read it."""
    proxy = dialog.proxyModel()
    assert proxy is not None
    source = proxy.sourceModel()
    assert isinstance(source, QFileSystemModel)
    root = source.index(str(folder))
    qtbot.waitUntil(lambda: source.rowCount(root) >= 4, timeout=30_000)
    shown = proxy.mapFromSource(root)
    return {proxy.index(row, 0, shown).data() for row in range(proxy.rowCount(shown))}


def test_the_database_family_is_not_listed_and_cannot_be_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = _open_on(tmp_path, "desk.db")
    try:
        folder = _db_file(db).parent
        (folder / "old.sqlite3").write_bytes(b"")
        dialog = file_dialogs.open_file_dialog(None, "roll", str(folder), "* (*)")
        qtbot.addWidget(dialog)
        dialog.show()
        names = _listed(qtbot, dialog, folder)
        assert "roll.csv" in names
        assert not names & {"desk.db", "desk.db-wal", "desk.db-shm", "old.sqlite3"}
        assert "desk.db.ballot-boxes" not in names
        dialog.hide()
        for name in ("desk.db", "desk.db-wal", "desk.db-shm", "old.sqlite3"):
            assert file_dialogs.is_database_file(folder / name)
        assert file_dialogs.is_database_file(folder / "x.ballot-boxes" / "s.adbox")
        assert not file_dialogs.is_database_file(folder / "roll.csv")
    finally:
        db.dispose()


def test_the_icon_provider_answers_from_the_name_alone(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QFileInfo

    provider = file_dialogs.NameOnlyIconProvider()
    (tmp_path / "명부.xlsx").write_bytes(b"PK\x03\x04")
    assert provider.type(QFileInfo(str(tmp_path / "명부.xlsx"))) == "XLSX 파일"
    assert provider.type(QFileInfo(str(tmp_path))) == "폴더"
    assert not provider.icon(QFileInfo(str(tmp_path / "명부.xlsx"))).isNull()


def test_every_file_dialog_of_the_app_goes_through_the_helper() -> None:
    """A ``QFileDialog`` made anywhere else would sniff the database's folder again."""
    offenders = [
        str(path.relative_to(SRC))
        for path in (SRC / "assembly_desk").rglob("*.py")
        if path.name != "file_dialogs.py" and "QFileDialog" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_roll_pickers_locks_survive_three_seconds_on_the_database_folder(
    qtbot: QtBot, db: Database
) -> None:
    """The real call site: 명부 → 파일 고르기, then browsing to the database's folder."""
    aid = make_assembly(db)
    add_person(db, aid, "김민수", date(1980, 3, 15))
    db_file = _db_file(db)
    window = open_window(qtbot, db, aid)
    window.poller.stop()  # no refresh in flight while the locks are counted
    qtbot.waitUntil(lambda: window.worker.pending() == 0, timeout=30_000)
    before = lock_count(db_file)
    assert before >= 2  # the pooled connection: main file and the index's "in use" byte
    seen: dict[str, object] = {}

    def browse() -> None:
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = type(dialog).__name__
        if isinstance(dialog, QFileDialog):
            dialog.setDirectory(str(db_file.parent))

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        seen["locks"] = lock_count(db_file)
        if isinstance(dialog, QFileDialog):
            seen["folder"] = dialog.directory().absolutePath()
            dialog.reject()

    QTimer.singleShot(200, browse)
    QTimer.singleShot(200 + SHOW_MS, look_and_close)
    window.roll_page.choose_file()
    assert seen["dialog"] == "QFileDialog"
    assert seen["folder"] == str(db_file.parent)
    assert seen["locks"] == before
    assert lock_count(db_file) == before


def test_the_window_warns_about_a_database_in_documents(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    window = QMainWindow()
    qtbot.addWidget(window)
    assert add_location_warning(window, f"sqlite:///{tmp_path / 'x' / 'd.sqlite3'}") is None
    label = add_location_warning(window, f"sqlite:///{tmp_path / 'Documents' / 'd.sqlite3'}")
    assert isinstance(label, QLabel) and "문서 폴더" in label.text()
    assert label in window.statusBar().findChildren(QLabel)


def test_the_desk_and_the_status_line_say_that_saving_stopped(qtbot: QtBot, db: Database) -> None:
    """After the WAL went (another process checkpointed and deleted it), the next scan is
    refused in words and the status refresh says the same within a few seconds."""
    aid = make_assembly(db)
    first = add_person(db, aid, "이영희", date(1975, 6, 1))
    second = add_person(db, aid, "김민수", date(1980, 3, 15))
    window = open_window(qtbot, db, aid)
    page = window.desk_page
    scanner_types(qtbot, page, first.card_code)
    wait_banner(qtbot, page, "green")
    db_file = _db_file(db)
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchall()"
    )
    subprocess.run([sys.executable, "-c", script, str(db_file)], timeout=60, check=True)
    for suffix in ("-wal", "-shm"):
        db_file.with_name(db_file.name + suffix).unlink()
    scanner_types(qtbot, page, second.card_code)
    wait_banner(qtbot, page, "fault")
    shown = page.banner.headline.text() + page.banner.detail.text()
    assert "데이터베이스 파일이 바뀌었거나 지워졌습니다" in shown
    qtbot.waitUntil(
        lambda: "저장을 멈췄습니다" in window.statusBar().currentMessage(), timeout=10_000
    )
    window.shutdown()


# -- the scenario, with a kill at the end ----------------------------------------------------


class Child:
    """The window's process (tests/gui/dialog_scenario_child.py), driven line by line."""

    def __init__(self, url: str, assembly_id: int) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=f"{REPO}{os.pathsep}{SRC}")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.dialog_scenario_child", url, str(assembly_id)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._select = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self._select.register(self.proc.stdout, selectors.EVENT_READ)

    def read(self, timeout: float = 60) -> str:
        """One answer line, waiting at most ``timeout`` seconds."""
        assert self.proc.stdout is not None
        if not self._select.select(timeout):
            raise AssertionError("the window's process did not answer in time")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the window's process ended ({self.proc.poll()})")
        return line.strip()

    def ask(self, order: str, timeout: float = 60) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(order + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self._select.close()


def _checked_in_codes(url: str) -> set[str]:
    db = open_database(url)
    try:
        with db.uow() as uow:
            rows = uow.session.execute(
                text("SELECT p.card_code FROM checkin c JOIN person p ON p.id = c.person_id")
            )
            return {row[0] for row in rows}
    finally:
        db.dispose()


@pytest.mark.parametrize("picker", ["app", "plain"])
def test_check_ins_survive_a_picker_another_process_and_a_kill(tmp_path: Path, picker: str) -> None:
    """``app``: the locks stay, every check-in is done and kept. ``plain`` (Qt's dialog, as
    before the fix): the locks go and the WAL is deleted under the desk; the guard then
    refuses further check-ins with its message, so none that the desk reported is lost.
    """
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    db = open_database(url)
    aid = make_assembly(db)
    codes = [add_person(db, aid, f"주민{i}", date(1980, 1, 1 + i)).card_code for i in range(12)]
    db.dispose()
    wal = tmp_path / "desk.db-wal"
    child = Child(url, aid)
    done: list[str] = []
    answers: list[str] = []
    try:
        ready = child.read()
        locks_before = int(ready.split()[1])
        for code in codes[:3]:
            answers.append(child.ask(f"scan {code}"))
        locks_after = int(child.ask(f"dialog {picker} {SHOW_MS / 1000}").split()[1])
        status = subprocess.run(
            [sys.executable, "-m", "assembly_desk", "--db", url, "status"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
        assert status.returncode == 0, status.stderr
        wal_survived = wal.exists()
        for code in codes[3:]:
            answers.append(child.ask(f"scan {code}"))
    finally:
        child.kill()
    done = [line.split()[1] for line in answers if line.startswith("done ")]
    stored = _checked_in_codes(url)
    missing = set(done) - stored
    assert not missing, f"{len(missing)} of {len(done)} check-ins shown as done were lost"
    if picker == "app":
        assert locks_after == locks_before >= 2
        assert wal_survived
        assert done == codes and stored == set(codes)
    else:
        assert locks_after < locks_before
        assert not wal_survived  # what let check-ins vanish before the guard
        assert done == codes[:3]
        refusals = [line for line in answers if line.startswith("failed ")]
        assert len(refusals) == 9
        assert all("데이터베이스 파일이 바뀌었거나 지워졌습니다" in line for line in refusals)
