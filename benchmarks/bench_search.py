"""Search-as-you-type as the desk window runs it, on SQLite and PostgreSQL, at a 100,000 roll.

Run: .venv/bin/python benchmarks/bench_search.py [--people 100000] [--keystrokes 2000]
     [--pg-url URL | --pg-url none]
Target: p95 < 5 ms per keystroke on both databases.

The roll goes in through the product's import (``services.roll.import_roll``, as
``bench_checkin.py`` does). Each keystroke is timed as the window makes it: the desk page
calls ``DeskService.search(text)`` (``services/facade/desk.py``) with the stripped field text
unless the text is empty or looks like a card code; that runs ``DeskSession.search``, which
opens a unit of work, asks the database whether the roll changed (``search_rows.heads``),
matches in memory and fetches the hits' shown fields and check-ins (``search_rows.shown``).
The session is warmed first, as the main window does (``DeskService.warm_search``).

Queries are typed one keystroke at a time (every prefix is one sample): Korean names in full
syllables, 초성, birth dates (year and yyyymmdd), phones' last four digits, and misses.

Floors, interleaved keystroke by keystroke in the same run:

* SQLite, FTS5: a prefix query (``"q"*``) over an FTS5 table of the names, with prefix
  indexes of 1-4 characters (initials, birth dates and phones in their own columns, the query
  aimed at the column its kind uses), and the fetch of its <=30 hits' shown fields and
  check-ins, through the raw ``sqlite3`` driver;
* SQLite, by key: the product's hits fetched by primary key through raw ``sqlite3``;
* PostgreSQL, by key: the same through raw ``psycopg`` (prepared, autocommit).

Then once per database, the invalidation path: a second desk (its own ``Database`` and
``DeskService`` in this process) registers a walk-in, and later corrects a name, between two
keystrokes of the first desk; the next keystroke must find the new name (the script fails
if not), and its time is printed separately.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile, pg_database
from assembly_desk.domain import card_code, hangul
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.services import roll
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade.desk import DeskService
from assembly_desk.services.roll_edit import Correction
from bench_checkin import NOW, _assembly

TARGET_P95_MS = 5.0
WARM_UP = 100
_SHOWN = (
    "SELECT p.id, p.name, p.birth_date, p.category, p.tong, p.ban, p.phone_last4, "
    "p.eligible, p.ineligible_reason, c.at, c.desk "
)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError as exc:  # pragma: no cover - no uptime binary
        return f"uptime unavailable: {exc}"


def stats(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
    }


def line(name: str, samples: list[float], floor: list[float] | None = None) -> str:
    s = stats(samples)
    f = stats(floor) if floor else None
    parts = []
    for key in ("p50", "p95", "p99", "max"):
        part = f"{key} {s[key]:.2f} ms"
        if f:
            part += f" ({s[key] / f[key]:.1f}×)"
        parts.append(part)
    return f"{name} (n={len(samples)}): " + ", ".join(parts)


# -- the keystrokes ------------------------------------------------------------------------
def keystrokes(people: list[tuple[str, date, str]], n: int, seed: int = 3) -> list[tuple[str, str]]:
    """(kind, field text) for at least ``n`` keystrokes: every prefix of each query typed."""
    rng = random.Random(seed)
    misses = ["홍길똥", "뷁", "Zxqv", "ㅋㅋㅋㅋ", "19991399", "0000", "김뷁", "ㄱㅁㅅㅋ"]
    out: list[tuple[str, str]] = []
    while len(out) < n:
        name, birth, phone = rng.choice(people)
        kind = rng.choices(
            ["name", "initials", "year", "birth", "phone", "miss"], [5, 2, 1, 2, 2, 1]
        )[0]
        if kind == "name":
            query = hangul.fold_name(name)
        elif kind == "initials":
            query = hangul.initials(hangul.fold_name(name))
            if not hangul.is_initials_query(query):  # a Latin name: type it as a name
                kind, query = "name", hangul.fold_name(name)
        elif kind == "year":
            query = f"{birth.year}"
        elif kind == "birth":
            query = birth.strftime("%Y%m%d")
        elif kind == "phone":
            query = phone
        else:
            query = rng.choice(misses)
        for i in range(1, len(query) + 1):
            text = query[:i].strip()
            if text and not card_code.looks_like_code(text):  # as the page filters them
                out.append((kind, text))
    return out


# -- the floors ----------------------------------------------------------------------------
def _fts_match(text: str) -> str | None:
    """The FTS5 query for one keystroke, aimed at the column its kind uses."""
    q = hangul.fold_name(text)
    if not q:
        return None
    if q.isdigit():
        return f'{{ymd phone}} : "{q}"*'
    if hangul.is_initials_query(q):
        return f'initials : "{q}"*'
    digits = q.replace("-", "").replace(".", "").replace("/", "")
    if digits.isdigit():
        return f'ymd : "{digits}"*'
    return 'name_key : "' + q.replace('"', '""') + '"*'


class SqliteFloors:
    """Raw sqlite3: an FTS5 prefix query with its fetch, and a fetch by primary key."""

    def __init__(self, db_file: Path, fts_file: Path, aid: int) -> None:
        self.aid = aid
        self.conn = sqlite3.connect(fts_file, isolation_level=None)
        self.conn.execute("ATTACH DATABASE ? AS r", (str(db_file),))
        self.conn.execute(
            "CREATE VIRTUAL TABLE names USING fts5(name_key, initials, ymd, phone, "
            "tokenize = 'unicode61', prefix = '1 2 3 4')"
        )
        rows = self.conn.execute(
            "SELECT id, name_key, birth_date, phone_last4 FROM r.person WHERE assembly_id = ?",
            (aid,),
        ).fetchall()
        self.conn.executemany(
            "INSERT INTO names(rowid, name_key, initials, ymd, phone) VALUES (?, ?, ?, ?, ?)",
            [
                (pid, key, hangul.initials(key), str(birth).replace("-", ""), phone)
                for pid, key, birth, phone in rows
            ],
        )
        self.fts_sql = (
            _SHOWN + "FROM (SELECT rowid AS id FROM names WHERE names MATCH ? LIMIT 30) AS f "
            "CROSS JOIN r.person AS p ON p.id = f.id "
            "LEFT JOIN r.checkin AS c ON c.assembly_id = ? AND c.person_id = p.id"
        )
        self.by_key = sqlite3.connect(db_file, isolation_level=None)
        self.by_key.execute("PRAGMA query_only = ON")
        self.key_sql = (
            _SHOWN + "FROM person AS p LEFT JOIN checkin AS c "
            "ON c.assembly_id = ? AND c.person_id = p.id "
            "WHERE p.id IN (SELECT value FROM json_each(?))"
        )

    def fts(self, text: str) -> tuple[float, int]:
        match = _fts_match(text)
        start = time.perf_counter()
        rows = self.conn.execute(self.fts_sql, (match, self.aid)).fetchall() if match else []
        return time.perf_counter() - start, len(rows)

    def key(self, ids: list[int]) -> float:
        start = time.perf_counter()
        self.by_key.execute(self.key_sql, (self.aid, json.dumps(ids))).fetchall()
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()
        self.by_key.close()


class PgFloor:
    """Raw psycopg: the hits fetched by primary key (prepared, autocommit)."""

    def __init__(self, url: str, aid: int) -> None:
        import psycopg

        self.aid = aid
        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self.conn.autocommit = True
        self.sql = (
            _SHOWN + "FROM person AS p LEFT JOIN checkin AS c "
            "ON c.assembly_id = %s AND c.person_id = p.id WHERE p.id = ANY(%s)"
        )

    def key(self, ids: list[int]) -> float:
        start = time.perf_counter()
        self.conn.execute(self.sql, (self.aid, ids), prepare=True).fetchall()
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


# -- one database --------------------------------------------------------------------------
def _people(db: Database, aid: int) -> list[tuple[str, date, str]]:
    from sqlalchemy import select

    from assembly_desk.persistence.models import PersonRow

    with db.uow() as uow:
        return [
            (r.name, r.birth_date, r.phone_last4)
            for r in uow.session.execute(
                select(PersonRow.name, PersonRow.birth_date, PersonRow.phone_last4).where(
                    PersonRow.assembly_id == aid
                )
            )
        ]


def _timed_search(desk: DeskService, text: str) -> tuple[float, list[int]]:
    start = time.perf_counter()
    hits = desk.search(text)
    return time.perf_counter() - start, [h.person.id for h in hits]


def invalidation(
    label: str, url: str, aid: int, desk: DeskService, folder: Path, typical: float
) -> list[str]:
    """A second desk adds a walk-in, then corrects a name; the first desk's next keystroke."""
    failures = []
    other_db = open_database(url)
    other = DeskService(other_db, "desk-2", queue_path=folder / f"{label}-queue-2.jsonl")
    other.open(aid)
    _timed_search(desk, "김민")  # the keystroke before
    form = roll.WalkIn(name="벤치방문객", birth_date=date(1991, 4, 5), phone="010-2468-1357")
    registered = other.register_walk_in(form, check_in=False).registration.person.id
    seconds, ids = _timed_search(desk, "벤치방문객")
    found = registered in ids
    print(
        f"[{label}] keystroke after another desk's walk-in: {seconds * 1000:.2f} ms "
        f"({seconds / typical:.1f}× the p50 keystroke), found: {found}"
    )
    if not found:
        failures.append(f"{label}: walk-in {registered} not found")
    _, before = _timed_search(desk, "1234")
    target = before[0] if before else registered
    _timed_search(desk, "김민")  # the keystroke before
    other.correct_person(target, Correction(name="교정된벤치"))
    seconds, ids = _timed_search(desk, "교정된벤치")
    found = target in ids
    print(
        f"[{label}] keystroke after another desk's name correction: {seconds * 1000:.2f} ms "
        f"({seconds / typical:.1f}× the p50 keystroke), found: {found}"
    )
    if not found:
        failures.append(f"{label}: corrected person {target} not found by the new name")
    other_db.dispose()
    return failures


def bench_backend(label: str, url: str, csv: Path, n: int, folder: Path) -> list[str]:
    db = open_database(url)
    aid = _assembly(db)
    start = time.perf_counter()
    with db.uow() as uow:
        report = roll.import_roll(uow, aid, csv, NOW)
    print(f"[{label}] import {report.imported:,} rows: {time.perf_counter() - start:.1f} s")

    desk = DeskService(db, "desk-1", queue_path=folder / f"{label}-queue-1.jsonl")
    desk.open(aid)
    start = time.perf_counter()
    indexed = desk.warm_search()
    print(f"[{label}] warm_search: {indexed:,} people in {time.perf_counter() - start:.2f} s")

    sqlite_floors: SqliteFloors | None = None
    pg_floor: PgFloor | None = None
    floors: dict[str, Callable[[str, list[int]], float]] = {}
    if label == "sqlite":
        db_file = Path(url.removeprefix("sqlite:///"))
        sqlite_floors = SqliteFloors(db_file, folder / "fts.sqlite3", aid)
        fl = sqlite_floors
        floors["FTS5 prefix query + fetch (raw sqlite3)"] = lambda text, ids: fl.fts(text)[0]
        floors["fetch of the hits by key (raw sqlite3)"] = lambda text, ids: fl.key(ids)
    else:
        pg_floor = PgFloor(url, aid)
        pf = pg_floor
        floors["fetch of the hits by key (raw psycopg)"] = lambda text, ids: pf.key(ids)

    keys = keystrokes(_people(db, aid), n + WARM_UP)
    product: list[float] = []
    by_kind: dict[str, list[float]] = {}
    floor_samples: dict[str, list[float]] = {name: [] for name in floors}
    hits_total = 0
    for i, (kind, text) in enumerate(keys):
        seconds, ids = _timed_search(desk, text)
        floor_times = {name: fn(text, ids) for name, fn in floors.items()}
        if i < WARM_UP:
            continue
        product.append(seconds)
        by_kind.setdefault(kind, []).append(seconds)
        hits_total += len(ids)
        for name, t in floor_times.items():
            floor_samples[name].append(t)

    p95 = stats(product)["p95"]
    verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
    print(
        f"[{label}] {line('DeskService.search per keystroke', product)} "
        f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict}); {hits_total / len(product):.1f} hits"
        " per keystroke on average"
    )
    for name, samples in floor_samples.items():
        print(f"[{label}] floor, {line(name, samples)}")
        print(f"[{label}]   product / this floor: {line('DeskService.search', product, samples)}")
    for kind, samples in sorted(by_kind.items()):
        print(f"[{label}]   by kind, {line(kind, samples)}")

    failures = invalidation(label, url, aid, desk, folder, stats(product)["p50"] / 1000)
    if p95 >= TARGET_P95_MS:
        profile_slowest(label, desk, keys[WARM_UP:], product)
    if sqlite_floors:
        sqlite_floors.close()
    if pg_floor:
        pg_floor.close()
    db.dispose()
    return failures


def profile_slowest(
    label: str, desk: DeskService, keys: list[tuple[str, str]], samples: list[float]
) -> None:
    """cProfile the kind of keystroke that was slowest (repeated, so the profile has weight)."""
    import cProfile
    import pstats

    worst = max(range(len(samples)), key=samples.__getitem__)
    kind, text = keys[worst]
    print(f"[{label}] slowest keystroke: {text!r} ({kind}), {samples[worst] * 1000:.2f} ms")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(50):
        desk.search(text)
    profiler.disable()
    print(f"[{label}] cProfile of 50 × {text!r}, top 10 by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--keystrokes", type=int, default=2000)
    parser.add_argument(
        "--pg-url",
        default=None,
        help="a PostgreSQL database to use (default: a throwaway one; 'none' skips PostgreSQL)",
    )
    args = parser.parse_args()
    print(f"load at start: {uptime()}")
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "roll.csv"
        generate_sample_csv(csv, args.people, seed=1)
        print(f"roll: {args.people:,} synthetic residents, {csv.stat().st_size / 1e6:.1f} MB CSV")
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        failures += bench_backend("sqlite", url, csv, args.keystrokes, folder)
        if args.pg_url and args.pg_url.lower() == "none":
            pass
        elif args.pg_url:
            failures += bench_backend("postgres", args.pg_url, csv, args.keystrokes, folder)
        else:
            with pg_database() as pg_url:
                if pg_url:
                    failures += bench_backend("postgres", pg_url, csv, args.keystrokes, folder)
    print(f"load at end: {uptime()}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))


if __name__ == "__main__":
    main()
