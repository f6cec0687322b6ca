"""Owner-only files: the data folder, the SQLite database, its WAL and index, key files.

Any local account could otherwise read the roll, the card codes that unlock a voting
station and the chair's passphrase hash. Each test sets the process umask to the common
0o022 itself, so it checks what the app does, not how this shell happens to be set up.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assembly_desk.audit import keys
from assembly_desk.persistence.engine import ENV_VAR
from assembly_desk.services import checkin
from assembly_desk.services.database import Database, open_database
from tests.conftest import FIXED_NOW, make_assembly
from tests.services.helpers import add_person

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs' user data folder moved under ``tmp_path``; no database override."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return tmp_path / "share" / "assembly-desk"


def check_in_someone(db: Database) -> None:
    aid = make_assembly(db)
    person = add_person(db, aid, "김민수")
    with db.uow() as uow:
        checkin.check_in_person(uow, aid, person.person.id, "desk-1", FIXED_NOW)


def test_default_database_folder_and_files_are_owner_only(
    loose_umask: None, data_home: Path
) -> None:
    db = open_database(None)
    try:
        check_in_someone(db)
        db_file = data_home / "assembly-desk.sqlite3"
        assert str(db_file) in db.url
        assert mode(data_home) == 0o700
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
            assert path.exists(), path
            assert mode(path) == 0o600, (path, oct(mode(path)))
    finally:
        db.dispose()


def test_files_left_readable_by_an_older_version_are_tightened(
    loose_umask: None, data_home: Path
) -> None:
    data_home.mkdir(parents=True, mode=0o755)
    os.chmod(data_home, 0o755)
    db = open_database(None)
    check_in_someone(db)
    db.dispose()
    db_file = data_home / "assembly-desk.sqlite3"
    for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
        if path.exists():
            os.chmod(path, 0o644)
    os.chmod(data_home, 0o755)

    db = open_database(None)
    try:
        check_in_someone(db)
        assert mode(data_home) == 0o700
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
            assert mode(path) == 0o600, (path, oct(mode(path)))
    finally:
        db.dispose()


def test_an_explicit_database_path_is_owner_only_too(loose_umask: None, tmp_path: Path) -> None:
    db_file = tmp_path / "venue" / "desk.sqlite3"
    db = open_database(f"sqlite:///{db_file}")
    try:
        check_in_someone(db)
        assert mode(db_file.parent) == 0o700  # a folder the app made for it
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
            assert mode(path) == 0o600, (path, oct(mode(path)))
    finally:
        db.dispose()


def test_key_files_are_owner_only(loose_umask: None, tmp_path: Path) -> None:
    pem, _info = keys.generate_key("의장", "chair", "열쇠 암호 12345")
    target = tmp_path / "chair.key"
    keys.save_private_key(target, pem)
    assert mode(target) == 0o600


def test_the_command_line_sets_an_owner_only_umask(loose_umask: None) -> None:
    from assembly_desk.cli import main

    with pytest.raises(SystemExit):
        main(["--version"])
    current = os.umask(0o022)
    assert current == 0o077
