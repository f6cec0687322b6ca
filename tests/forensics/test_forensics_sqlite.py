"""Forensics on SQLite: someone holding the files must not pair voters with ballots.

The attacker reads every regular file under the test's folder (the database, -wal, -shm
and anything else the app wrote there), parses them from the file format only, and tries
to pair each voter with their ballot and to recover the cast order — while the poll is
open, after it closes, and after a close during which another desk was reading (so the
checkpoint could not empty the WAL). See ``harness`` for the thresholds.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assembly_desk.services.database import Database
from tests.forensics.harness import (
    N_VOTERS,
    Poll,
    Score,
    app_files,
    assert_found,
    assert_no_better_than_chance,
    cast_all,
    close,
    file_attacks,
    make_poll,
    score,
)

pytestmark = [
    pytest.mark.forensics,
    pytest.mark.parametrize("any_db_url", ["sqlite"], indirect=True),
]

PAGE_ATTACKS = ("page-offset", "offset-rank")


@pytest.fixture
def forensic_db(any_db: Database) -> Iterator[Database]:
    """The database exactly as the suite opens it (conftest ``any_db``), on SQLite."""
    assert any_db.engine.dialect.name == "sqlite"
    yield any_db


def attack_files(db: Database, root: Path, poll: Poll, phase: str) -> list[Score]:
    """Every attack on every file the app wrote; findings that saw nothing are dropped."""
    scores = [score(f, poll, phase) for f in file_attacks(app_files(db, root), poll.recognizer)]
    return [s for s in scores if s.ballots or s.issues]


def test_sqlite_files_while_open_and_after_close(forensic_db: Database, tmp_path: Path) -> None:
    poll = make_poll(forensic_db)
    cast_all(forensic_db, poll.contest_id, poll.cast_order, poll.selection)
    scores = attack_files(forensic_db, tmp_path, poll, "open")
    close(forensic_db, poll.contest_id)
    scores += attack_files(forensic_db, tmp_path, poll, "closed")
    # The attacks must see the data, or a parser bug would pass this test.
    assert_found(scores, "open", PAGE_ATTACKS, N_VOTERS, "issues")
    assert_found(scores, "closed", PAGE_ATTACKS, N_VOTERS, "issues")
    assert_found(scores, "closed", PAGE_ATTACKS, N_VOTERS, "ballots")
    assert_no_better_than_chance(scores)


def test_sqlite_files_after_a_close_while_another_desk_reads(
    forensic_db: Database, tmp_path: Path
) -> None:
    """A desk (a projector, a status screen) holds a read transaction across the close.

    A checkpoint cannot reset the WAL under a reader, so the log written while the poll
    was open survives the close, however the close tries to fold it.
    """
    poll = make_poll(forensic_db)
    cast_all(forensic_db, poll.contest_id, poll.cast_order, poll.selection)
    db_file = Path(str(forensic_db.engine.url.database))
    assert db_file.is_file()
    reading = threading.Event()
    done = threading.Event()

    def reader() -> None:
        conn = sqlite3.connect(db_file, isolation_level=None)
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            reading.set()
            done.wait(60)
            conn.execute("COMMIT")
        finally:
            conn.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert reading.wait(10)
        close(forensic_db, poll.contest_id)
    finally:
        done.set()
        thread.join()
    scores = attack_files(forensic_db, tmp_path, poll, "closed+reader")
    assert_found(scores, "closed+reader", PAGE_ATTACKS, N_VOTERS, "ballots")
    assert_found(scores, "closed+reader", PAGE_ATTACKS, N_VOTERS, "issues")
    assert_no_better_than_chance(scores)
