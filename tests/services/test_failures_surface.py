"""A failure at the door reaches whoever can act on it: never a silent ``except Exception``.

The desk answers only an outage (by keeping the scan); the sender of kept scans skips only
a scan the database or the rules refused, and names it in its report. Anything else is a
bug and is raised as it was.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from assembly_desk.domain import card_code
from assembly_desk.persistence.errors import DatabaseUnreachable, StorageRefused
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import checkin, offline_queue
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.offline_queue import OfflineQueue, QueuedScan
from tests.conftest import FIXED_NOW, make_assembly
from tests.services.helpers import add_person


class Unopenable:
    """A database that is not there: an SQLite file in a folder that does not exist."""

    def __init__(self, tmp_path: Path) -> None:
        self.engine = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}")

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)


def test_a_lost_database_is_logged_and_raised_as_the_outage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    session = DeskSession(Unopenable(tmp_path), 1, "1번 데스크", lambda: FIXED_NOW)
    with (
        caplog.at_level(logging.WARNING, "assembly_desk.services.desk"),
        pytest.raises(DatabaseUnreachable) as raised,
    ):
        session.scan(card_code.new_code())
    assert session.offline
    assert raised.value.__cause__ is not None  # the driver's error is kept, not dropped
    assert any("1번 데스크" in r.getMessage() for r in caplog.records)


def test_with_a_queue_the_outage_keeps_the_scan(tmp_path: Path) -> None:
    queue = OfflineQueue(tmp_path / "queue.jsonl")
    session = DeskSession(Unopenable(tmp_path), 1, "1번 데스크", lambda: FIXED_NOW, queue)
    assert isinstance(session.take(card_code.new_code()), QueuedScan)
    assert len(queue) == 1


def test_a_bug_at_the_desk_is_raised_and_is_no_outage(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = make_assembly(db)
    code = add_person(db, aid, "김민수").card_code

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug in the check-in")

    monkeypatch.setattr(checkin, "check_in_by_code", broken)
    queue = OfflineQueue(tmp_path / "queue.jsonl")
    session = DeskSession(db, aid, "1번 데스크", lambda: FIXED_NOW, queue)
    with pytest.raises(RuntimeError, match="a bug"):
        session.take(code)
    assert not session.offline
    assert len(queue) == 0  # not kept as if the database were gone


def test_a_kept_scan_the_database_refuses_is_logged_and_named_in_the_report(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    aid = make_assembly(db)
    code = add_person(db, aid, "김민수").card_code
    queue = OfflineQueue(tmp_path / "queue.jsonl")
    gone = queue.add(9999, card_code.new_code(), "1번 데스크", FIXED_NOW)  # no such assembly
    queue.add(aid, code, "1번 데스크", FIXED_NOW)
    with caplog.at_level(logging.ERROR, "assembly_desk.services.offline_queue"):
        report = offline_queue.send(db, queue, lambda: FIXED_NOW)
    assert (report.sent, report.checked_in, report.failed, report.pending) == (1, 1, 1, 1)
    assert [f.scan_id for f in report.failures] == [gone.id]
    assert "IntegrityError" in report.failures[0].reason
    assert [s.id for s in queue.pending()] == [gone.id]  # kept for the next pass
    assert any(gone.id in r.getMessage() for r in caplog.records)


def test_a_kept_scan_with_an_unreadable_time_is_refused_not_fatal(
    db: Database, tmp_path: Path
) -> None:
    aid = make_assembly(db)
    code = add_person(db, aid, "김민수").card_code
    queue = OfflineQueue(tmp_path / "queue.jsonl")
    queue.file.append(offline_queue.offline_store.StoredScan("bad", aid, code, "1", "어제"))
    report = offline_queue.send(db, queue, lambda: FIXED_NOW)
    assert (report.failed, report.pending) == (1, 1)
    assert report.failures[0].scan_id == "bad"


def test_a_bug_while_sending_is_raised_and_the_scan_stays_queued(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = make_assembly(db)
    code = add_person(db, aid, "김민수").card_code
    queue = OfflineQueue(tmp_path / "queue.jsonl")
    queue.add(aid, code, "1번 데스크", FIXED_NOW)

    def broken(*_args: object) -> str:
        raise RuntimeError("a bug in receive")

    monkeypatch.setattr(offline_queue, "receive", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        offline_queue.send(db, queue, lambda: FIXED_NOW)
    assert len(queue) == 1
    monkeypatch.undo()
    report = offline_queue.send(db, queue, lambda: FIXED_NOW)
    assert (report.checked_in, report.pending) == (1, 0)


def test_a_refused_statement_leaves_the_unit_of_work_as_storage_refused(db: Database) -> None:
    from assembly_desk.persistence.models import OfflineScanRow
    from assembly_desk.persistence.repositories import offline_scans

    row = OfflineScanRow(
        scan_id="x",
        assembly_id=9999,  # no such assembly: the foreign key refuses it
        code=card_code.new_code(),
        desk="1",
        scanned_at=FIXED_NOW,
        received_at=FIXED_NOW,
        outcome=Outcome.CHECKED_IN.value,
        person_id=None,
        other_desk="",
        conflict=False,
    )
    with pytest.raises(StorageRefused) as raised, db.uow() as uow:
        offline_scans.add(uow, row)
    assert raised.value.__cause__ is not None  # the driver's error, for the log
    assert "IntegrityError" in str(raised.value)
