"""Issue target for the voting station: casting through the service layer.

Run: .venv/bin/python benchmarks/bench_cast.py [--ballots 10000] [--pg-ballots 2000]
Targets (SQLite, synchronous=FULL): 10,000 ballots in one contest < 10 s in total;
confirm-to-stored (the voter presses "confirm" → ballot durable in the station's box and
issue committed: two box fsyncs and one database commit) p50/p99 < 50 ms.
Also shown: the card scan that unlocks a station, the close that delivers the box to the
database in one transaction, and the same cast loop on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, insert, select

from _common import pg_database, summary_ms
from assembly_desk.domain import card_code
from assembly_desk.domain.assembly import AssemblyKind, EligibilityRules
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import assemblies, contests, voting
from assembly_desk.services.database import Database, open_database

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
CHAIR = "benchmark chair passphrase"
CANDIDATES = ("김민수", "이영희", "박철수", "최지원", "정하늘", "한바다")


def _prepare(db: Database, n: int) -> tuple[int, int, list[tuple[int, str]]]:
    """An assembly with ``n`` checked-in voters and one open choose-2 contest."""
    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY, "투표 벤치마크", date(2026, 11, 28), rules=EligibilityRules()
    )
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(card_code.new_code())
    base = {
        "assembly_id": aid,
        "birth_date": date(1970, 1, 1),
        "category": "resident",
        "address": "",
        "tong": "",
        "ban": "",
        "phone_last4": "",
        "eligible": True,
        "ineligible_reason": "",
        "guardian_consent": False,
        "source": "import",
        "created_at": NOW,
    }
    with db.uow() as uow:
        uow.session.execute(
            insert(PersonRow),
            [
                {**base, "name": f"주민{i}", "name_key": f"주민{i}", "card_code": c}
                for i, c in enumerate(sorted(codes))
            ],
        )
        voters = [
            (pid, code)
            for pid, code in uow.session.execute(
                select(PersonRow.id, PersonRow.card_code).where(PersonRow.assembly_id == aid)
            ).all()
        ]
        uow.session.execute(
            insert(CheckInRow),
            [
                {"assembly_id": aid, "person_id": pid, "desk": "door", "at": NOW}
                for pid, _ in voters
            ],
        )
        uow.commit()
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, NOW)
    defn = ContestDefinition(
        "주민자치회 위원 선출", BallotType.CHOOSE_N, tuple(Option(c) for c in CANDIDATES), 2
    )
    with db.uow() as uow:
        cid = contests.create_contest(uow, aid, defn, NOW).id
    with db.uow() as uow:
        contests.open_poll(uow, cid, CHAIR, NOW)
    random.Random(7).shuffle(voters)
    return aid, cid, voters


def bench(label: str, url: str, n: int, scans: int, box_dir: Path) -> None:
    db = open_database(url, box_dir=box_dir)
    aid, cid, voters = _prepare(db, n)
    rng = random.Random(1)

    unlock_samples = []
    for _pid, code in voters[:scans]:
        start = time.perf_counter()
        with db.uow() as uow:
            unlock = voting.unlock_for_card(uow, aid, code)
        unlock_samples.append(time.perf_counter() - start)
        assert unlock.ok

    samples = []
    total_start = time.perf_counter()
    for pid, _code in voters:
        choice = {"choices": rng.sample(CANDIDATES, rng.choice((1, 2)))}
        start = time.perf_counter()
        with db.uow() as uow:
            voting.cast(uow, cid, pid, choice)
        samples.append(time.perf_counter() - start)
    total = time.perf_counter() - total_start

    close_start = time.perf_counter()
    with db.uow() as uow:
        counts = contests.close_poll(uow, cid, CHAIR, NOW)
    close_s = time.perf_counter() - close_start
    with db.uow() as uow:
        stored = uow.session.execute(
            select(func.count()).select_from(BallotRow).where(BallotRow.contest_id == cid)
        ).scalar_one()
    assert stored == counts.issued == n, (stored, counts)
    print(f"[{label}] unlock_for_card: {summary_ms(unlock_samples)}")
    print(f"[{label}] cast {n:,} ballots: {total:.2f} s total ({n / total:,.0f}/s)")
    print(f"[{label}] confirm-to-stored: {summary_ms(samples)} (target p50/p99 < 50 ms)")
    print(f"[{label}] close, delivering {n:,} ballots from the box: {close_s:.2f} s")
    db.dispose()


def fsync_floor_ms(folder: Path, n: int = 300) -> float:
    """Median cost of the smallest durable commit on this disk (plain sqlite3, WAL, FULL)."""
    import sqlite3

    conn = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    samples = []
    for k in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (k,))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - start)
    conn.close()
    return sorted(samples)[n // 2] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--pg-ballots", type=int, default=2_000, help="0 skips PostgreSQL")
    parser.add_argument("--scans", type=int, default=1_000)
    parser.add_argument(
        "--dir",
        default=None,
        help="folder for the SQLite file (default: the system temp folder, on disk). "
        "Try /dev/shm to see the service cost without the disk's fsync time.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        start = time.perf_counter()
        print(f"[sqlite] database file in {tmp} (synchronous=FULL: one fsync per cast)")
        print(f"[sqlite] this disk: one durable commit costs {fsync_floor_ms(Path(tmp)):.2f} ms")
        bench("sqlite", url, args.ballots, min(args.scans, args.ballots), Path(tmp) / "boxes")
        elapsed = time.perf_counter() - start
        print(f"[sqlite] whole run incl. setup: {elapsed:.2f} s")
    if args.pg_ballots:
        with pg_database() as pg_url, tempfile.TemporaryDirectory() as boxes:
            if pg_url:
                n = args.pg_ballots
                bench("postgres", pg_url, n, min(args.scans, n), Path(boxes))


if __name__ == "__main__":
    main()
