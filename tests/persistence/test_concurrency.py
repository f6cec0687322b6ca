"""Several desks on one database: every person checked in exactly once, no errors.

Real processes (not threads), each with its own engine, like laptops on a venue network.
"""

from __future__ import annotations

import multiprocessing as mp
import random

from sqlalchemy import func, select

from assembly_desk.persistence.models import AuditEventRow, CheckInRow
from assembly_desk.services import audit_log
from assembly_desk.services.database import Database, open_database
from tests.ballots.helpers import seed_people
from tests.conftest import make_assembly

PEOPLE = 2000
DESKS = 4


def _seed_people(db: Database, aid: int, n: int) -> list[str]:
    return sorted(v.code for v in seed_people(db, aid, n, checked_in=False))


def _desk_worker(url: str, aid: int, desk: str, codes: list[str], out: mp.Queue) -> None:
    from assembly_desk.services.desk import DeskSession

    random.Random(desk).shuffle(codes)
    db = open_database(url)
    session = DeskSession(db, aid, desk)
    counts: dict[str, int] = {}
    errors = 0
    for code in codes:
        try:
            outcome = session.scan(code).outcome.value
        except Exception:
            errors += 1
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    db.dispose()
    out.put((desk, counts, errors))


def _run_desks(url: str, aid: int, codes: list[str]) -> list[tuple[str, dict[str, int], int]]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    procs = [
        ctx.Process(target=_desk_worker, args=(url, aid, f"desk-{i}", list(codes), queue))
        for i in range(DESKS)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


def test_four_desks_check_in_the_same_codes_exactly_once(any_db_url: str) -> None:
    db = open_database(any_db_url)
    aid = make_assembly(db)
    n = PEOPLE if any_db_url.startswith("postgresql") else 400
    codes = _seed_people(db, aid, n)
    results = _run_desks(any_db_url, aid, codes)
    assert sum(errors for _d, _c, errors in results) == 0
    checked_in = sum(c.get("checked_in", 0) for _d, c, _e in results)
    already = sum(c.get("already", 0) for _d, c, _e in results)
    assert checked_in == n
    assert already == n * (DESKS - 1)
    with db.uow() as uow:
        rows = uow.session.execute(select(func.count()).select_from(CheckInRow)).scalar_one()
        distinct = uow.session.execute(
            select(func.count(func.distinct(CheckInRow.person_id)))
        ).scalar_one()
        events = uow.session.execute(
            select(func.count()).select_from(AuditEventRow).where(AuditEventRow.kind == "checkin")
        ).scalar_one()
        chain = audit_log.verify(uow)
        reached = [e for e in audit_log.entries(uow) if e["kind"] == "quorum.reached"]
    assert rows == distinct == events == n
    assert len(reached) == 1  # four desks crossed the line together; the moment is logged once
    assert chain.ok, chain.reason
    db.dispose()
