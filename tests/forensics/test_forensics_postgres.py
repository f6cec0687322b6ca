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
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from assembly_desk.services.database import Database
from tests.forensics.attacks import (
    Finding,
    WalReader,
    finding_from,
    heap_sightings,
    pg_heap_attacks,
    pg_items_attack,
    pg_wal_attack,
    relation_pages,
    run_waldump,
    scan_positions,
    sqlite_file_attacks,
)
from tests.forensics.harness import (
    N_VOTERS,
    Poll,
    Score,
    assert_found,
    assert_no_better_than_chance,
    cast_all,
    close,
    make_poll,
    read_tree,
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
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
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


def attack_server(
    db: Database, srv: Server, poll: Poll, root: Path, start: str, phase: str
) -> list[Score]:
    rec = poll.recognizer
    findings: list[Finding] = []
    end = _lsn(db)
    archive_wal(srv, start, end)  # before the CHECKPOINT below may recycle segments
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rels = [
            r
            for r in ("ballot", "ballot_issue")
            if conn.exec_driver_sql("SELECT to_regclass(%(r)s)", {"r": r}).scalar_one()
        ]
        # 4a. pageinspect: the buffer pages, carved (dead tuples and free space included).
        pages = [p for r in rels for p in _relation_blocks(conn, r)]
        findings += pg_heap_attacks(heap_sightings(pages, rec), "pageinspect get_raw_page")
        # 4b. pageinspect's line-pointer view.
        items = [s for r in rels for s in pg_items_attack(_items(conn, r), rec, r, r)]
        findings.append(finding_from("pageinspect-items", "heap_page_items", items))
        conn.exec_driver_sql("CHECKPOINT")
    # 4c. The relation files on disk: every file of the test's database.
    base = srv.data_dir / "base" / str(srv.db_oid)
    disk = []
    for path in sorted(base.iterdir()):
        if path.is_file() and path.name.split(".")[0].isdigit():
            disk += heap_sightings(relation_pages(path), rec)
            data = path.read_bytes()
            findings.append(
                finding_from(
                    "file-position", f"base/{srv.db_oid}/{path.name}", scan_positions(data, rec)
                )
            )
    findings += pg_heap_attacks(disk, f"data directory base/{srv.db_oid}")
    # 5. The WAL archive, between the poll's opening and now.
    records, err = run_waldump(srv.waldump, srv.archive, start, end)
    assert records, f"pg_waldump found no records in {start}..{end}: {err}"
    reader = WalReader(srv.archive, srv.timeline, srv.seg_size)
    wal, stats = pg_wal_attack(records, reader, srv.db_oid, rec, f"WAL {start}..{end}")
    assert stats["ours"], f"no WAL record touches database {srv.db_oid}: {stats} {err}"
    findings.append(wal)
    # 3. Every file the app wrote under the test's folder (a ballot box, say).
    files = read_tree(root)
    findings += sqlite_file_attacks(files, rec)
    for name, data in files.items():
        findings.append(finding_from("file-position", name, scan_positions(data, rec)))
        findings.append(finding_from("file-last-pos", name, scan_positions(data, rec, last=True)))
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
