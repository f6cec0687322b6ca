"""The guard that stops writing when the SQLite file or its WAL is not the file on disk.

What it protects against: our process lost its SQLite locks (see
tests/gui/test_file_dialog_locks.py), another process checkpointed and deleted the WAL,
and our connections went on writing into the deleted file. Here the deletion is done by
hand (as that other process does it: unlink the WAL and its index), so each case is one
step; the real sequence with two processes and a kill is in the GUI test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from assembly_desk.cli import main as cli_main
from assembly_desk.persistence.db_file_guard import (
    DatabaseFileLost,
    FileIdentity,
    guard_of,
    in_documents_folder,
)
from assembly_desk.services.database import Database
from assembly_desk.services.db_location import location_warning
from tests.conftest import make_assembly

REPO = Path(__file__).resolve().parents[2]


def _assemblies(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text("SELECT count(*) FROM assembly")).scalar_one())


def _read_elsewhere(db_file: Path, query: str) -> str:
    """One value read by another process (in this one, SQLite shares the deleted index)."""
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute(sys.argv[2]).fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db_file), query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _unlink_wal(db_file: Path) -> None:
    """What a process that thinks it is the last one does when it closes.

    It checkpoints the WAL into the main file and unlinks the WAL and its index; the
    checkpoint is done here by another process too, so this process's SQLite state is
    left as it would be.
    """
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchall()"
    )
    subprocess.run([sys.executable, "-c", script, str(db_file)], timeout=60, check=True)
    for suffix in ("-wal", "-shm"):
        db_file.with_name(db_file.name + suffix).unlink()


def test_every_transaction_is_guarded_and_a_healthy_file_passes(db: Database) -> None:
    make_assembly(db)
    guard = guard_of(db.engine)
    assert guard is not None and guard.lost is None
    assert guard.main == FileIdentity.of(guard.db_file)
    assert _assemblies(db) == 1
    guard.check()


def test_a_deleted_wal_stops_every_later_transaction(db: Database) -> None:
    make_assembly(db)
    guard = guard_of(db.engine)
    assert guard is not None
    _unlink_wal(guard.db_file)
    with pytest.raises(DatabaseFileLost) as caught:
        make_assembly(db)
    assert caught.value.key == "db_guard.lost"
    assert "데이터베이스 파일이 바뀌었거나 지워졌습니다" in caught.value.message()
    assert "저장을 멈췄습니다" in caught.value.message()
    # Sticky: a WAL that appears again (another process reopened the file) changes nothing.
    assert _read_elsewhere(guard.db_file, "SELECT count(*) FROM assembly") == "1"
    assert guard.wal_file.exists()
    with pytest.raises(DatabaseFileLost):
        _assemblies(db)


def test_a_replaced_database_file_is_noticed(db: Database, tmp_path: Path) -> None:
    make_assembly(db)
    guard = guard_of(db.engine)
    assert guard is not None
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(guard.db_file, copy)
    os.replace(copy, guard.db_file)  # e.g. a backup restored over it while the window runs
    with pytest.raises(DatabaseFileLost):
        _assemblies(db)


def test_a_commit_after_the_wal_went_is_refused_and_nothing_claims_success(
    db: Database,
) -> None:
    aid = make_assembly(db)
    guard = guard_of(db.engine)
    assert guard is not None
    with db.uow() as uow, pytest.raises(DatabaseFileLost):
        uow.session.execute(text("UPDATE assembly SET venue = 'moved' WHERE id = :i"), {"i": aid})
        _unlink_wal(guard.db_file)  # between this transaction's begin and its commit
        uow.commit()
    assert _read_elsewhere(guard.db_file, "SELECT venue FROM assembly") != "moved"


def test_another_process_opening_and_closing_is_no_false_alarm(db: Database) -> None:
    """With our locks in place another process cannot delete the WAL, and the guard is quiet."""
    make_assembly(db)
    done = subprocess.run(
        [sys.executable, "-m", "assembly_desk", "--db", db.url, "status"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    make_assembly(db)
    assert _assemblies(db) == 2


def test_a_wal_recreated_after_our_own_last_close_is_no_false_alarm(db: Database) -> None:
    """Closing every connection deletes the WAL; the next connection's new one is recorded."""
    make_assembly(db)
    guard = guard_of(db.engine)
    assert guard is not None
    db.engine.dispose()
    assert FileIdentity.of(guard.wal_file) is None
    make_assembly(db)
    assert FileIdentity.of(guard.wal_file) is not None
    assert _assemblies(db) == 2 and guard.lost is None


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in ("XDG_DOCUMENTS_DIR", "XDG_DESKTOP_DIR", "XDG_DOWNLOAD_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.mark.skipif(sys.platform != "linux", reason="the folder names are the XDG ones")
def test_documents_folders_are_recognised(fake_home: Path, tmp_path: Path) -> None:
    own = fake_home / ".local" / "share" / "assembly-desk"
    assert in_documents_folder(fake_home / "desk.sqlite3") == fake_home
    assert in_documents_folder(fake_home / "Documents" / "총회" / "desk.sqlite3") == (
        fake_home / "Documents"
    )
    assert in_documents_folder(fake_home / "Desktop" / "desk.sqlite3") == fake_home / "Desktop"
    assert in_documents_folder(fake_home / "Downloads" / "d.db") == fake_home / "Downloads"
    assert in_documents_folder(own / "assembly-desk.sqlite3") is None
    assert in_documents_folder(fake_home / "venue" / "desk.sqlite3") is None
    assert in_documents_folder(tmp_path / "desk.sqlite3") is None
    assert location_warning("postgresql+psycopg://h/db") is None
    warning = location_warning(f"sqlite:///{fake_home / 'Documents' / 'desk.sqlite3'}")
    assert warning is not None and "문서 폴더" in warning and str(own) in warning


@pytest.mark.skipif(sys.platform != "linux", reason="the folder names are the XDG ones")
def test_the_command_line_warns_but_runs(
    fake_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{fake_home / 'Documents' / 'desk.sqlite3'}"
    assert cli_main(["--db", url, "assembly", "list"]) == 0
    captured = capsys.readouterr()
    assert "주의: 데이터베이스가 문서 폴더" in captured.err
    assert "문서 폴더" not in captured.out
    own = fake_home / ".local" / "share" / "assembly-desk" / "a.sqlite3"
    assert cli_main(["--db", f"sqlite:///{own}", "assembly", "list"]) == 0
    assert "문서 폴더" not in capsys.readouterr().err
