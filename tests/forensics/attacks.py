"""The adversary's tools: parsers for raw database files and the attacks built on them.

Nothing here asks the database anything. An attack gets bytes (a SQLite file, its WAL,
a PostgreSQL heap page, a WAL record, an unknown file) and a ``Recognizer`` that knows
what a ballot and a ballot issue look like *as data* (the selection's text, the issue's
contest, person and channel); it returns ``Sighting``s — "this ballot / this issue was
seen here, at this position, written with this group (transaction)" — and
``finding_from`` turns sightings into the attacker's guess: a pairing of voters with
ballots and an order of ballots. Scoring against the truth lives in the harness.

A ballot is identified by its content (the selection), never by anything the test knows.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Ballot = tuple[str, ...]  # a ballot's content: the ranking it carries


# --- what ballots and issues look like ------------------------------------------------


class Recognizer:
    """Finds ballots (a full ranking of the options) and issue records in bytes.

    The selection is found by the option names in a row, separated by a few JSON-ish
    bytes, so that a ballot is found whatever the exact serialisation (JSON with or
    without spaces, a list, a CSV line).
    """

    def __init__(self, options: Iterable[str], contest_id: int, person_ids: Iterable[int]):
        self.options = tuple(options)
        self.contest_id = contest_id
        self.person_ids = frozenset(person_ids)
        name = b"(" + b"|".join(re.escape(o.encode()) for o in self.options) + b")"
        sep = rb"[\s\"',;|\[\]]{1,6}"
        self.selection_re = re.compile(name + (sep + name) * (len(self.options) - 1))
        # PostgreSQL heap tuple data (and WAL INSERT data) of ballot_issue:
        # int4 contest_id, int4 person_id, short varlena 'station' (header (1+7)<<1|1).
        self.pg_issue_re = re.compile(
            re.escape(struct.pack("<i", contest_id)) + rb"(.{4})\x11station", re.S
        )

    def ballots_in(self, data: bytes) -> Iterator[tuple[int, Ballot]]:
        """(byte offset, ranking) of each complete ranking in ``data``."""
        for m in self.selection_re.finditer(data):
            ranking = tuple(g.decode() for g in m.groups())
            if len(set(ranking)) == len(ranking):
                yield m.start(), ranking

    def pg_issues_in(self, data: bytes) -> Iterator[tuple[int, int]]:
        """(offset of the contest id, person id) of each PostgreSQL issue tuple's data."""
        for m in self.pg_issue_re.finditer(data):
            pid = struct.unpack("<i", m.group(1))[0]
            if pid in self.person_ids:
                yield m.start(), pid

    def classify(self, values: list[Any]) -> tuple[str, Any] | None:
        """A decoded SQLite record: ("ballot", ranking), ("issue", person id) or None."""
        for v in values:
            if isinstance(v, bytes) and len(v) >= 6 * len(self.options):
                for _off, ranking in self.ballots_in(v):
                    return "ballot", ranking
        if (
            len(values) == 3
            and values[0] == self.contest_id
            and isinstance(values[1], int)
            and values[1] in self.person_ids
            and values[2] in (b"station", b"paper")
        ):
            return "issue", values[1]
        return None


@dataclass(frozen=True)
class Sighting:
    kind: str  # "ballot" | "issue"
    key: Any  # ballot: its ranking; issue: the person id
    pos: tuple[Any, ...]  # where it was seen; smaller = earlier (the attacker's belief)
    group: Any = None  # written together (a transaction, an xid); None if unknown


@dataclass
class Finding:
    """The attacker's guess from one attack on one target."""

    attack: str
    target: str
    ballots: list[Ballot]  # in recovered order, earliest first
    voters: list[int]  # issues in recovered order, earliest first
    pairs: dict[int, Ballot]  # person id -> ballot
    notes: dict[str, Any] = field(default_factory=dict)


def first_sightings(sightings: Iterable[Sighting], kind: str) -> list[Sighting]:
    """The earliest sighting of each distinct item of ``kind``, in order."""
    best: dict[Any, Sighting] = {}
    for s in sightings:
        if s.kind == kind and (s.key not in best or s.pos < best[s.key].pos):
            best[s.key] = s
    return sorted(best.values(), key=lambda s: s.pos)


def pair_by_groups(issues: list[Sighting], ballots: list[Sighting]) -> dict[int, Ballot]:
    """Pair issues and ballots written in the same group; pair the rest by rank.

    Both lists are in recovered order. Within a group, the k-th issue goes with the k-th
    ballot; whatever is left (no shared group, or no group at all) is zipped in order,
    which pairs an issue with the ballot written in the adjacent transaction.
    """
    pairs: dict[int, Ballot] = {}
    by_group: dict[Any, tuple[list[Sighting], list[Sighting]]] = defaultdict(lambda: ([], []))
    for s in issues:
        if s.group is not None:
            by_group[s.group][0].append(s)
    for s in ballots:
        if s.group is not None:
            by_group[s.group][1].append(s)
    used_i: set[Any] = set()
    used_b: set[Any] = set()
    for gi, gb in by_group.values():
        for i, b in zip(gi, gb, strict=False):
            pairs[i.key] = b.key
            used_i.add(i.key)
            used_b.add(b.key)
    rest_i = [s for s in issues if s.key not in used_i]
    rest_b = [s for s in ballots if s.key not in used_b]
    for i, b in zip(rest_i, rest_b, strict=False):
        pairs[i.key] = b.key
    return pairs


def finding_from(attack: str, target: str, sightings: Iterable[Sighting], **notes: Any) -> Finding:
    seen = list(sightings)
    ballots = first_sightings(seen, "ballot")
    issues = first_sightings(seen, "issue")
    return Finding(
        attack,
        target,
        [s.key for s in ballots],
        [s.key for s in issues],
        pair_by_groups(issues, ballots),
        dict(notes),
    )


# --- unknown files: byte positions -----------------------------------------------------


def scan_positions(data: bytes, rec: Recognizer, *, last: bool = False) -> list[Sighting]:
    """Every ranking in an unknown file, positioned by its first (or last) byte offset."""
    out = []
    for off, ranking in rec.ballots_in(data):
        out.append(Sighting("ballot", ranking, (-off if last else off,)))
    return out


# --- SQLite: records, b-tree pages, the file, the WAL ------------------------------------

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (0x377F0682, 0x377F0683)
_INT_SIZE = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def varint(buf: bytes, i: int) -> tuple[int, int]:
    """SQLite varint at ``i``: (value, index after it)."""
    v = 0
    for j in range(8):
        c = buf[i + j]
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, i + j + 1
    return (v << 8) | buf[i + 8], i + 9


def decode_record(p: bytes) -> tuple[list[Any], int] | None:
    """A SQLite record (varint header of serial types, then the values): (values, length)."""
    try:
        hlen, i = varint(p, 0)
        if hlen < 2 or hlen > min(len(p), 100):
            return None
        types = []
        while i < hlen:
            t, i = varint(p, i)
            types.append(t)
        if i != hlen:
            return None
        pos = hlen
        out: list[Any] = []
        for t in types:
            if t == 0:
                out.append(None)
            elif t in _INT_SIZE:
                n = _INT_SIZE[t]
                if pos + n > len(p):
                    return None
                out.append(int.from_bytes(p[pos : pos + n], "big", signed=True))
                pos += n
            elif t == 7:
                if pos + 8 > len(p):
                    return None
                out.append(struct.unpack(">d", p[pos : pos + 8])[0])
                pos += 8
            elif t in (8, 9):
                out.append(t - 8)
            elif t in (10, 11):
                return None
            else:
                n = (t - 12) // 2 if t % 2 == 0 else (t - 13) // 2
                if pos + n > len(p):
                    return None
                out.append(bytes(p[pos : pos + n]))
                pos += n
        return out, pos
    except IndexError:
        return None


def _local_payload(p: int, usable: int, table_leaf: bool) -> int:
    x = usable - 35 if table_leaf else (usable - 12) * 64 // 255 - 23
    if p <= x:
        return p
    m = (usable - 12) * 32 // 255 - 23
    k = m + (p - m) % (usable - 4)
    return k if k <= x else m


@dataclass(frozen=True)
class Cell:
    offset: int  # byte offset of the cell in its page
    values: list[Any]
    end: int = 0  # offset just past the cell's local payload


def btree_cells(page: bytes, pgno: int, usable: int) -> tuple[int, list[Cell]] | None:
    """(page type, decoded cells with payloads) of a b-tree page, or None if not one.

    Leaf (0x0d table, 0x0a index) and interior index (0x02) cells carry records; WITHOUT
    ROWID tables are index b-trees, so their interior cells hold whole rows too.
    """
    h = 100 if pgno == 1 else 0
    if len(page) < h + 12:
        return None
    kind = page[h]
    if kind not in (0x02, 0x05, 0x0A, 0x0D):
        return None
    n = int.from_bytes(page[h + 3 : h + 5], "big")
    ptrs = h + (12 if kind in (0x02, 0x05) else 8)
    if ptrs + 2 * n > usable:
        return None
    cells = []
    for k in range(n):
        off = int.from_bytes(page[ptrs + 2 * k : ptrs + 2 * k + 2], "big")
        if kind == 0x05 or not ptrs + 2 * n <= off < usable:
            continue
        try:
            i = off + 4 if kind == 0x02 else off
            size, i = varint(page, i)
            if kind == 0x0D:
                _rowid, i = varint(page, i)
        except IndexError:
            continue
        local = _local_payload(size, usable, kind == 0x0D)
        rec = decode_record(page[i : i + local])
        if rec is not None:
            cells.append(Cell(off, rec[0], i + local))
    return kind, cells


def stale_ballots(page: bytes, cells: list[Cell], rec: Recognizer) -> list[tuple[int, Ballot]]:
    """Rankings in a page's bytes outside every live cell: freeblocks, unallocated space,
    and cells a rebuild or a delete left behind."""
    live = [(c.offset, c.end) for c in cells]
    return [(o, r) for o, r in rec.ballots_in(page) if not any(a <= o < b for a, b in live)]


def sqlite_pages(db: bytes) -> tuple[int, int, dict[int, bytes]]:
    """(page size, usable size, {page number: image}) of a SQLite database file."""
    if not db.startswith(SQLITE_MAGIC) or len(db) < 100:
        return 0, 0, {}
    ps = int.from_bytes(db[16:18], "big")
    ps = 65536 if ps == 1 else ps
    usable = ps - db[20]
    return ps, usable, {i // ps + 1: db[i : i + ps] for i in range(0, len(db) - ps + 1, ps)}


@dataclass(frozen=True)
class WalFrame:
    index: int  # position in the file
    pgno: int
    commit: int  # database size after commit, 0 for a non-commit frame
    salt: tuple[int, int]
    image: bytes


def wal_frames(wal: bytes) -> tuple[int, list[WalFrame]]:
    """(page size, every frame in the file), stale ones (older salts) included."""
    if len(wal) < 32 or int.from_bytes(wal[0:4], "big") not in WAL_MAGIC:
        return 0, []
    ps = int.from_bytes(wal[8:12], "big")
    frames = []
    off, idx = 32, 0
    while off + 24 + ps <= len(wal):
        pgno, commit, s1, s2 = struct.unpack(">IIII", wal[off : off + 16])
        if pgno:
            frames.append(WalFrame(idx, pgno, commit, (s1, s2), wal[off + 24 : off + 24 + ps]))
        off += 24 + ps
        idx += 1
    return ps, frames


def wal_transactions(wal: bytes) -> tuple[int, list[list[WalFrame]]]:
    """Frames grouped into transactions, oldest first.

    A checkpoint restarts the log with salt-1 incremented; frames of older generations
    that the new one has not overwritten yet are still there, and older.
    """
    ps, frames = wal_frames(wal)
    frames.sort(key=lambda f: (f.salt[0], f.index))
    txns: list[list[WalFrame]] = []
    cur: list[WalFrame] = []
    for f in frames:
        if cur and f.salt != cur[-1].salt:
            txns.append(cur)
            cur = []
        cur.append(f)
        if f.commit:
            txns.append(cur)
            cur = []
    if cur:
        txns.append(cur)
    return ps, txns


def sqlite_wal_attack(wal: bytes, rec: Recognizer, target: str) -> Finding:
    """Attack 1: which transaction first shows each issue and each ballot.

    A record first seen in the page images of transaction t was written by t (or, at
    the start of a log generation, earlier). Issues and ballots first seen in the same
    transaction are paired; the rest by rank. Ballots are ordered by first frame.
    """
    ps, txns = wal_transactions(wal)
    sightings = []
    for t, frames in enumerate(txns):
        for f in frames:
            parsed = btree_cells(f.image, f.pgno, ps)
            if parsed is None:
                continue
            for cell in parsed[1]:
                c = rec.classify(cell.values)
                if c:
                    # Within a transaction, the lowest offset on a page was allocated last.
                    sightings.append(Sighting(c[0], c[1], (t, f.index, cell.offset), t))
    return finding_from("wal-transactions", target, sightings, transactions=len(txns))


def current_pages(db: bytes, wal: bytes | None) -> tuple[int, dict[int, bytes]]:
    """The database as a reader would see it: the file overlaid with committed WAL frames."""
    _ps, usable, pages = sqlite_pages(db)
    if wal:
        wps, txns = wal_transactions(wal)
        if txns:
            salt = max(f.salt for t in txns for f in t)
            for frames in txns:
                if frames[-1].commit and frames[-1].salt == salt:
                    for f in frames:
                        pages[f.pgno] = f.image
            usable = usable or wps
    return usable, pages


def _ballot_id(values: list[Any]) -> bytes | None:
    """The random id of a ballot row or of an index entry on it: a 32-hex-digit text."""
    for v in values:
        if isinstance(v, bytes) and len(v) == 32 and re.fullmatch(rb"[0-9a-f]{32}", v):
            return v
    return None


def rebuild_aware_times(rows: list[tuple[int, int, Any, Any]], run: int = 4) -> dict[Any, float]:
    """Estimated write time (0 = first, 1 = last) of each item from its page and offset.

    ``rows`` are (page, offset, key, item). When a page is split or rebalanced, SQLite
    lays out the cells it rebuilds or moves in key order, from the end of the page
    downwards; a single insert is allocated below the cells already there (or in a
    freeblock). So, reading each page from the top, a run of ``run`` or more cells in
    ascending key order was placed in bulk (no order among them, written before the
    bulk move), and the other cells were inserted one by one, oldest first. With random
    keys a page holding k of the n items receives a share k/n of the inserts, so the
    j-th newest single insert on it happened about (j + 1/2)/k of the whole time ago.
    """
    pages: dict[int, list[tuple[int, Any, Any]]] = defaultdict(list)
    for pgno, off, key, item in rows:
        pages[pgno].append((off, key, item))
    out: dict[Any, float] = {}
    for cells in pages.values():
        cells.sort(key=lambda c: -c[0])
        k = len(cells)
        bulk = [False] * k
        i = 0
        while i < k:
            j = i
            while j + 1 < k and cells[j + 1][1] > cells[j][1]:
                j += 1
            if j - i + 1 >= run:
                bulk[i : j + 1] = [True] * (j - i + 1)
            i = j + 1
        single = [c for c, b in zip(cells, bulk, strict=True) if not b]
        t_bulk = max(0.0, 1 - len(single) / k) / 2
        for c, b in zip(cells, bulk, strict=True):
            if b:
                out[c[2]] = t_bulk
        for j, (_off, _key, item) in enumerate(reversed(single)):
            out[item] = 1 - (j + 0.5) / k
    return out


def sqlite_page_attacks(
    pages: dict[int, bytes], usable: int, rec: Recognizer, target: str
) -> list[Finding]:
    """Attack 2: the cell content area is allocated downwards, in insertion order.

    On each page, a cell at a lower offset was (most likely) inserted later than one at a
    higher offset. Three estimates of when each row was written:

    * ``page-offset``: by page number (pages are allocated as the file grows), then by
      descending offset;
    * ``offset-rank``: by the row's rank among its page's rows from the top of the page,
      as a fraction of the page's rows (with random keys, every page receives inserts at
      a rate proportional to its share of the rows);
    * ``rebuild-aware``: ``rebuild_aware_times`` on the ballot table, and on the index of
      ballots by contest (whose entries carry the ballot id), averaged;
    * ``stale-cells``: copies of ballots left in free space (freeblocks, the unallocated
      gap, cells moved away by a rebuild), by page and offset.

    Issues and ballots are then paired by rank.
    """
    rows: dict[str, list[tuple[int, int, Any, Any]]] = defaultdict(list)
    ids: dict[bytes, Ballot] = {}
    index_rows: list[tuple[int, int, Any, bytes]] = []
    stale = []
    for pgno, image in pages.items():
        parsed = btree_cells(image, pgno, usable)
        if parsed is None:
            continue
        stale += [
            Sighting("ballot", r, (pgno, -o)) for o, r in stale_ballots(image, parsed[1], rec)
        ]
        for cell in parsed[1]:
            c = rec.classify(cell.values)
            if c:
                rows[c[0]].append((pgno, cell.offset, cell.values, c[1]))
                bid = _ballot_id(cell.values) if c[0] == "ballot" else None
                if bid:
                    ids[bid] = c[1]
            elif len(cell.values) == 2 and cell.values[0] == rec.contest_id:
                bid = _ballot_id(cell.values)
                if bid:
                    index_rows.append((pgno, cell.offset, cell.values, bid))
    by_page: dict[tuple[str, int], list[int]] = defaultdict(list)
    for kind, items in rows.items():
        for pgno, off, _v, _k in items:
            by_page[(kind, pgno)].append(off)
    for offs in by_page.values():
        offs.sort(reverse=True)
    page_offset = []
    offset_rank = []
    for kind, items in rows.items():
        for pgno, off, _v, key in items:
            offs = by_page[(kind, pgno)]
            frac = (offs.index(off) + 0.5) / len(offs)
            page_offset.append(Sighting(kind, key, (pgno, -off)))
            offset_rank.append(Sighting(kind, key, (frac, pgno, -off)))
    aware = []
    for kind, items in rows.items():
        times = rebuild_aware_times(items)
        if kind == "ballot":
            via_index = rebuild_aware_times(index_rows)
            for bid, t in via_index.items():
                if bid in ids and ids[bid] in times:
                    times[ids[bid]] = (times[ids[bid]] + t) / 2
        aware += [Sighting(kind, key, (t,)) for key, t in times.items()]
    return [
        finding_from("page-offset", target, page_offset),
        finding_from("offset-rank", target, offset_rank),
        finding_from("rebuild-aware", target, aware, index_entries=len(index_rows)),
        finding_from("stale-cells", target, stale),
    ]


def sqlite_file_attacks(files: dict[str, bytes], rec: Recognizer) -> list[Finding]:
    """Attacks 1 and 2 on every SQLite database (and its -wal) among ``files``."""
    out: list[Finding] = []
    for name, data in sorted(files.items()):
        if data.startswith(SQLITE_MAGIC):
            wal = files.get(name + "-wal")
            usable, pages = current_pages(data, None)
            out += sqlite_page_attacks(pages, usable, rec, f"{name} (file alone)")
            if wal:
                usable, pages = current_pages(data, wal)
                out += sqlite_page_attacks(pages, usable, rec, f"{name} (file + WAL)")
        elif len(data) >= 32 and int.from_bytes(data[0:4], "big") in WAL_MAGIC:
            out.append(sqlite_wal_attack(data, rec, name))
            # Every page image in the log, alone: the allocation order on each one.
            ps, frames = wal_frames(data)
            latest = {f.pgno: f.image for f in sorted(frames, key=lambda f: (f.salt[0], f.index))}
            out += sqlite_page_attacks(latest, ps, rec, f"{name} (latest images)")
    return out


# --- PostgreSQL: heap pages ---------------------------------------------------------------

PG_PAGE = 8192


@dataclass(frozen=True)
class HeapTuple:
    offset: int  # in the page
    xmin: int
    xmax: int
    ctid: tuple[int, int]
    live: bool  # a normal line pointer points at it (else: dead bytes in free space)


def _line_pointers(page: bytes) -> dict[int, tuple[int, int]]:
    """{tuple offset: (line pointer number, flags)} of a heap page."""
    lower = int.from_bytes(page[12:14], "little")
    out = {}
    for k, i in enumerate(range(24, min(lower, PG_PAGE), 4), start=1):
        v = int.from_bytes(page[i : i + 4], "little")
        off, flags = v & 0x7FFF, (v >> 15) & 3
        if off:
            out[off] = (k, flags)
    return out


def _tuple_at(page: bytes, t: int, lps: dict[int, tuple[int, int]]) -> HeapTuple | None:
    if t < 24 or t + 24 > len(page):
        return None
    hoff = page[t + 22]
    natts = int.from_bytes(page[t + 18 : t + 20], "little") & 0x7FF
    if hoff not in (24, 32) or natts != 3:
        return None
    xmin, xmax = struct.unpack("<II", page[t : t + 8])
    hi, lo, pos = struct.unpack("<HHH", page[t + 12 : t + 18])
    lp = lps.get(t)
    return HeapTuple(t, xmin, xmax, ((hi << 16) | lo, pos), lp is not None and lp[1] == 1)


def carve_heap_page(page: bytes, rec: Recognizer) -> list[tuple[str, Any, HeapTuple]]:
    """Every ballot and issue tuple image in a heap page, live, dead or left in free space.

    VACUUM marks line pointers unused and compacts the page, but the bytes of the old
    tuples (with their xmin) stay where nothing has been written over them since.
    """
    lps = _line_pointers(page)
    found: list[tuple[str, Any, HeapTuple]] = []
    for m, ranking in rec.ballots_in(page):
        t = (m - 25) & ~7
        while t >= max(24, m - 400):
            tup = _tuple_at(page, t, lps)
            if tup is not None and t + page[t + 22] < m:
                found.append(("ballot", ranking, tup))
                break
            t -= 8
    for m, pid in rec.pg_issues_in(page):
        tup = _tuple_at(page, m - 24, lps)
        if tup is not None and (m - 24) % 8 == 0:
            found.append(("issue", pid, tup))
    return found


def heap_sightings(
    pages: Iterable[tuple[str, int, bytes]], rec: Recognizer
) -> list[tuple[str, Any, int, HeapTuple]]:
    """(kind, key, block, tuple) for every image in (relation, block, page) triples."""
    out = []
    for _rel, blk, page in pages:
        for kind, key, tup in carve_heap_page(page, rec):
            out.append((kind, key, blk, tup))
    return out


def pg_heap_attacks(images: list[tuple[str, Any, int, HeapTuple]], target: str) -> list[Finding]:
    """Attack 4: pair by equal xmin (or adjacent xids), order by xmin and by position.

    Each ballot's earliest image (lowest xmin) is the one its cast wrote; an issue
    written in the same transaction carries the same xmin.
    """
    by_xmin = [Sighting(k, key, (t.xmin, blk, -t.offset), t.xmin) for k, key, blk, t in images]
    # In a heap, rows go to the end of the relation; within a page downwards from pd_upper.
    by_place = [Sighting(k, key, (blk, -t.offset)) for k, key, blk, t in images]
    live = sum(1 for k, _key, _b, t in images if k == "ballot" and t.live)
    dead = sum(1 for k, _key, _b, t in images if k == "ballot" and not t.live)
    return [
        finding_from(
            "heap-xmin", target, by_xmin, live_ballot_images=live, dead_ballot_images=dead
        ),
        finding_from("heap-ctid", target, by_place),
    ]


def pg_items_attack(
    items: list[tuple[int, int, int, bytes | None]], rec: Recognizer, rel: str, target: str
) -> list[Sighting]:
    """pageinspect's own view: heap_page_items rows (block, lp, xmin, t_data) of one relation."""
    out = []
    for blk, lp, xmin, data in items:
        if not data:
            continue
        if rel == "ballot":
            for _off, ranking in rec.ballots_in(data):
                out.append(Sighting("ballot", ranking, (xmin, blk, lp), xmin))
        elif len(data) >= 8:
            cid, pid = struct.unpack("<ii", data[:8])
            if cid == rec.contest_id and pid in rec.person_ids:
                out.append(Sighting("issue", pid, (xmin, blk, lp), xmin))
    return out


def relation_pages(path: Path) -> Iterator[tuple[str, int, bytes]]:
    """The 8 kB pages of a relation file on disk (one segment file)."""
    data = path.read_bytes()
    seg = int(path.name.split(".")[1]) if "." in path.name else 0
    base = seg * (1 << 30) // PG_PAGE
    for i in range(0, len(data) - PG_PAGE + 1, PG_PAGE):
        yield path.name, base + i // PG_PAGE, data[i : i + PG_PAGE]


# --- PostgreSQL: the WAL --------------------------------------------------------------------

_WALDUMP_LINE = re.compile(
    r"rmgr: (\S+)\s+len \(rec/tot\):\s*(\d+)/\s*(\d+), tx:\s*(\d+), "
    r"lsn: ([0-9A-F]+)/([0-9A-F]+), prev [0-9A-F]+/[0-9A-F]+, desc: (.*)$"
)
_BLKREF = re.compile(r"rel (\d+)/(\d+)/(\d+)(?: fork (\w+))? blk (\d+)( FPW)?")


@dataclass(frozen=True)
class WalRecord:
    rmgr: str
    tot_len: int
    xid: int
    lsn: int
    desc: str
    rels: tuple[tuple[int, int, int, int], ...]  # (spc, db, relfilenode, block)


def parse_waldump(text: str) -> list[WalRecord]:
    out = []
    for line in text.splitlines():
        m = _WALDUMP_LINE.match(line.strip())
        if not m:
            continue
        rels = tuple(
            (int(b.group(1)), int(b.group(2)), int(b.group(3)), int(b.group(5)))
            for b in _BLKREF.finditer(m.group(7))
        )
        lsn = (int(m.group(5), 16) << 32) | int(m.group(6), 16)
        out.append(WalRecord(m.group(1), int(m.group(3)), int(m.group(4)), lsn, m.group(7), rels))
    return out


def run_waldump(waldump: str, wal_dir: Path, start: str, end: str) -> tuple[list[WalRecord], str]:
    proc = subprocess.run(
        [waldump, "-p", str(wal_dir), "-s", start, "-e", end],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return parse_waldump(proc.stdout), proc.stderr


class WalReader:
    """Reads a record's bytes from the segment files, skipping the page headers inside it."""

    def __init__(self, wal_dir: Path, timeline: int, seg_size: int, page: int = 8192):
        self.dir, self.tli, self.seg_size, self.page = wal_dir, timeline, seg_size, page
        self._cache: dict[int, bytes] = {}

    def segment(self, segno: int) -> bytes:
        if segno not in self._cache:
            per_id = 0x100000000 // self.seg_size
            name = f"{self.tli:08X}{segno // per_id:08X}{segno % per_id:08X}"
            path = self.dir / name
            self._cache[segno] = path.read_bytes() if path.exists() else b""
        return self._cache[segno]

    def record(self, lsn: int, length: int) -> bytes:
        out = bytearray()
        pos = lsn
        while len(out) < length:
            off = pos % self.seg_size
            if off % self.page == 0:
                pos += 40 if off == 0 else 24  # long header at a segment's start
                continue
            seg = self.segment(pos // self.seg_size)
            n = min(length - len(out), self.page - off % self.page)
            chunk = seg[off : off + n]
            if len(chunk) < n:
                break
            out += chunk
            pos += n
        return bytes(out)


def pg_wal_attack(
    records: list[WalRecord], reader: WalReader, db_oid: int, rec: Recognizer, target: str
) -> tuple[Finding, dict[str, int]]:
    """Attack 5: the WAL records touching the test's database, by xid and LSN.

    An INSERT's record carries the new tuple (or a full-page image holding it); the first
    record in which a ballot appears was written by its cast, and its xid is the one of
    the issue written in the same transaction.
    """
    sightings = []
    stats = {"records": 0, "ours": 0}
    for r in records:
        stats["records"] += 1
        if not any(db == db_oid for _s, db, _n, _b in r.rels):
            continue
        stats["ours"] += 1
        data = reader.record(r.lsn, r.tot_len)
        for off, ranking in rec.ballots_in(data):
            sightings.append(Sighting("ballot", ranking, (r.lsn, off), r.xid or None))
        for off, pid in rec.pg_issues_in(data):
            sightings.append(Sighting("issue", pid, (r.lsn, off), r.xid or None))
    return finding_from("wal-xid-lsn", target, sightings), stats
