"""The desk window's two promises: an answer before the next blink, a window in two seconds.

(a) Scan latency on a 100,000-person roll: from the first key event of a keyboard-wedge
    scan (11 digits + Enter, delivered as real Qt key events) until the banner shows the
    answer (text and colour set, events processed). Target p95 < 50 ms.
    Also reported: search-as-you-type (from the debounced query to the rows shown) and one
    status refresh, which the two-second timer runs in the same worker thread.
(b) Cold start: a fresh process running ``python -m assembly_desk`` offscreen until the
    window is usable (``ASSEMBLY_DESK_STARTUP_PROBE=1`` prints and quits). Target < 2 s.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_desk_window.py [--people N]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from _common import summary_ms
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.models import PersonRow
from assembly_desk.services import assemblies, roll
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade import Services

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
P95_TARGET_MS = 50.0
START_TARGET_S = 2.0


def seed(db: Database, people: int, folder: Path) -> int:
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY,
        "벤치마크 주민총회",
        date(2026, 11, 28),
        rules=EligibilityRules(14, frozenset(Category)),
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 10),
    )
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    csv = generate_sample_csv(folder / "roll.csv", people, seed=2026)
    started = time.perf_counter()
    with db.uow() as uow:
        report = roll.import_roll(uow, aid, csv, NOW)
    print(f"seeded {report.imported} people in {time.perf_counter() - started:.1f} s")
    return aid


def pump_until(app: QApplication, done: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError
    app.processEvents()


def bench_scans(db: Database, aid: int, scans: int, live_scans: int) -> list[float]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_korean_font(app)
    t_open = time.perf_counter()
    window = MainWindow(Services(db), "bench-desk", aid, sounds=False, video_inputs=lambda: [])
    window.resize(1280, 800)
    window.show()
    pump_until(app, lambda: window.is_ready)
    desk = window.desk_page
    pump_until(app, lambda: window.worker.pending() == 0, 60.0)  # the search index warm-up
    with db.uow() as uow:
        codes = list(
            uow.session.execute(
                select(PersonRow.card_code).where(
                    PersonRow.assembly_id == aid, PersonRow.eligible.is_(True)
                )
            ).scalars()
        )
    random.Random(7).shuffle(codes)
    print(f"window ready, index warm: {time.perf_counter() - t_open:.1f} s")
    samples: list[float] = []
    for i, code in enumerate(codes[: scans + 5]):
        pump_until(app, lambda: window.worker.pending() == 0)  # people arrive seconds apart
        before = desk.banner.result
        start = time.perf_counter()
        QTest.keyClicks(desk.field, code)
        QTest.keyClick(desk.field, Qt.Key.Key_Return)
        pump_until(app, lambda b=before: desk.banner.result is not b)
        elapsed = time.perf_counter() - start
        assert desk.banner.colour == "green", desk.banner.headline.text()
        if i >= 5:  # the first few warm SQLAlchemy's statement cache
            samples.append(elapsed)

    # People do not wait for the worker: scans 0.8-2.5 s apart (a card, a greeting, the
    # next card) while the periodic status refresh keeps running in the same worker.
    live: list[float] = []
    rng = random.Random(11)
    for code in codes[scans + 5 : scans + 5 + live_scans]:
        gap_end = time.perf_counter() + rng.uniform(0.8, 2.5)
        pump_until(app, lambda e=gap_end: time.perf_counter() >= e)
        before = desk.banner.result
        start = time.perf_counter()
        QTest.keyClicks(desk.field, code)
        QTest.keyClick(desk.field, Qt.Key.Key_Return)
        pump_until(app, lambda b=before: desk.banner.result is not b)
        live.append(time.perf_counter() - start)
    print(f"scan keys -> banner, status refresh running: {summary_ms(live)}")
    print(f"    status refresh interval now {window.poller.timer.interval()} ms")

    searches: list[float] = []
    for query in ["김민", "이영", "ㄱㅁㅅ", "박", "1980-03-15", "5678", "최지", "정민"] * 3:
        desk.results.clear_hits()
        pump_until(app, lambda: window.worker.pending() == 0)
        desk.field.setText(query)
        start = time.perf_counter()
        desk.search(query)
        pump_until(app, lambda q=query: desk.results.query == q or desk.results._code_hint)
        searches.append(time.perf_counter() - start)
    status_runs: list[float] = []
    for _ in range(10):
        start = time.perf_counter()
        window.poller.refresh()
        pump_until(app, lambda: window.worker.pending() == 0)
        status_runs.append(time.perf_counter() - start)
    window.shutdown()
    print(f"search (after the {120} ms typing pause): {summary_ms(searches)}")
    print(f"status refresh (every 2 s, same worker): {summary_ms(status_runs)}")
    return samples


def bench_cold_start(url: str, runs: int) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ASSEMBLY_DESK_STARTUP_PROBE="1")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "assembly_desk", "--db", url, "--desk", "bench"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        assert proc.stdout is not None
        line = ""
        for line in proc.stdout:
            if line.startswith("startup-ms"):
                break
        times.append(time.perf_counter() - start)
        proc.wait(timeout=30)
        assert line.startswith("startup-ms"), "the window never reported itself usable"
    return times


def verdict(met: bool) -> str:
    return "OK" if met else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--live-scans", type=int, default=40)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument(
        "--status-index",
        action="store_true",
        help="add person(assembly_id, eligible, category) first: the index proposed to make "
        "the roll count in services.status a covering-index scan (not in the schema yet)",
    )
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        db = open_database(url)
        aid = seed(db, args.people, folder)
        if args.status_index:
            with db.engine.begin() as conn:
                conn.exec_driver_sql(
                    "CREATE INDEX ix_bench_status ON person (assembly_id, eligible, category)"
                )
            print("with the proposed status index")
        samples = bench_scans(db, aid, args.scans, args.live_scans)
        p95 = sorted(samples)[round(0.95 * (len(samples) - 1))] * 1000
        print(f"(a) scan keys -> banner, {args.people:,} on the roll: {summary_ms(samples)}")
        print(f"    target p95 < {P95_TARGET_MS:.0f} ms: {verdict(p95 < P95_TARGET_MS)}")
        ok &= p95 < P95_TARGET_MS
        db.dispose()
        starts = bench_cold_start(url, args.starts)
        worst = max(starts)
        print(f"(b) cold start to a usable window: {summary_ms(starts)} (worst {worst:.2f} s)")
        print(f"    target < {START_TARGET_S:.0f} s: {verdict(worst < START_TARGET_S)}")
        ok &= worst < START_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
