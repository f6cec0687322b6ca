"""Scale beyond one hall: many desks on one PostgreSQL database, and the projector's lag.

Run: .venv/bin/python benchmarks/bench_scale.py [--people 400000] [--scans 20000] [--desks 8]
     .venv/bin/python benchmarks/bench_scale.py --quick          (40,000 roll, 2,000 scans)
     .venv/bin/python benchmarks/bench_scale.py --sweep 1,2,4,8  (throughput per desk count)

A fresh database gets one assembly whose roll (synthetic residents) goes in through the
product's own import (``services.roll.import_roll``, the path the roll page uses). Then
``--desks`` processes, each with its own ``DeskSession`` as a desk window holds, check in
``--scans`` distinct eligible people between them; a share of the cards (``--dup-share``)
is scanned a second time at another desk, which must answer "already checked in". One
more process polls ``services.status.status`` every ``--poll`` seconds, as the projector
or status page would, and the lag of each check-in is the time from its scan's return
(the commit is just before it) to the end of the first poll whose count includes it.

Printed: per-desk p50/p99 scan latency, total throughput, errors (must be 0), each person
checked in exactly once (counted in the database), the audit chain verified, the
projector lag p50/p99/max and the status query's own time. Measured alongside: how long
each check-in waits for the audit chain's lock (``pg_advisory_xact_lock``) and how long it
holds it (lock to commit), and the connections the database sees. ``--pooler HOST:PORT``
sends the desks and the poller through a connection pooler (e.g. PgBouncer in transaction
mode) while the set-up and the checks connect directly.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from bisect import bisect_left
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, event, func, select, text

from _common import percentile, pg_database, timed
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.services import assemblies, audit_log, roll
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.status import status

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
LOCK_SQL = "pg_advisory_xact_lock"


def _ms(samples: list[float], ps: tuple[int, ...] = (50, 99)) -> str:
    if not samples:
        return "n=0"
    parts = [f"p{p}={percentile(samples, p) * 1000:.1f}" for p in ps]
    return " ".join(parts) + f" max={max(samples) * 1000:.1f} ms"


def _assembly(db: Database) -> int:
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY,
        "규모 벤치마크 주민총회",
        date(2026, 11, 28),
        rules=EligibilityRules(14, frozenset(Category)),
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 10),
    )
    with db.uow() as uow:
        return assemblies.create_assembly(uow, spec, NOW).id


def _eligible_codes(db: Database, aid: int) -> list[str]:
    with db.uow() as uow:
        return list(
            uow.session.execute(
                select(PersonRow.card_code)
                .where(PersonRow.assembly_id == aid, PersonRow.eligible.is_(True))
                .order_by(PersonRow.id)
            ).scalars()
        )


def _no_prepare(db: Database) -> None:
    """psycopg's server-side prepared statements off, as a transaction-mode pooler needs.

    psycopg prepares a statement on the server after five runs on a connection; behind
    PgBouncer in transaction mode (before 1.21's ``max_prepared_statements``) the next
    transaction may land on another server connection that lacks it, or already has one
    of that name. Set per checkout here; the product would pass ``prepare_threshold=None``.
    """

    @event.listens_for(db.engine, "checkout")
    def _off(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.prepare_threshold = None


def _via(url: str, pooler: str | None) -> str:
    """The same database reached through ``pooler`` (host:port) instead of the server."""
    if not pooler:
        return url
    head, rest = url.split("@", 1)
    return f"{head}@{pooler}/{rest.split('/', 1)[1]}"


# -- one desk -------------------------------------------------------------------------------
def _desk_proc(
    url: str, aid: int, name: str, codes: list[str], prepare: bool, ready: Any, go: Any, out: Any
) -> None:
    db = open_database(url)
    if not prepare:
        _no_prepare(db)
    desk = DeskSession(db, aid, name)
    lock: dict[str, float] = {}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _before(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if LOCK_SQL in statement and "acquired" not in lock:
            lock["asked"] = time.perf_counter()

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if LOCK_SQL in statement and "acquired" not in lock:
            lock["acquired"] = time.perf_counter()

    with db.uow() as uow:  # warm the pool and the assembly's rows
        uow.session.execute(text("SELECT 1"))
    latencies: list[float] = []
    commits: list[float] = []
    waits: list[float] = []
    holds: list[float] = []
    counts: dict[str, int] = {}
    errors: list[str] = []
    ready.put(name)
    go.wait()
    start = time.perf_counter()
    for code in codes:
        lock.clear()
        t0 = time.perf_counter()
        try:
            outcome = desk.scan(code).outcome.value
        except Exception as exc:  # counted and shown; a run with any is a failure
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
            continue
        t1 = time.perf_counter()
        wall = time.time()
        latencies.append(t1 - t0)
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "checked_in":
            commits.append(wall)
        if "acquired" in lock:
            waits.append(lock["acquired"] - lock["asked"])
            holds.append(t1 - lock["acquired"])
    elapsed = time.perf_counter() - start
    db.dispose()
    out.put(
        {
            "name": name,
            "latencies": latencies,
            "commits": commits,
            "waits": waits,
            "holds": holds,
            "counts": counts,
            "errors": errors,
            "elapsed": elapsed,
        }
    )


# -- the projector ---------------------------------------------------------------------------
def _poll_proc(
    url: str,
    direct: str,
    aid: int,
    interval: float,
    prepare: bool,
    ready: Any,
    stop: Any,
    out: Any,
) -> None:
    db = open_database(url)
    if not prepare:
        _no_prepare(db)
    probe = create_engine(direct, pool_size=1, max_overflow=0)
    with db.uow() as uow:  # the first refresh (cold) before the desks start
        status(uow, aid)
    ready.put("poller")
    polls: list[tuple[float, int]] = []
    query: list[float] = []
    peak_conns = 0
    lock_waiters: list[int] = []
    next_at = time.perf_counter()
    while True:
        last = stop.is_set()
        t0 = time.time()
        with db.uow() as uow:
            current = status(uow, aid)
        t1 = time.time()
        polls.append((t1, current.checked_in))
        query.append(t1 - t0)
        with probe.connect() as conn:
            conns, waiting = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM pg_stat_activity"
                    "        WHERE datname = current_database()),"
                    "       (SELECT count(*) FROM pg_locks"
                    "        WHERE locktype = 'advisory' AND NOT granted)"
                )
            ).one()
        peak_conns = max(peak_conns, int(conns) - 1)  # less this probe
        lock_waiters.append(int(waiting))
        if last:
            break
        next_at += interval
        stop.wait(max(0.0, next_at - time.perf_counter()))
    db.dispose()
    probe.dispose()
    out.put(
        {"polls": polls, "query": query, "peak_conns": peak_conns, "lock_waiters": lock_waiters}
    )


def _lags(commits: list[float], polls: list[tuple[float, int]]) -> list[float]:
    """For the k-th commit in time, the first poll counting at least k people in."""
    commits = sorted(commits)
    counts = [n for _, n in polls]  # never falls: nobody is undone during the run
    lags = []
    for k, at in enumerate(commits, start=1):
        i = bisect_left(counts, k)
        if i < len(polls):
            lags.append(max(0.0, polls[i][0] - at))
    return lags


def _split(codes: list[str], desks: int, dup_share: float, seed: int) -> list[list[str]]:
    """Round-robin shares, plus ``dup_share`` of each desk's cards scanned again next door."""
    rng = random.Random(seed)
    shares = [codes[i::desks] for i in range(desks)]
    lists = [list(s) for s in shares]
    if desks > 1:
        for i, share in enumerate(shares):
            again = rng.sample(share, round(len(share) * dup_share))
            lists[(i + 1) % desks].extend(again)
    for lst in lists:
        rng.shuffle(lst)
    return lists


def run_desks(
    url: str,
    desk_url: str,
    aid: int,
    codes: list[str],
    desks: int,
    dup_share: float,
    poll: float | None,
    label: str,
    prepare: bool = True,
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    ready, out, poll_out = ctx.Queue(), ctx.Queue(), ctx.Queue()
    go, stop = ctx.Event(), ctx.Event()
    lists = _split(codes, desks, dup_share, seed=desks)
    procs = [
        ctx.Process(
            target=_desk_proc,
            args=(desk_url, aid, f"{label}-desk-{i + 1}", lists[i], prepare, ready, go, out),
        )
        for i in range(desks)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    poller = None
    if poll is not None:
        poller = ctx.Process(
            target=_poll_proc, args=(desk_url, url, aid, poll, prepare, ready, stop, poll_out)
        )
        poller.start()
        ready.get()  # opening the database can take seconds (statistics on a fresh roll)
    start = time.perf_counter()
    go.set()
    results = sorted((out.get() for _ in procs), key=lambda r: r["name"])
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    polled = None
    if poller is not None:
        stop.set()
        polled = poll_out.get()
        poller.join()
    return {"results": results, "wall": wall, "polled": polled, "scans": sum(map(len, lists))}


def report(run: dict[str, Any], distinct: int, load: str) -> bool:
    results = run["results"]
    for r in results:
        c = r["counts"]
        print(
            f"  {r['name']:>16}: {len(r['latencies']):>6} scans  latency {_ms(r['latencies'])}"
            f"  checked_in {c.get('checked_in', 0)} already {c.get('already', 0)}"
            f"  errors {len(r['errors'])}"
        )
        for message in r["errors"][:3]:
            print(f"      error: {message}")
    every = [x for r in results for x in r["latencies"]]
    errors = sum(len(r["errors"]) for r in results)
    won = sum(r["counts"].get("checked_in", 0) for r in results)
    already = sum(r["counts"].get("already", 0) for r in results)
    other = sum(
        v for r in results for k, v in r["counts"].items() if k not in ("checked_in", "already")
    )
    waits = [x for r in results for x in r["waits"]]
    holds = [x for r in results for x in r["holds"]]
    print(
        f"  all desks: {run['scans']:,} scans in {run['wall']:.1f} s = "
        f"{run['scans'] / run['wall']:.0f} scans/s ({won / run['wall']:.0f} check-ins/s); "
        f"latency {_ms(every, (50, 95, 99))}"
    )
    print(
        f"  outcomes: checked_in {won:,} (distinct people {distinct:,}), already {already:,},"
        f" other {other}, errors {errors}"
    )
    if holds:
        print(
            f"  audit lock: wait {_ms(waits)}; held (lock to commit) {_ms(holds)},"
            f" mean {statistics.fmean(holds) * 1000:.2f} ms"
            f" → at most ~{1 / statistics.fmean(holds):.0f} check-ins/s however many desks"
        )
    polled = run["polled"]
    if polled:
        commits = [x for r in results for x in r["commits"]]
        lags = _lags(commits, polled["polls"])
        waiters = polled["lock_waiters"]
        ends = [t for t, _ in polled["polls"]]
        gaps = [b - a for a, b in pairwise(ends)]
        print(
            f"  projector: {len(polled['polls'])} polls, status query {_ms(polled['query'])};"
            f" gap between polls {_ms(gaps)}; lag commit→count {_ms(lags)} (n={len(lags)})"
        )
        print(
            f"  database: peak {polled['peak_conns']} connections from desks and poller;"
            f" desks waiting on the audit lock per poll: mean {statistics.fmean(waiters):.1f},"
            f" max {max(waiters)}"
        )
    print(f"  load average at end: {load}")
    return errors == 0 and won == distinct


def _verify(db: Database, aid: int, scanned: set[str]) -> bool:
    with db.uow() as uow:
        total, people = uow.session.execute(
            select(func.count(), func.count(func.distinct(CheckInRow.person_id))).where(
                CheckInRow.assembly_id == aid
            )
        ).one()
        codes = set(
            uow.session.execute(
                select(PersonRow.card_code)
                .join(CheckInRow, CheckInRow.person_id == PersonRow.id)
                .where(CheckInRow.assembly_id == aid)
            ).scalars()
        )
        start = time.perf_counter()
        chain = audit_log.verify(uow)
        seconds = time.perf_counter() - start
    once = total == people == len(scanned) and codes == scanned
    print(
        f"  database: {total:,} check-in rows, {people:,} distinct people, expected "
        f"{len(scanned):,}, same cards as scanned: {codes == scanned} → "
        f"{'each person exactly once' if once else 'FAIL'}"
    )
    print(
        f"  audit chain: {chain.count:,} entries, verify {'OK' if chain.ok else 'FAIL: '}"
        f"{'' if chain.ok else chain.reason} in {seconds:.1f} s"
    )
    return once and chain.ok


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=400_000, help="roll size")
    parser.add_argument("--scans", type=int, default=20_000, help="distinct people checked in")
    parser.add_argument("--desks", type=int, default=8)
    parser.add_argument("--dup-share", type=float, default=0.05, help="cards scanned twice")
    parser.add_argument("--poll", type=float, default=0.5, help="status poll interval (s)")
    parser.add_argument("--quick", action="store_true", help="40,000 roll, 2,000 scans")
    parser.add_argument("--sweep", default="", help="desk counts, e.g. 1,2,4,8 (after the run)")
    parser.add_argument("--sweep-scans", type=int, default=2000, help="check-ins per sweep step")
    parser.add_argument(
        "--sweep-poll", action="store_true", help="poll the status in the sweep too"
    )
    parser.add_argument("--pooler", default="", help="HOST:PORT of a pooler for desks + poller")
    parser.add_argument(
        "--no-prepare", action="store_true", help="desks without server-side prepared statements"
    )
    args = parser.parse_args()
    if args.quick:
        args.people, args.scans = 40_000, 2_000
    sweep = [int(n) for n in args.sweep.split(",") if n.strip()]
    print(
        f"scale: roll {args.people:,}, {args.scans:,} check-ins over {args.desks} desks, "
        f"{args.dup_share:.0%} scanned again at another desk, status poll every {args.poll} s; "
        f"{os.cpu_count()} CPUs, load average {_loadavg()}"
    )
    ok = True
    with pg_database() as url, tempfile.TemporaryDirectory() as tmp:
        if url is None:
            return
        desk_url = _via(url, args.pooler)
        if args.pooler:
            print(f"desks and poller through the pooler at {args.pooler}")
        if args.no_prepare:
            print("desks and poller: psycopg prepare_threshold=None (no prepared statements)")
        db = open_database(url)
        aid = _assembly(db)
        csv = Path(tmp) / "roll.csv"
        seconds, _ = timed(lambda: generate_sample_csv(csv, args.people, seed=11))
        print(f"roll CSV: {csv.stat().st_size / 1e6:.1f} MB written in {seconds:.1f} s")

        def do_import() -> roll.ImportReport:
            with db.uow() as uow:
                return roll.import_roll(uow, aid, csv, NOW)

        start = time.perf_counter()
        imported = do_import()
        seconds = time.perf_counter() - start
        print(
            f"import (services.roll.import_roll): {imported.imported:,} rows in {seconds:.1f} s"
            f" ({imported.imported / seconds:,.0f} rows/s)"
        )
        codes = _eligible_codes(db, aid)
        random.Random(5).shuffle(codes)
        need = args.scans + args.sweep_scans * len(sweep)
        if need > len(codes):
            sys.exit(f"only {len(codes):,} eligible people for {need:,} check-ins")
        print(f"eligible: {len(codes):,}; checking in {args.scans:,} of them")

        main_codes = codes[: args.scans]
        print(f"\n[{args.desks} desks + projector poll]")
        run = run_desks(
            url,
            desk_url,
            aid,
            main_codes,
            args.desks,
            args.dup_share,
            args.poll,
            "main",
            not args.no_prepare,
        )
        ok &= report(run, len(main_codes), _loadavg())
        ok &= _verify(db, aid, set(main_codes))

        used = args.scans
        done = set(main_codes)
        for n in sweep:
            part = codes[used : used + args.sweep_scans]
            used += args.sweep_scans
            done |= set(part)
            poll = args.poll if args.sweep_poll else None
            print(
                f"\n[sweep: {n} desk(s), {len(part):,} more check-ins, "
                f"{'with' if poll else 'no'} poller]"
            )
            run = run_desks(
                url, desk_url, aid, part, n, args.dup_share, poll, f"s{n}", not args.no_prepare
            )
            ok &= report(run, len(part), _loadavg())
        if sweep:
            print("\n[after the sweep]")
            ok &= _verify(db, aid, done)
        db.dispose()
    print(f"\n{'OK' if ok else 'FAIL'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
