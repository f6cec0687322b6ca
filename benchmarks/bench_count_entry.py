"""Count entry at the pace of a count table: every paper on screen at once, 10 a second.

(a) Keystroke → paper on screen: from the Enter key event of a 찬반 paper (digit + Enter,
    real Qt key events) until the list, counts and pending field show it (events
    processed). Target p99 < 20 ms, far under the 100 ms a 10/s pace leaves.
(b) Sustained 10 papers a second for ``--seconds`` with the real worker and a SQLite
    file (synchronous=FULL): the largest backlog of typed-but-unsaved papers and the time
    from the last key until everything is saved. Target: backlog ≤ 2, caught up < 0.5 s.
(c) A burst as fast as keys can be sent (``--burst`` papers): papers per second on screen,
    and how long the coalesced saves take to catch up.
(d) The batch itself on SQLite and PostgreSQL: save one 500-paper entry, compare two
    entries with one skipped paper, commit 500 ballots.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_count_entry.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from count_entry_screenshots import NOW, demo_contest, wait
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from _common import pg_database, summary_ms, timed
from assembly_desk.gui.count_entry.page import CountEntryPage
from assembly_desk.gui.widgets.worker import DbWorker
from assembly_desk.services import count_entry
from assembly_desk.services.count_entry import Side
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade.count_entry import CountEntryService


def send(widget: QWidget, ch: str) -> None:
    key, txt = (Qt.Key.Key_Return, "\r") if ch == "⏎" else (0, ch)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt))


def open_page(app: QApplication, db: Database, aid: int) -> tuple[CountEntryPage, DbWorker]:
    worker = DbWorker()
    page = CountEntryPage(worker, CountEntryService(db), lambda: aid)
    page.resize(1280, 800)
    page.show()
    wait(app, lambda: page.pad is not None and page._loaded_key is not None)
    page.volunteer.setText("김하나")
    return page, worker


def bench_screen(app: QApplication, db: Database, aid: int, seconds: float, burst: int) -> None:
    page, worker = open_page(app, db, aid)
    assert page.pad is not None
    latencies: list[float] = []
    backlog = 0
    n = int(seconds * 10)
    start = time.perf_counter()
    for i in range(n):
        due = start + i / 10
        while time.perf_counter() < due:
            app.processEvents()
            time.sleep(0.001)
        send(page.field, "123"[i % 3])
        app.processEvents()
        t0 = time.perf_counter()
        send(page.field, "⏎")
        app.processEvents()
        latencies.append(time.perf_counter() - t0)
        assert page.list.count() == i + 1
        backlog = max(backlog, len(page.pad.marks) - page.saved_count)
    last = time.perf_counter()
    wait(app, lambda: page.all_saved and page.saved_count == n, timeout=30)
    catch_up = time.perf_counter() - last
    print(f"(a) keystroke (Enter) → paper on screen: {summary_ms(latencies)}")
    print(
        f"(b) sustained 10/s for {seconds:.0f} s: {n} papers, all on screen and saved; "
        f"largest unsaved backlog {backlog}, caught up {catch_up * 1000:.0f} ms after the last key"
    )
    base = len(page.pad.marks)
    t0 = time.perf_counter()
    for i in range(burst):
        send(page.field, "123"[i % 3])
        send(page.field, "⏎")
        app.processEvents()
    typed = time.perf_counter() - t0
    assert len(page.pad.marks) == base + burst and page.list.count() == base + burst
    wait(app, lambda: page.all_saved and page.saved_count == base + burst, timeout=60)
    saved = time.perf_counter() - t0
    print(
        f"(c) burst: {burst} papers on screen in {typed:.2f} s ({burst / typed:.0f} papers/s); "
        f"all saved {saved - typed:.2f} s after the last key"
    )
    worker.shutdown()
    page.close()


def bench_batch(db: Database, label: str) -> None:
    aid, cid = demo_contest(db, 1100)
    del aid
    with db.uow() as uow:
        b = count_entry.create_batch(uow, cid, "대용량", NOW).id
    papers = [{"vote": ("yes", "no", "abstain")[i % 7 % 3]} for i in range(500)]

    def save(side: Side, marks: list) -> None:
        with db.uow() as uow:
            count_entry.save_entry(uow, b, side, "자원봉사자", marks, NOW)

    saves = [timed(lambda: save(Side.A, papers))[0] for _ in range(20)]
    save(Side.B, papers[:250] + papers[251:])
    with db.uow() as uow:
        took, cmp = timed(lambda: count_entry.compare(uow, b))
        (diff,) = cmp.differences  # type: ignore[attr-defined]
        count_entry.resolve(uow, b, diff.item, papers[250], "위원장", NOW)
    with db.uow() as uow:
        commit, done = timed(lambda: count_entry.commit_batch(uow, b, NOW))
    assert done.papers == 500  # type: ignore[attr-defined]
    print(
        f"(d) {label}: save a 500-paper entry {summary_ms(saves)}; compare with one skip "
        f"{took * 1000:.0f} ms; commit 500 ballots {commit * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'screen.sqlite3'}")
        aid, _cid = demo_contest(db, 50)
        bench_screen(app, db, aid, args.seconds, args.burst)
        db.dispose()
        db = open_database(f"sqlite:///{Path(tmp) / 'batch.sqlite3'}")
        bench_batch(db, "SQLite")
        db.dispose()
    with pg_database() as url:
        if url is not None:
            db = open_database(url)
            bench_batch(db, "PostgreSQL")
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
