"""A desk through a scripted PostgreSQL outage: what is kept, what lands, what the chair sees.

Run: .venv/bin/python benchmarks/bench_outage.py [--seconds 60] [--every 0.5]

Desk 1 talks to PostgreSQL through a TCP proxy (tests/services/test_offline_queue.py's
``TcpProxy``) that this script cuts for ``--seconds`` — only this desk loses the server,
as when a venue switch or the desk's cable goes. During the outage desk 1 reads one card
every ``--every`` seconds; every 12th person walks to desk 2 (online, direct connection)
and is checked in there first, so each of those is a conflict. Desk 1 retries every 2 s
(the status poller's interval, same thread, like the window's worker). After the outage:
how long until the queue is empty, how many scans are stored, duplicates, conflicts the
chair is shown; then the crash case — the queue file as it was before sending, sent again.

Target: every scan kept and stored exactly once; duplicates 0; conflicts shown = people
checked in at desk 2 meanwhile.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests' TcpProxy

from sqlalchemy import func, select
from tests.services.test_offline_queue import TcpProxy

from _common import pg_database, summary_ms
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.persistence.models import CheckInRow, OfflineScanRow
from assembly_desk.services import assemblies, roll
from assembly_desk.services import status as status_service
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.offline_queue import DatabaseUnreachable, QueuedScan

RETRY_SECONDS = 2.0
ELSEWHERE_EVERY = 12


def _assembly(db: Database) -> int:
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY,
        "정전 벤치마크 총회",
        date(2026, 11, 28),
        rules=EligibilityRules(14, frozenset(Category)),
        quorum=QuorumRule(QuorumKind.NUMBER, 10),
    )
    with db.uow() as uow:
        return assemblies.create_assembly(uow, spec, utc_now()).id


def _people(db: Database, aid: int, n: int) -> list[str]:
    codes = []
    for i in range(n):
        form = roll.WalkIn(
            name=f"벤치{i:04d}",
            birth_date=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
            category=Category.RESIDENT,
            address=f"성산동 {i}번지",
            tong=str(1 + i % 9),
            ban=str(1 + i % 5),
            phone=f"010-{i:04d}-{i:04d}",
        )
        with db.uow() as uow:
            codes.append(roll.register_walk_in(uow, aid, form, "명부", utc_now()).card_code)
    return codes


def _count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def _try_send(backend: DeskService) -> bool:
    try:
        return backend.sync_offline().pending == 0
    except DatabaseUnreachable:
        return False


def run(seconds: float, every: float) -> int:
    with pg_database() as url:
        if url is None:
            return 0
        proxy = TcpProxy()
        direct = open_database(url)
        desk_db = open_database(proxy.url(url))
        folder = Path(tempfile.mkdtemp(prefix="bench-outage-"))
        try:
            return _scenario(direct, desk_db, proxy, folder, seconds, every)
        finally:
            proxy.close()
            desk_db.dispose()
            direct.dispose()
            shutil.rmtree(folder, ignore_errors=True)


def _scenario(
    direct: Database,
    desk_db: Database,
    proxy: TcpProxy,
    folder: Path,
    seconds: float,
    every: float,
) -> int:
    aid = _assembly(direct)
    planned = int(seconds / every)
    codes = _people(direct, aid, planned + 10)
    backend = DeskService(desk_db, "1번 데스크", folder / "queue.jsonl")
    backend.open(aid)
    other = DeskSession(direct, aid, "2번 데스크")
    for code in codes[:5]:  # a few live check-ins before the outage
        backend.scan(code)

    proxy.cut()
    start = time.monotonic()
    answers: list[float] = []
    kept = answered_live = elsewhere = 0
    next_retry = start + RETRY_SECONDS
    for i, code in enumerate(codes[5 : 5 + planned]):
        due = start + i * every
        while time.monotonic() < due:
            time.sleep(min(0.05, max(0.0, due - time.monotonic())))
        if i % ELSEWHERE_EVERY == 0:
            other.scan(code)  # the same person, checked in at desk 2 first
            elsewhere += 1
        t0 = time.perf_counter()
        answer = backend.scan(code)
        answers.append(time.perf_counter() - t0)
        if isinstance(answer, QueuedScan):
            kept += 1
        else:
            answered_live += 1
        if time.monotonic() >= next_retry:
            _try_send(backend)  # the poller's retry, failing while the server is gone
            next_retry = time.monotonic() + RETRY_SECONDS
    while time.monotonic() < start + seconds:
        time.sleep(0.05)
    outage = time.monotonic() - start
    before_send = folder / "before-send.jsonl"
    shutil.copy2(backend.queue.path, before_send)

    proxy.restore()
    back = time.monotonic()
    while not _try_send(backend):
        time.sleep(RETRY_SECONDS)
    drained = time.monotonic() - back
    stored = _count(direct, OfflineScanRow)
    checkins = _count(direct, CheckInRow)
    with direct.uow() as uow:
        shown = len(status_service.status(uow, aid).conflicts)

    # The crash: the queue sent but its file as it was before (marks never written).
    shutil.copy2(before_send, backend.queue.path)
    resend = DeskService(desk_db, "1번 데스크", folder / "queue.jsonl")
    resend.open(aid)
    report = resend.sync_offline().report
    duplicates_created = _count(direct, CheckInRow) - checkins
    rows_created = _count(direct, OfflineScanRow) - stored

    people_in = 5 + planned  # live before + everyone scanned during the outage
    print(f"outage: {outage:.1f} s, one scan every {every} s at desk 1 (desk 2 online)")
    print(f"scans during the outage: {planned} (kept {kept}, answered live {answered_live})")
    print(f"scan answer at the desk during the outage: {summary_ms(answers)}")
    print(f"queue empty {drained:.2f} s after the server came back")
    print(f"stored after: {stored} of {kept} kept scans (offline_scan rows)")
    with direct.uow() as uow:
        distinct = int(
            uow.session.execute(
                select(func.count(func.distinct(CheckInRow.person_id)))
            ).scalar_one()
        )
    print(
        f"people checked in: {checkins} (expected {people_in});"
        f" duplicates: {checkins - distinct} (check-in rows minus distinct people)"
    )
    print(f"checked in at desk 2 meanwhile: {elsewhere}; conflicts shown to the chair: {shown}")
    assert report is not None
    print(
        f"resend of the pre-send queue: {report.sent} sent, {report.duplicates} recognised,"
        f" check-ins created {duplicates_created}, rows created {rows_created}"
    )
    ok = (
        kept == planned
        and stored == kept
        and checkins == people_in
        and shown == elsewhere
        and duplicates_created == 0
        and rows_created == 0
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=0.5)
    args = parser.parse_args()
    return run(args.seconds, args.every)


if __name__ == "__main__":
    sys.exit(main())
