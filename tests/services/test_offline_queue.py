"""A desk through a database outage, on PostgreSQL: scans kept, sent once, conflicts shown.

The outage is ours alone: the desk talks to PostgreSQL through ``TcpProxy``, a small
proxy this test starts in front of 127.0.0.1:5432 and can cut (the listening socket and
every open connection closed, so new connections are refused and old ones die mid-query,
as in a server restart) and restore, while other engineers' tests keep the real server.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assembly_desk.domain import card_code
from assembly_desk.i18n import t
from assembly_desk.persistence.models import AuditEventRow, CheckInRow, OfflineScanRow
from assembly_desk.services import status as status_service
from assembly_desk.services.checkin import Outcome, ScanResult
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.offline_queue import (
    DatabaseUnreachable,
    OfflineQueue,
    QueuedScan,
)
from tests.conftest import FIXED_NOW, create_pg_database, drop_pg_database, make_assembly
from tests.services.helpers import add_person

UPSTREAM = ("127.0.0.1", 5432)


class TcpProxy:
    """127.0.0.1:<port> → PostgreSQL, with ``cut()`` and ``restore()`` (same port)."""

    def __init__(self, upstream: tuple[str, int] = UPSTREAM) -> None:
        self.upstream = upstream
        self.port = 0
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def url(self, pg_url: str) -> str:
        """``pg_url`` (pointing at the real server) redirected through this proxy."""
        host = f"{self.upstream[0]}:{self.upstream[1]}"
        assert host in pg_url
        return pg_url.replace(host, f"127.0.0.1:{self.port}")

    def restore(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and kill the open ones, as a server restart does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
            listener.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while we connected
                    client.close()
                    server.close()
                    return
                self._conns += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select(timeout=1.0):
                    source = key.fileobj
                    assert isinstance(source, socket.socket)
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            sel.close()
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()


@dataclass
class Venue:
    """A PostgreSQL venue database, reached directly and through a cuttable proxy."""

    direct: Database  # another desk / the chair: unaffected by the outage
    through_proxy: Database  # this desk
    proxy: TcpProxy
    assembly_id: int


@pytest.fixture
def venue() -> Iterator[Venue]:
    url = create_pg_database()
    proxy = TcpProxy()
    direct = open_database(url)
    desk_db: Database | None = None
    try:
        aid = make_assembly(direct)
        desk_db = open_database(proxy.url(url))
        yield Venue(direct, desk_db, proxy, aid)
    finally:
        proxy.close()
        if desk_db is not None:
            desk_db.dispose()
        direct.dispose()
        drop_pg_database(url)


class Clock:
    """The desk's clock: each reading a second after the last (no real waiting)."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        self.now += timedelta(seconds=1)
        return self.now


def _people(db: Database, aid: int, n: int) -> list[str]:
    codes = []
    for i in range(n):
        reg = add_person(db, aid, f"주민{i:03d}", phone=f"010-0000-{i:04d}")
        codes.append(reg.card_code)
    return codes


def _count(db: Database, model, **where) -> int:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(uow.session.execute(query).scalar_one())


def _backend(venue: Venue, tmp_path: Path, desk: str = "1번 데스크") -> DeskService:
    backend = DeskService(venue.through_proxy, desk, tmp_path / "queue" / "scans.jsonl", Clock())
    backend.open(venue.assembly_id)
    return backend


def _unknown_code(known: set[str]) -> str:
    while True:
        code = card_code.new_code()
        if code not in known:
            return code


def _outage_text(exc: BaseException) -> str:
    assert isinstance(exc, DatabaseUnreachable)
    return exc.message()


# -- the local file --------------------------------------------------------------------
def test_queue_file_is_owner_only_fsynced_lines_and_a_torn_tail_is_skipped(
    tmp_path: Path,
) -> None:
    os.umask(0o022)  # a loose umask must not loosen the file
    path = tmp_path / "data" / "offline" / "q.jsonl"
    queue = OfflineQueue(path)
    first = queue.add(1, "12345678901", "desk", FIXED_NOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with path.open("ab") as torn:  # a kill in the middle of writing the next line
        torn.write(b'{"op": "scan", "id": "half')
    second = queue.add(1, "10987654321", "desk", FIXED_NOW + timedelta(seconds=3))
    assert [s.id for s in queue.pending()] == [first.id, second.id]
    assert first.id != second.id and len(first.id) == 36
    queue.mark_sent(first.id)
    assert [s.id for s in OfflineQueue(path).pending()] == [second.id]
    queue.mark_sent(second.id)
    assert not path.exists()  # nothing pending: the file goes


# -- through an outage --------------------------------------------------------------------
def test_scans_during_an_outage_are_kept_then_stored_exactly_once(
    venue: Venue, tmp_path: Path
) -> None:
    codes = _people(venue.direct, venue.assembly_id, 8)
    backend = _backend(venue, tmp_path)
    assert backend.scan(codes[0]).outcome is Outcome.CHECKED_IN  # type: ignore[union-attr]

    venue.proxy.cut()
    kept = [backend.scan(code) for code in codes[1:]]
    assert all(isinstance(k, QueuedScan) for k in kept)
    assert [k.pending for k in kept] == list(range(1, 8))  # type: ignore[union-attr]
    assert stat.S_IMODE(backend.queue.path.stat().st_mode) == 0o600
    again = backend.scan(codes[-1])  # the scanner's double read: one kept scan, not two
    assert isinstance(again, QueuedScan) and again.repeat and len(backend.queue) == 7
    for call in (lambda: backend.search("주민"), backend.status, backend.sync_offline):
        with pytest.raises(DatabaseUnreachable) as err:
            call()
        text = _outage_text(err.value)
        assert "데이터베이스에 연결할 수 없습니다" in text
        assert "OperationalError" not in text and "sqlalche.me" not in text
    assert _count(venue.direct, CheckInRow) == 1  # nothing arrived meanwhile

    venue.proxy.restore()
    state = backend.sync_offline()
    assert state.pending == 0 and state.report is not None
    assert (state.report.sent, state.report.checked_in, state.report.conflicts) == (7, 7, 0)
    assert _count(venue.direct, CheckInRow) == 8
    assert _count(venue.direct, OfflineScanRow) == 7
    assert _count(venue.direct, AuditEventRow, kind="checkin") == 8  # the normal chain event
    assert len(backend.queue) == 0 and not backend.queue.path.exists()
    assert backend.status().checked_in == 8
    assert backend.scan(codes[0]).outcome is Outcome.ALREADY  # type: ignore[union-attr]


def test_a_resend_after_a_crash_mid_send_creates_no_duplicate(venue: Venue, tmp_path: Path) -> None:
    codes = _people(venue.direct, venue.assembly_id, 5)
    backend = _backend(venue, tmp_path)
    venue.proxy.cut()
    for code in codes:
        assert isinstance(backend.scan(code), QueuedScan)
    # The crash: everything sent, the queue file not yet told (a copy from before sending).
    before = tmp_path / "before-send.jsonl"
    shutil.copy2(backend.queue.path, before)
    venue.proxy.restore()
    first = backend.sync_offline().report
    assert first is not None and first.checked_in == 5
    shutil.copy2(before, backend.queue.path)

    restarted = _backend(venue, tmp_path)  # the desk after the crash, same queue file
    second = restarted.sync_offline().report
    assert second is not None and (second.sent, second.duplicates, second.checked_in) == (5, 5, 0)
    assert _count(venue.direct, CheckInRow) == 5
    assert _count(venue.direct, OfflineScanRow) == 5
    assert _count(venue.direct, AuditEventRow, kind="checkin") == 5
    assert not restarted.queue.path.exists()


def test_checked_in_elsewhere_meanwhile_or_unknown_is_a_conflict_for_the_chair(
    venue: Venue, tmp_path: Path
) -> None:
    codes = _people(venue.direct, venue.assembly_id, 3)
    backend = _backend(venue, tmp_path)
    venue.proxy.cut()
    for code in codes:
        assert isinstance(backend.scan(code), QueuedScan)
    unknown = _unknown_code(set(codes))
    assert isinstance(backend.scan(unknown), QueuedScan)
    assert backend.scan("12345").outcome is Outcome.MISTYPED  # type: ignore[union-attr]

    # Meanwhile the person with the first card walks to the other desk, which is online.
    other = DeskSession(venue.direct, venue.assembly_id, "2번 데스크", Clock())
    result = other.scan(codes[0])
    assert isinstance(result, ScanResult) and result.outcome is Outcome.CHECKED_IN

    venue.proxy.restore()
    report = backend.sync_offline().report
    assert report is not None
    assert (report.sent, report.checked_in, report.conflicts) == (4, 2, 2)
    assert _count(venue.direct, CheckInRow) == 3  # the person is in once

    with venue.direct.uow() as uow:
        st = status_service.status(uow, venue.assembly_id)
    by_outcome = {c.outcome: c for c in st.conflicts}
    assert set(by_outcome) == {"already", "not_on_roll"}
    elsewhere = by_outcome["already"]
    assert elsewhere.desk == "1번 데스크" and elsewhere.other_desk == "2번 데스크"
    assert elsewhere.person_name == "주민000"
    assert "2번 데스크" in elsewhere.what() and "이미 입장" in elsewhere.what()
    assert unknown in by_outcome["not_on_roll"].what()
    assert len(st.to_json()["offline_conflicts"]) == 2


def test_a_scan_the_database_refuses_stays_queued_and_does_not_block_the_rest(
    venue: Venue, tmp_path: Path
) -> None:
    codes = _people(venue.direct, venue.assembly_id, 1)
    backend = _backend(venue, tmp_path)
    backend.queue.add(9999, _unknown_code(set(codes)), "1번 데스크", FIXED_NOW)  # no such assembly
    backend.queue.add(venue.assembly_id, codes[0], "1번 데스크", FIXED_NOW)
    state = backend.sync_offline()
    assert state.report is not None
    assert (state.report.checked_in, state.report.failed, state.pending) == (1, 1, 1)
    assert [s.assembly_id for s in backend.queue.pending()] == [9999]  # kept, not dropped
    assert _count(venue.direct, CheckInRow) == 1


_CHILD_DESK = r"""
import sys
from pathlib import Path
from assembly_desk.services.database import open_database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.offline_queue import OfflineQueue, QueuedScan
url, aid, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
session = DeskSession(open_database(url), aid, "1번 데스크", queue=OfflineQueue(path))
print("ready", flush=True)
for line in sys.stdin:
    answer = session.take(line.strip())
    print("kept" if isinstance(answer, QueuedScan) else "live", flush=True)
"""


def _reply(proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """One line from the child, waiting at most ``timeout`` seconds (bounded, busy box)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise AssertionError("the desk process did not answer in time")
    return proc.stdout.readline().strip()


def test_scans_kept_before_a_kill_are_all_sent_by_the_next_run(
    venue: Venue, tmp_path: Path
) -> None:
    codes = _people(venue.direct, venue.assembly_id, 6)
    path = tmp_path / "queue" / "scans.jsonl"
    args = [sys.executable, "-c", _CHILD_DESK, venue.through_proxy.url]
    proc = subprocess.Popen(
        [*args, str(venue.assembly_id), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert _reply(proc) == "ready"
        venue.proxy.cut()
        assert proc.stdin is not None
        for code in codes:
            proc.stdin.write(code + "\n")
            proc.stdin.flush()
            assert _reply(proc) == "kept"  # answered: from now on it must survive a kill
        proc.kill()  # SIGKILL: no atexit, no flush, no goodbye
    finally:
        proc.kill()
        proc.wait(timeout=30)
    venue.proxy.restore()
    report = _backend(venue, tmp_path).sync_offline().report
    assert report is not None and report.checked_in == 6
    assert _count(venue.direct, CheckInRow) == 6


def test_status_on_the_command_line_prints_the_conflicts(
    venue: Venue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assembly_desk.cli import main

    codes = _people(venue.direct, venue.assembly_id, 1)
    backend = _backend(venue, tmp_path)
    venue.proxy.cut()
    assert isinstance(backend.scan(codes[0]), QueuedScan)
    DeskSession(venue.direct, venue.assembly_id, "2번 데스크", Clock()).scan(codes[0])
    venue.proxy.restore()
    backend.sync_offline()
    capsys.readouterr()
    assert main(["--db", venue.direct.url, "status"]) == 0
    out = capsys.readouterr().out
    assert t("outage.conflicts.title", count=1) in out
    assert "1번 데스크: 주민000" in out and "2번 데스크에서 이미 입장" in out


def test_a_pooled_connection_killed_by_the_outage_still_keeps_the_scan(
    venue: Venue, tmp_path: Path
) -> None:
    """The pool held a live connection when the server went: the scan must still be kept."""
    codes = _people(venue.direct, venue.assembly_id, 2)
    backend = _backend(venue, tmp_path)
    assert backend.status().checked_in == 0  # a pooled connection, now idle
    venue.proxy.cut()
    kept = backend.scan(codes[0])
    assert isinstance(kept, QueuedScan)
    venue.proxy.restore()
    # Back: the status refresh sends, and scans go straight to the database again.
    assert backend.sync_offline().pending == 0
    assert backend.status().checked_in == 1
    assert backend.scan(codes[1]).outcome is Outcome.CHECKED_IN  # type: ignore[union-attr]


def test_only_a_lost_connection_counts_as_an_outage() -> None:
    """A deadlock or a cancelled statement is no outage; a DeskError is already words."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    from assembly_desk.domain.errors import Refused
    from assembly_desk.services.offline_queue import is_unreachable

    def wrapped(orig: BaseException) -> OperationalError:
        try:
            raise OperationalError("SELECT 1", {}, orig) from orig
        except OperationalError as exc:
            return exc

    assert is_unreachable(wrapped(psycopg.OperationalError("connection refused")))
    assert is_unreachable(wrapped(psycopg.errors.AdminShutdown("terminating connection")))
    assert is_unreachable(DatabaseUnreachable())
    assert not is_unreachable(wrapped(psycopg.errors.DeadlockDetected("deadlock")))
    assert not is_unreachable(wrapped(psycopg.errors.QueryCanceled("statement timeout")))
    assert not is_unreachable(Refused("error.poll_closed"))
    try:
        try:
            raise wrapped(psycopg.OperationalError("gone"))
        except OperationalError:
            raise ValueError("a bug while handling it") from None
    except ValueError as bug:
        assert not is_unreachable(bug)
