"""The attacker's parsers on tiny hand-built inputs, and positive controls on leaky stores.

If these fail, the forensic tests prove nothing: an attack that cannot read the format
finds nothing, and finding nothing looks like secrecy.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import sqlite3
import struct
from pathlib import Path

import pytest

from tests.forensics import attacks as A
from tests.forensics.harness import MAX_CORRECT_PAIRS, Poll, rho_limit, score, spearman

pytestmark = pytest.mark.forensics

OPTS = ("Oak", "Elm", "Ash")
CONTEST = 7
REC = A.Recognizer(OPTS, CONTEST, {1, 2, 3})


def sqlite_record(*values: object) -> bytes:
    """A SQLite record: varint header of serial types, then the values (small ints, text)."""
    types, body = [], b""
    for v in values:
        if v is None:
            types.append(0)
        elif isinstance(v, int):
            types.append(1)
            body += struct.pack(">b", v)
        else:
            raw = str(v).encode()
            types.append(13 + 2 * len(raw))
            body += raw
    header = bytes([len(types) + 1, *types])
    assert all(t < 128 for t in types)
    return header + body


def index_leaf(size: int, cells: list[tuple[int, bytes]], *, key_order: list[int]) -> bytes:
    """An index leaf page (0x0a) with each payload at the given offset."""
    page = bytearray(size)
    page[0] = 0x0A
    page[3:5] = len(cells).to_bytes(2, "big")
    page[5:7] = min(o for o, _ in cells).to_bytes(2, "big")
    for k, i in enumerate(key_order):
        off, payload = cells[i]
        page[8 + 2 * k : 10 + 2 * k] = off.to_bytes(2, "big")
        cell = bytes([len(payload)]) + payload
        page[off : off + len(cell)] = cell
    return bytes(page)


def ballot_json(*ranking: str) -> str:
    return json.dumps({"ranking": list(ranking)}, separators=(",", ":"))


def test_varint_and_record() -> None:
    assert A.varint(b"\x05", 0) == (5, 1)
    assert A.varint(b"\x81\x00", 0) == (128, 2)
    assert A.varint(b"\xff" * 8 + b"\x01", 0)[1] == 9
    rec = sqlite_record("abc", 5, None)
    assert A.decode_record(rec) == ([b"abc", 5, None], len(rec))
    assert A.decode_record(b"\x02\x0a") is None  # reserved serial type
    assert A.decode_record(sqlite_record("abcdef")[:-2]) is None  # truncated


def test_recognizer_finds_rankings_and_issues() -> None:
    data = b"xx" + ballot_json("Elm", "Oak", "Ash").encode() + b"Oak, Elm,Ash" + b"Oak Oak Ash"
    assert [r for _o, r in REC.ballots_in(data)] == [("Elm", "Oak", "Ash"), ("Oak", "Elm", "Ash")]
    assert REC.classify([CONTEST, 2, b"station"]) == ("issue", 2)
    assert REC.classify([CONTEST, 9, b"station"]) is None  # not a voter
    assert REC.classify([b"f" * 32, CONTEST, ballot_json("Ash", "Elm", "Oak").encode()]) == (
        "ballot",
        ("Ash", "Elm", "Oak"),
    )
    pg = struct.pack("<ii", CONTEST, 3) + b"\x11station"
    assert list(REC.pg_issues_in(b"\0" + pg)) == [(1, 3)]


def test_btree_cells_reads_offsets_whatever_the_key_order() -> None:
    first = sqlite_record(CONTEST, 3, "station")
    second = sqlite_record(CONTEST, 1, "station")
    # ``first`` was inserted first (highest offset); the pointer array is in key order.
    page = index_leaf(512, [(480, first), (450, second)], key_order=[1, 0])
    kind, cells = A.btree_cells(page, 2, 512)  # type: ignore[misc]
    assert kind == 0x0A
    assert [(c.offset, c.values) for c in cells] == [
        (450, [CONTEST, 1, b"station"]),
        (480, [CONTEST, 3, b"station"]),
    ]
    finding = A.sqlite_page_attacks({2: page}, 512, REC, "hand-built")[0]
    assert finding.voters == [3, 1]  # allocation order, not key order
    # A ballot left in the unallocated gap (a deleted or moved cell) is still found.
    old = sqlite_record("d" * 32, CONTEST, ballot_json("Ash", "Oak", "Elm"))
    page = page[:100] + old + page[100 + len(old) :]
    assert A.stale_ballots(page, cells, REC) == [(100 + 37 + 13, ("Ash", "Oak", "Elm"))]
    stale = A.sqlite_page_attacks({2: page}, 512, REC, "hand-built")[-1]
    assert stale.attack == "stale-cells" and stale.ballots == [("Ash", "Oak", "Elm")]
    assert A.btree_cells(bytes(512), 2, 512) is None


def test_rebuild_aware_times() -> None:
    # From the top: keys 1, 2, 5, 7 ascending (placed in bulk), then 3 and 0 one by one.
    keys = [1, 2, 5, 7, 3, 0]
    rows = [(2, 500 - 20 * i, key, "abcdef"[i]) for i, key in enumerate(keys)]
    t = A.rebuild_aware_times(rows)
    assert t["a"] == t["b"] == t["c"] == t["d"] < t["e"] < t["f"]
    assert t["f"] == 1 - 0.5 / 6


def _wal(
    page_size: int, frames: list[tuple[int, int, tuple[int, int], bytes]], salt: tuple[int, int]
) -> bytes:
    out = struct.pack(">IIIIII", 0x377F0682, 3007000, page_size, 0, *salt) + b"\0" * 8
    for pgno, commit, s, image in frames:
        out += struct.pack(">IIII", pgno, commit, *s) + b"\0" * 8 + image
    return out


def test_wal_transactions_and_attack() -> None:
    ps = 512
    b1 = sqlite_record("a" * 32, CONTEST, ballot_json("Oak", "Elm", "Ash"))
    b2 = sqlite_record("b" * 32, CONTEST, ballot_json("Ash", "Oak", "Elm"))
    i1 = sqlite_record(CONTEST, 2, "station")
    i2 = sqlite_record(CONTEST, 1, "station")
    issues_1 = index_leaf(ps, [(490, i1)], key_order=[0])
    issues_2 = index_leaf(ps, [(490, i1), (470, i2)], key_order=[1, 0])
    ballots_1 = index_leaf(ps, [(400, b1)], key_order=[0])
    ballots_2 = index_leaf(ps, [(400, b1), (300, b2)], key_order=[0, 1])
    stale = index_leaf(ps, [(490, sqlite_record(CONTEST, 3, "station"))], key_order=[0])
    new, old = (6, 42), (5, 17)
    # The current generation overwrote the first three frames of an older one.
    wal = _wal(
        ps,
        [
            (2, 0, new, issues_1),
            (3, 3, new, ballots_1),
            (2, 0, new, issues_2),
            (3, 3, new, ballots_2),
            (4, 4, old, stale),  # older generation: earlier in time
        ],
        new,
    )
    page_size, txns = A.wal_transactions(wal)
    assert page_size == ps
    assert [[f.pgno for f in t] for t in txns] == [[4], [2, 3], [2, 3]]
    f = A.sqlite_wal_attack(wal, REC, "hand-built")
    assert f.pairs == {2: ("Oak", "Elm", "Ash"), 1: ("Ash", "Oak", "Elm")}
    assert f.ballots == [("Oak", "Elm", "Ash"), ("Ash", "Oak", "Elm")]
    assert f.voters == [3, 2, 1]


def test_positive_control_sqlite_wal_and_rowid_pages(tmp_path: Path) -> None:
    """A naive store (rowid tables, one transaction per cast) is caught by every attack."""
    opts = ("Ivy", "Yew", "Fir", "Box", "Bay")
    rec = A.Recognizer(opts, CONTEST, range(1, 41))
    rng = random.Random(3)
    voters = list(range(1, 41))
    rng.shuffle(voters)
    perms = rng.sample(list(itertools.permutations(opts)), 40)
    sel = dict(zip(voters, perms, strict=True))
    path = tmp_path / "leaky.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE ballot (id TEXT PRIMARY KEY, contest_id INT, selection_json TEXT)")
    conn.execute("CREATE TABLE ballot_issue (contest_id INT, person_id INT, channel TEXT)")
    for pid in voters:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO ballot_issue VALUES (?, ?, 'station')", (CONTEST, pid))
        conn.execute(
            "INSERT INTO ballot VALUES (?, ?, ?)",
            (secrets.token_hex(16), CONTEST, json.dumps({"ranking": list(sel[pid])})),
        )
        conn.execute("COMMIT")
    wal = (tmp_path / "leaky.sqlite3-wal").read_bytes()
    f = A.sqlite_wal_attack(wal, rec, "leaky")
    assert sum(1 for p, b in f.pairs.items() if sel[p] == b) == 40
    assert [sel[p] for p in voters] == f.ballots
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    files = {"leaky.sqlite3": path.read_bytes()}
    page = next(x for x in A.sqlite_file_attacks(files, rec) if x.attack == "page-offset")
    # A rowid table's cells are in rowid (= insertion) order on its pages.
    assert page.ballots == [sel[p] for p in voters]
    assert page.voters == voters
    assert sum(1 for p, b in page.pairs.items() if sel[p] == b) == 40


def test_heap_page_carving() -> None:
    page = bytearray(A.PG_PAGE)

    def tup(xmin: int, data: bytes) -> bytes:
        hdr = struct.pack("<IIIHHHHHB", xmin, 0, 0, 0, 0, 1, 3, 0x0902, 24) + b"\0"
        return hdr + data

    issue = tup(700, struct.pack("<ii", CONTEST, 2) + b"\x11station")
    sel = ballot_json("Elm", "Ash", "Oak").encode()
    ballot_data = (
        b"\x43"
        + b"c" * 32
        + b"\0\0\0"
        + struct.pack("<i", CONTEST)
        + bytes([(len(sel) + 1) << 1 | 1])
        + sel
    )
    ballot = tup(700, ballot_data)
    old = tup(
        650, ballot_data.replace(b"Elm", b"Xxx").replace(b"Oak", b"Elm").replace(b"Xxx", b"Oak")
    )
    page[8096 : 8096 + len(issue)] = issue
    page[7960 : 7960 + len(ballot)] = ballot
    page[7800 : 7800 + len(old)] = old  # dead bytes in free space: no line pointer
    page[12:14] = (24 + 8).to_bytes(2, "little")  # two line pointers
    page[14:16] = (7960).to_bytes(2, "little")
    for k, (off, length) in enumerate([(8096, len(issue)), (7960, len(ballot))]):
        page[24 + 4 * k : 28 + 4 * k] = (off | 1 << 15 | length << 17).to_bytes(4, "little")
    found = {(kind, key): t for kind, key, t in A.carve_heap_page(bytes(page), REC)}
    assert found[("issue", 2)].xmin == 700 and found[("issue", 2)].live
    assert found[("ballot", ("Elm", "Ash", "Oak"))].xmin == 700
    assert found[("ballot", ("Elm", "Ash", "Oak"))].live
    stale = found[("ballot", ("Oak", "Ash", "Elm"))]
    assert stale.xmin == 650 and not stale.live and stale.offset == 7800
    images = A.heap_sightings([("ballot", 0, bytes(page))], REC)
    by_xmin = A.pg_heap_attacks(images, "hand-built")[0]
    assert by_xmin.pairs == {2: ("Elm", "Ash", "Oak")}
    assert by_xmin.ballots[0] == ("Oak", "Ash", "Elm")  # xmin 650 first


def test_wal_reader_skips_page_headers(tmp_path: Path) -> None:
    seg = bytearray(3 * 8192)
    body = bytes(range(256)) * 2  # a 512-byte record crossing the first page boundary
    start = 8192 - 100
    seg[start:8192] = body[:100]
    seg[8192 + 24 : 8192 + 24 + 412] = body[100:]
    (tmp_path / "000000010000000000000000").write_bytes(bytes(seg))
    reader = A.WalReader(tmp_path, 1, 3 * 8192)
    assert reader.record(start, len(body)) == body


def test_parse_waldump() -> None:
    out = (
        "rmgr: Heap        len (rec/tot):     59/   159, tx:        745, lsn: 0/01A2B3C8, "
        "prev 0/01A2B390, desc: INSERT off 3 flags 0x00, "
        "blkref #0: rel 1663/16384/16400 blk 7 FPW\n"
        "rmgr: Transaction len (rec/tot):     34/    34, tx:        745, lsn: 0/01A2B468, "
        "prev 0/01A2B3C8, desc: COMMIT 2026-12-02 00:30:00.000000 UTC\n"
    )
    recs = A.parse_waldump(out)
    assert recs[0] == A.WalRecord(
        "Heap", 159, 745, 0x01A2B3C8, recs[0].desc, ((1663, 16384, 16400, 7),)
    )
    assert recs[1].rels == () and recs[1].xid == 745


def test_pairing_by_groups_then_rank() -> None:
    issues = [
        A.Sighting("issue", 1, (0,), "t1"),
        A.Sighting("issue", 2, (1,), "t2"),
        A.Sighting("issue", 3, (2,)),
    ]
    ballots = [
        A.Sighting("ballot", "b2", (0,), "t2"),
        A.Sighting("ballot", "bx", (1,)),
        A.Sighting("ballot", "by", (2,)),
    ]
    assert A.pair_by_groups(issues, ballots) == {2: "b2", 1: "bx", 3: "by"}


def test_chance_passes_the_thresholds() -> None:
    """Random guesses (pairs and orders) never fail the limits: they are not too tight."""
    n = 300
    voters = list(range(1, n + 1))
    rankings = [(f"v{i}",) for i in voters]
    poll = Poll(None, 1, voters, dict(zip(voters, rankings, strict=True)))  # type: ignore[arg-type]
    rng = random.Random(11)
    worst_pairs, worst_rho = 0, 0.0
    for _ in range(500):
        order = rankings[:]
        rng.shuffle(order)
        guess = rankings[:]
        rng.shuffle(guess)
        s = score(
            A.Finding("chance", "-", order, [], dict(zip(voters, guess, strict=True))), poll, "x"
        )
        assert not s.failures(), s.line()
        worst_pairs = max(worst_pairs, s.worst_pairs)
        worst_rho = max(worst_rho, abs(s.rho or 0))
    assert worst_pairs <= MAX_CORRECT_PAIRS and worst_rho < rho_limit(n)
    assert spearman([1, 2, 3]) == 1 and spearman([3, 2, 1]) == -1
