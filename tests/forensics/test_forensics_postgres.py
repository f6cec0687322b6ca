"""Forensics on PostgreSQL: the data directory and the WAL must not pair voters with ballots.

The attacker holds the server's data directory (the test database's relation files,
read after a CHECKPOINT, dead tuples and free space included), the buffer pages
(pageinspect: ``get_raw_page`` and ``heap_page_items``), a WAL archive (the segments
covering the poll, read with pg_waldump and from their raw bytes) and every file under
the test's folder (a station's ballot box, if the app writes one). While the poll is open
and after it closes, no attack may pair voters with ballots or recover the cast order
better than chance; see ``harness`` for the thresholds.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import random
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from assembly_desk.services.database import Database
from tests.forensics.attacks import (
    Finding,
    Recognizer,
    WalReader,
    finding_from,
    heap_sightings,
    pg_heap_attacks,
    pg_items_attack,
    pg_wal_attack,
    relation_pages,
    run_waldump,
    scan_positions,
)
from tests.forensics.harness import (
    N_VOTERS,
    OPTIONS,
    Poll,
    Score,
    app_files,
    assert_found,
    assert_no_better_than_chance,
    cast_all,
    close,
    file_attacks,
    make_poll,
    report,
    require,
    score,
)

pytestmark = [
    pytest.mark.forensics,
    pytest.mark.postgres,
    pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True),
]

HEAP_ATTACKS = ("heap-xmin", "heap-ctid", "pageinspect-items")


@dataclass
class Server:
    """What the attacker holds on the server, and where."""

    data_dir: Path
    db_oid: int
    wal_dir: Path
    archive: Path  # the WAL archive the attacker keeps (segments copied as they fill)
    timeline: int
    seg_size: int
    waldump: str


def _waldump(version: int) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/{version}/bin/pg_waldump"))
    found = found or sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_waldump"))
    return found[-1] if found else shutil.which("pg_waldump")


@pytest.fixture
def forensic_db(any_db: Database) -> Iterator[Database]:
    """The database exactly as the suite opens it (conftest ``any_db``), on PostgreSQL."""
    assert any_db.engine.dialect.name == "postgresql"
    yield any_db


@pytest.fixture
def server(forensic_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Server:
    with forensic_db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
        except Exception as exc:  # not installed, or not a superuser
            require(False, f"the pageinspect extension ({str(exc).splitlines()[0]})")
        data_dir = Path(conn.exec_driver_sql("SHOW data_directory").scalar_one())
        oid = conn.exec_driver_sql(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).scalar_one()
        version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000
        tli = conn.exec_driver_sql("SELECT timeline_id FROM pg_control_checkpoint()").scalar_one()
        seg = int(
            conn.exec_driver_sql(
                "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"
            ).scalar_one()
        )
    base = data_dir / "base" / str(oid)
    require(os.access(base, os.R_OK | os.X_OK), f"read access to {base} (run as root or postgres)")
    require(os.access(data_dir / "pg_wal", os.R_OK | os.X_OK), f"read access to {data_dir}/pg_wal")
    waldump = _waldump(version)
    require(waldump is not None, "pg_waldump (postgresql-client / server bin directory)")
    assert waldump is not None
    # Outside tmp_path: the archive is the attacker's, not a file the app wrote.
    archive = tmp_path_factory.mktemp("wal-archive")
    return Server(data_dir, int(oid), data_dir / "pg_wal", archive, int(tli), seg, waldump)


def _lsn(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one())


def _lsn_int(lsn: str) -> int:
    hi, lo = lsn.split("/")
    return (int(hi, 16) << 32) | int(lo, 16)


def archive_wal(srv: Server, start: str, end: str) -> None:
    """Copy the segments covering [start, end] into the attacker's archive.

    A segment is copied only if it still holds its own addresses (a recycled segment is
    renamed and overwritten): the archive keeps the first full copy of each.
    """
    per_id = 0x100000000 // srv.seg_size
    for segno in range(_lsn_int(start) // srv.seg_size, _lsn_int(end) // srv.seg_size + 1):
        name = f"{srv.timeline:08X}{segno // per_id:08X}{segno % per_id:08X}"
        src = srv.wal_dir / name
        if not src.exists():
            continue
        data = src.read_bytes()
        pageaddr = int.from_bytes(data[8:16], "little")
        if pageaddr == segno * srv.seg_size:
            (srv.archive / name).write_bytes(data)


def _relation_blocks(conn, rel: str) -> list[tuple[str, int, bytes]]:  # type: ignore[no-untyped-def]
    rows = conn.exec_driver_sql(
        "SELECT b, get_raw_page(%(rel)s::text, b::int) FROM "
        "generate_series(0, pg_relation_size(%(rel)s::regclass) / 8192 - 1) AS b",
        {"rel": rel},
    ).all()
    return [(rel, int(b), bytes(page)) for b, page in rows]


def _items(conn, rel: str) -> list[tuple[int, int, int, bytes | None]]:  # type: ignore[no-untyped-def]
    rows = conn.exec_driver_sql(
        "SELECT b, h.lp, h.t_xmin::text::bigint, h.t_data FROM "
        "generate_series(0, pg_relation_size(%(rel)s::regclass) / 8192 - 1) AS b, "
        "heap_page_items(get_raw_page(%(rel)s::text, b::int)) AS h",
        {"rel": rel},
    ).all()
    return [
        (int(b), int(lp), int(x or 0), bytes(d) if d is not None else None) for b, lp, x, d in rows
    ]


def heap_findings(conn, rels: list[str], rec: Recognizer) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Attack 4 through pageinspect, on the buffer pages of ``rels``."""
    rels = [
        r for r in rels if conn.exec_driver_sql("SELECT to_regclass(%(r)s)", {"r": r}).scalar_one()
    ]
    # The raw pages, carved: live, dead and vacuumed-away tuples left in free space.
    pages = [p for r in rels for p in _relation_blocks(conn, r)]
    out = pg_heap_attacks(heap_sightings(pages, rec), "pageinspect get_raw_page")
    # pageinspect's own line-pointer view (t_xmin, t_data of every item).
    items = [s for r in rels for s in pg_items_attack(_items(conn, r), rec, r, r)]
    out.append(finding_from("pageinspect-items", "heap_page_items", items))
    return out


def disk_findings(srv: Server, rec: Recognizer) -> list[Finding]:
    """Attack 4 on the files: every relation file of the test's database, after a CHECKPOINT."""
    base = srv.data_dir / "base" / str(srv.db_oid)
    out = []
    images = []
    for path in sorted(base.iterdir()):
        if path.is_file() and path.name.split(".")[0].isdigit():
            images += heap_sightings(relation_pages(path), rec)
            name = f"base/{srv.db_oid}/{path.name}"
            out.append(finding_from("file-position", name, scan_positions(path.read_bytes(), rec)))
    return out + pg_heap_attacks(images, f"data directory base/{srv.db_oid}")


def wal_findings(srv: Server, start: str, end: str, rec: Recognizer) -> list[Finding]:
    """Attack 5 on the archived WAL between ``start`` and ``end``."""
    records, err = run_waldump(srv.waldump, srv.archive, start, end)
    assert records, f"pg_waldump found no records in {start}..{end}: {err}"
    reader = WalReader(srv.archive, srv.timeline, srv.seg_size)
    wal, stats = pg_wal_attack(records, reader, srv.db_oid, rec, f"WAL {start}..{end}")
    assert stats["ours"], f"no WAL record touches database {srv.db_oid}: {stats} {err}"
    return [wal]


def attack_server(
    db: Database, srv: Server, poll: Poll, root: Path, start: str, phase: str
) -> list[Score]:
    rec = poll.recognizer
    end = _lsn(db)
    archive_wal(srv, start, end)  # before the CHECKPOINT below may recycle segments
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        findings = heap_findings(conn, ["ballot", "ballot_issue"], rec)
        conn.exec_driver_sql("CHECKPOINT")
    findings += disk_findings(srv, rec)
    findings += wal_findings(srv, start, end, rec)
    # 3. Every file the app wrote in its folders (a station's ballot box, say).
    findings += file_attacks(app_files(db, root), rec)
    scores = [score(f, poll, phase) for f in findings]
    return [s for s in scores if s.ballots or s.issues]


def test_postgres_data_directory_and_wal_while_open_and_after_close(
    forensic_db: Database, server: Server, tmp_path: Path
) -> None:
    poll = make_poll(forensic_db)
    start = _lsn(forensic_db)
    cast_all(forensic_db, poll.contest_id, poll.cast_order, poll.selection)
    scores = attack_server(forensic_db, server, poll, tmp_path, start, "open")
    close(forensic_db, poll.contest_id)
    scores += attack_server(forensic_db, server, poll, tmp_path, start, "closed")
    # The attacks must see the data, or a parser bug would pass this test.
    assert_found(scores, "open", HEAP_ATTACKS, N_VOTERS, "issues")
    assert_found(scores, "closed", HEAP_ATTACKS, N_VOTERS, "issues")
    assert_found(scores, "closed", HEAP_ATTACKS, N_VOTERS, "ballots")
    assert_found(scores, "closed", ("wal-xid-lsn",), N_VOTERS, "issues")
    assert_no_better_than_chance(scores)


def test_postgres_attacks_catch_a_leaky_store(forensic_db: Database, server: Server) -> None:
    """Positive control: the attacks do see through a store that keeps history.

    Two plain tables shaped like ``ballot`` and ``ballot_issue``, one transaction per
    cast, then the old close: every ballot deleted and rewritten in id order, VACUUM.
    Independent of the app's storage, so it keeps proving the parsers after a redesign.
    """
    n, contest = 60, 987_654
    rng = random.Random(7)
    voters = list(range(1, n + 1))
    rng.shuffle(voters)
    rankings = dict(zip(voters, rng.sample(list(itertools.permutations(OPTIONS)), n), strict=True))
    rec = Recognizer(OPTIONS, contest, voters)
    poll = Poll(forensic_db, contest, voters, rankings)
    engine = forensic_db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(
            "CREATE TABLE leak_issue (contest_id int, person_id int, channel varchar(8))"
        )
        conn.exec_driver_sql(
            "CREATE TABLE leak_ballot (id varchar(32), contest_id int, selection_json text)"
        )
    start = _lsn(forensic_db)
    for pid in voters:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO leak_issue VALUES (:c, :p, 'station')"), {"c": contest, "p": pid}
            )
            conn.execute(
                text("INSERT INTO leak_ballot VALUES (:i, :c, :s)"),
                {
                    "i": secrets.token_hex(16),
                    "c": contest,
                    "s": json.dumps({"ranking": list(rankings[pid])}, separators=(",", ":")),
                },
            )
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM leak_ballot ORDER BY id")).all()
        conn.execute(text("DELETE FROM leak_ballot"))
        for row in rows:
            conn.execute(
                text("INSERT INTO leak_ballot VALUES (:i, :c, :s)"),
                dict(zip("ics", row, strict=True)),
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM leak_ballot")
        end = str(conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar_one())
        archive_wal(server, start, end)
        findings = heap_findings(conn, ["leak_ballot", "leak_issue"], rec)
        conn.exec_driver_sql("CHECKPOINT")
    findings += disk_findings(server, rec) + wal_findings(server, start, end, rec)
    scores = {
        (s.attack, s.target.split(" ")[0]): s for s in (score(f, poll, "leaky") for f in findings)
    }
    print("\n" + report([s for s in scores.values() if s.ballots or s.issues]))
    wal = scores[("wal-xid-lsn", "WAL")]
    assert (wal.correct, wal.rho) == (n, 1.0)
    for where in ("pageinspect", "data"):
        heap = scores[("heap-xmin", where)]
        assert heap.ballots == n and heap.correct >= n * 0.8 and heap.rho and heap.rho > 0.9
