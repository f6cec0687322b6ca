"""Issue targets for the door: import, check-in, search, and four desks at once.

Run: .venv/bin/python benchmarks/bench_checkin.py [--people 100000]
Targets: import 100,000 rows < 10 s; check-in p50 < 5 ms, p99 < 20 ms (SQLite) and
p99 < 30 ms (PostgreSQL); search p95 < 20 ms; 4 processes × 2,000 codes on PostgreSQL:
each person checked in exactly once, zero errors.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select

from _common import pg_database, summary_ms, timed
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.services import assemblies, roll
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _assembly(db: Database, min_age: int = 14) -> int:
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY,
        "벤치마크 주민총회",
        date(2026, 11, 28),
        rules=EligibilityRules(min_age, frozenset(Category)),
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 10),
    )
    with db.uow() as uow:
        return assemblies.create_assembly(uow, spec, NOW).id


def _codes(db: Database, aid: int) -> list[str]:
    with db.uow() as uow:
        return list(
            uow.session.execute(
                select(PersonRow.card_code).where(
                    PersonRow.assembly_id == aid, PersonRow.eligible.is_(True)
                )
            ).scalars()
        )


def bench_backend(label: str, url: str, csv: Path, scans: int) -> list[str]:
    db = open_database(url)
    aid = _assembly(db)

    def do_import() -> roll.ImportReport:
        with db.uow() as uow:
            return roll.import_roll(uow, aid, csv, NOW)

    seconds, report = timed(do_import)
    print(f"[{label}] import {report.imported:,} rows: {seconds:.2f} s (target < 10 s)")  # type: ignore[attr-defined]

    codes = _codes(db, aid)
    random.Random(1).shuffle(codes)
    desk = DeskSession(db, aid, "bench")
    samples = []
    for code in codes[:scans]:
        start = time.perf_counter()
        result = desk.scan(code)
        samples.append(time.perf_counter() - start)
        assert result.outcome.value == "checked_in", result
    target = "p50 < 5 ms, p99 < 20 ms" if label == "sqlite" else "p99 < 30 ms"
    print(f"[{label}] check-in via services: {summary_ms(samples)} (target {target})")

    queries = [
        "김",
        "김민",
        "김민수",
        "ㄱㅁㅅ",
        "ㅇㅈ",
        "이서",
        "1234",
        "5678",
        "1980-03-15",
        "박",
        "최지",
        "정",
        "ㅎㄱㄷ",
        "민준",
        "19850101",
    ]
    desk.search("warm-up")
    search_samples = []
    for _ in range(10):
        for q in queries:
            start = time.perf_counter()
            desk.search(q)
            search_samples.append(time.perf_counter() - start)
    print(f"[{label}] search over the roll: {summary_ms(search_samples)} (target p95 < 20 ms)")
    db.dispose()
    return codes


def _desk_proc(url: str, aid: int, name: str, codes: list[str], out: mp.Queue) -> None:
    random.Random(name).shuffle(codes)
    db = open_database(url)
    desk = DeskSession(db, aid, name)
    counts: dict[str, int] = {}
    errors = 0
    start = time.perf_counter()
    for code in codes:
        try:
            outcome = desk.scan(code).outcome.value
            counts[outcome] = counts.get(outcome, 0) + 1
        except Exception as exc:
            errors += 1
            print(f"{name}: {exc}", file=sys.stderr)
    out.put((name, counts, errors, time.perf_counter() - start))
    db.dispose()


def bench_concurrency(url: str, n: int = 2000, desks: int = 4) -> None:
    db = open_database(url)
    aid = _assembly(db, min_age=0)  # everyone eligible: n codes, n check-ins
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "roll.csv"
        generate_sample_csv(csv, n, seed=7)
        with db.uow() as uow:
            roll.import_roll(uow, aid, csv, NOW)
    codes = _codes(db, aid)
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    procs = [
        ctx.Process(target=_desk_proc, args=(url, aid, f"desk-{i}", list(codes), queue))
        for i in range(desks)
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - start
    with db.uow() as uow:
        rows = uow.session.execute(
            select(func.count(func.distinct(CheckInRow.person_id))).where(
                CheckInRow.assembly_id == aid
            )
        ).scalar_one()
        total = uow.session.execute(
            select(func.count()).select_from(CheckInRow).where(CheckInRow.assembly_id == aid)
        ).scalar_one()
    errors = sum(r[2] for r in results)
    won = sum(r[1].get("checked_in", 0) for r in results)
    print(
        f"[postgres] {desks} processes × {len(codes)} codes: {wall:.1f} s wall, "
        f"checked in {won} (distinct rows {rows}, total rows {total}), errors {errors} "
        f"→ {'OK' if won == rows == total == len(codes) and errors == 0 else 'FAIL'}"
    )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "roll.csv"
        generate_sample_csv(csv, args.people, seed=1)
        print(f"roll: {args.people:,} synthetic residents, {csv.stat().st_size / 1e6:.1f} MB CSV")
        bench_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", csv, args.scans)
        with pg_database() as url:
            if url:
                bench_backend("postgres", url, csv, args.scans)
        with pg_database() as url:
            if url:
                bench_concurrency(url)


if __name__ == "__main__":
    main()
