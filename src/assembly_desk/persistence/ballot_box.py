"""The station's ballot box: a file of fixed slots, each ballot written in place at a random one.

Why not the database: a database keeps history (SQLite's WAL and b-tree cell order,
PostgreSQL's ``xmin``, heap and WAL archive), so a ballot stored there could be paired
with its voter or its cast order recovered (docs/architecture.md, "Ballot secrecy in
storage"; Molnar, Kohno, Sastry and Wagner, IEEE S&P 2006). This file is
history-independent instead: its bytes depend only on the *set* of ballots in it and on
random slot choices, never on the order they arrived in.

* A fixed header, then ``capacity`` slots of ``SLOT_SIZE`` bytes. An empty slot is all
  zeros; a discarded or delivered ballot is zeroed again, so it leaves no trace in the file.
* Each ballot goes to a slot chosen uniformly at random among the free ones, written in
  place with ``pwrite`` and made durable with ``fsync`` before the voter is told it is stored.
* When the box is half full it is rebuilt at four times the size with *every* ballot moved
  to a fresh random slot (written to a new file, synced, renamed over the old one), so the
  slots filled after a growth cannot be told apart from those filled before.
* A slot carries a CRC-32, so a write torn by a power cut is recognised and ignored (that
  ballot was never confirmed to the voter: the database had not yet recorded the issue).

The cast protocol (``services.voting``) makes a power cut harmless at every point:
``PENDING`` slot durable → issue committed in the database → slot marked ``CAST`` (not
synced: a lost mark leaves the slot PENDING, which settles the same way). On
reopening, a ``PENDING`` slot is kept or zeroed by comparing this station's issue count in
the database with the box's ``CAST`` count, never by pairing anything with anyone.

One process at a time uses a box: it holds an ``flock`` (which, unlike a POSIX record lock,
survives other code closing the same file). Owner-only files (0600) and folder (0700).
"""

from __future__ import annotations

import os
import secrets
import struct
import threading
import zlib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from assembly_desk.persistence.private_files import fsync_dir, private_folder

try:  # POSIX; Windows keeps the file open exclusively instead (see _lock)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAGIC = b"ADBOX\x00v1"
HEADER_SIZE = 4096
SLOT_SIZE = 4096
INITIAL_CAPACITY = 1024  # 4 MiB; a station rarely takes more than a few thousand ballots
#: Grow (and reshuffle everything) when more than this share of slots is taken.
MAX_LOAD = 0.5
SUFFIX = ".adbox"

_HEADER = struct.Struct(">8sIII16s16s")  # magic, slot size, capacity, reserved, station, realm
_SLOT_HEAD = struct.Struct(">2sBBQ16sH")  # b"BX", state, reserved, contest, ballot id, length
_SLOT_MAGIC = b"BX"
#: The largest selection (canonical JSON, UTF-8) one slot holds.
MAX_SELECTION_BYTES = SLOT_SIZE - _SLOT_HEAD.size - 4


class SlotState(IntEnum):
    PENDING = 1  # durable, but the database has not yet confirmed the issue
    CAST = 2  # the issue is committed: this ballot counts


class BoxError(Exception):
    """The box file is missing, locked by another station, or not a ballot box."""


class SelectionTooLarge(ValueError):
    """A selection does not fit in one slot."""


@dataclass(frozen=True, slots=True)
class StoredBallot:
    slot: int
    state: SlotState
    contest_id: int
    ballot_id: str  # 32 hex digits
    selection_json: str


def _encode_slot(state: SlotState, contest_id: int, ballot_id: str, selection_json: str) -> bytes:
    payload = selection_json.encode("utf-8")
    if len(payload) > MAX_SELECTION_BYTES:
        raise SelectionTooLarge(len(payload))
    head = _SLOT_HEAD.pack(
        _SLOT_MAGIC, int(state), 0, contest_id, bytes.fromhex(ballot_id), len(payload)
    )
    body = head + payload
    body += struct.pack(">I", zlib.crc32(body))
    return body + bytes(SLOT_SIZE - len(body))


def _decode_slot(index: int, raw: bytes) -> StoredBallot | None:
    """The ballot in a slot, or None for an empty, torn or foreign slot."""
    if raw[:2] != _SLOT_MAGIC:
        return None
    _magic, state, _, contest_id, ballot_id, length = _SLOT_HEAD.unpack_from(raw)
    end = _SLOT_HEAD.size + length
    if length > MAX_SELECTION_BYTES or state not in (1, 2):
        return None
    (crc,) = struct.unpack_from(">I", raw, end)
    if zlib.crc32(raw[:end]) != crc:
        return None
    try:
        text = raw[_SLOT_HEAD.size : end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return StoredBallot(index, SlotState(state), contest_id, ballot_id.hex(), text)


class BallotBox:
    """One station's box file. Thread-safe; use it from one process at a time."""

    def __init__(self, path: Path, fd: int, station_id: str, realm: str, capacity: int) -> None:
        self.path = path
        self.station_id = station_id
        self.realm = realm
        self._fd = fd
        self._capacity = capacity
        self._lock = threading.RLock()
        self._ballots: dict[int, StoredBallot] = {}
        self._pending: set[int] = set()  # slots whose issue the database may not have
        self._free: list[int] = []
        self._load()

    # --- opening -----------------------------------------------------------------------

    @classmethod
    def create(cls, folder: Path, realm: str, capacity: int = INITIAL_CAPACITY) -> BallotBox:
        """A new, empty box for the database named ``realm``, with a fresh station id.

        Written and locked under a name no other station looks for, then renamed into
        place, so no other process can take it between its creation and its lock.
        """
        private_folder(folder)
        station_id = secrets.token_hex(16)
        path = folder / f"box-{station_id}{SUFFIX}"
        hidden = folder / f".box-{station_id}.new"
        _write_file(hidden, station_id, realm, capacity, {})
        fd = os.open(hidden, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            _lock(fd)
            os.replace(hidden, path)
            fsync_dir(folder)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, station_id, realm, capacity)

    @classmethod
    def open(cls, path: Path, realm: str | None = None) -> BallotBox:
        """Open and lock an existing box; ``BoxError`` if another station holds it, or if
        it was made for another database than ``realm``."""
        flags = os.O_RDWR | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise BoxError(f"{path}: {exc.strerror}") from exc
        try:
            _lock(fd)
            header = os.pread(fd, HEADER_SIZE, 0)
            magic, slot_size, capacity, _, station, box_realm = _HEADER.unpack_from(header)
            if magic != MAGIC or slot_size != SLOT_SIZE or capacity <= 0:
                raise BoxError(f"{path}: not a ballot box")
            if realm is not None and box_realm.hex() != realm:
                raise BoxError(f"{path}: a box of another database")
            if os.name == "posix":
                os.fchmod(fd, 0o600)
            # Ours now: a growth file left beside it was cut short (the box itself is intact).
            path.with_name(path.name + ".tmp").unlink(missing_ok=True)
            return cls(path, fd, station.hex(), box_realm.hex(), capacity)
        except BaseException:
            os.close(fd)
            raise

    @classmethod
    def open_or_create(cls, folder: Path, realm: str) -> BallotBox:
        """The first box in ``folder`` that no other station holds, else a new one.

        Reusing a box left by a station that crashed is how its ballots are recovered.
        """
        private_folder(folder)
        for path in sorted(folder.glob(f"box-*{SUFFIX}")):
            try:
                return cls.open(path, realm)
            except BoxError:
                continue
        return cls.create(folder, realm)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)  # releases the flock
                self._fd = -1

    def __enter__(self) -> BallotBox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        self._ballots.clear()
        chunk = 256  # slots per read: 1 MiB
        for first in range(0, self._capacity, chunk):
            count = min(chunk, self._capacity - first)
            raw = os.pread(self._fd, count * SLOT_SIZE, HEADER_SIZE + first * SLOT_SIZE)
            raw = raw + bytes(count * SLOT_SIZE - len(raw))
            for offset in range(count):
                part = raw[offset * SLOT_SIZE : (offset + 1) * SLOT_SIZE]
                if part[:2] != _SLOT_MAGIC:
                    continue
                stored = _decode_slot(first + offset, part)
                if stored is not None:
                    self._ballots[first + offset] = stored
        self._free = [i for i in range(self._capacity) if i not in self._ballots]
        self._pending = {s for s, b in self._ballots.items() if b.state is SlotState.PENDING}

    def ballots(self, contest_id: int | None = None) -> list[StoredBallot]:
        """The ballots in the box, sorted by their random id (never by slot or arrival)."""
        with self._lock:
            found = [
                b
                for b in self._ballots.values()
                if contest_id is None or b.contest_id == contest_id
            ]
        return sorted(found, key=lambda b: b.ballot_id)

    def pending(self) -> list[StoredBallot]:
        """The PENDING ballots (at most one per contest in normal use), cheaply."""
        with self._lock:
            return [self._ballots[s] for s in sorted(self._pending)]

    def contests(self) -> set[int]:
        with self._lock:
            return {b.contest_id for b in self._ballots.values()}

    def count(self, contest_id: int, state: SlotState = SlotState.CAST) -> int:
        with self._lock:
            return sum(
                1 for b in self._ballots.values() if b.contest_id == contest_id and b.state is state
            )

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def is_open(self) -> bool:
        return self._fd >= 0

    def held(self) -> threading.RLock:
        """Hold the box across a whole cast or delivery, so the two never interleave."""
        return self._lock

    # --- writing -------------------------------------------------------------------------

    def put_pending(self, contest_id: int, ballot_id: str, selection_json: str) -> int:
        """Store a ballot as PENDING in a random free slot, durably; returns the slot."""
        data = _encode_slot(SlotState.PENDING, contest_id, ballot_id, selection_json)
        with self._lock:
            if len(self._ballots) + 1 > self._capacity * MAX_LOAD:
                self._grow()
            pick = secrets.randbelow(len(self._free))
            slot = self._free[pick]
            self._free[pick] = self._free[-1]
            self._free.pop()
            self._write(slot, data)
            self._ballots[slot] = StoredBallot(
                slot, SlotState.PENDING, contest_id, ballot_id, selection_json
            )
            self._pending.add(slot)
            return slot

    def mark_cast(self, slot: int) -> None:
        """The database has committed the issue: the ballot in ``slot`` counts.

        Not synced on its own: if a power cut loses this write, the slot is still PENDING
        on disk and the station's issue count settles it the same way. The next ballot's
        synced PENDING write flushes it in any case, so at most the latest slot is ever
        left to settle.
        """
        with self._lock:
            b = self._ballots[slot]
            data = _encode_slot(SlotState.CAST, b.contest_id, b.ballot_id, b.selection_json)
            self._write(slot, data, sync=False)
            self._ballots[slot] = StoredBallot(
                slot, SlotState.CAST, b.contest_id, b.ballot_id, b.selection_json
            )
            self._pending.discard(slot)

    def discard(self, slot: int) -> None:
        """Zero a slot whose issue was refused or rolled back (its PENDING state, should a
        power cut undo this write, is settled as never issued)."""
        with self._lock:
            self._write(slot, bytes(SLOT_SIZE), sync=False)
            self._ballots.pop(slot, None)
            self._pending.discard(slot)
            self._free.append(slot)

    def discard_contest(self, contest_id: int) -> int:
        """Zero every slot of one contest (after its delivery); returns how many."""
        with self._lock:
            slots = [s for s, b in self._ballots.items() if b.contest_id == contest_id]
            for s in slots:
                os.pwrite(self._fd, bytes(SLOT_SIZE), HEADER_SIZE + s * SLOT_SIZE)
                self._ballots.pop(s)
                self._pending.discard(s)
                self._free.append(s)
            if slots:
                os.fsync(self._fd)
            return len(slots)

    def _write(self, slot: int, data: bytes, *, sync: bool = True) -> None:
        if self._fd < 0:
            raise BoxError(f"{self.path}: closed")
        os.pwrite(self._fd, data, HEADER_SIZE + slot * SLOT_SIZE)
        if sync:
            os.fsync(self._fd)

    def _grow(self) -> None:
        """Rebuild at four times the size with every ballot moved to a new random slot."""
        capacity = self._capacity * 4
        order = list(range(capacity))
        placed: dict[int, StoredBallot] = {}
        for b in self._ballots.values():
            pick = secrets.randbelow(len(order))
            slot = order[pick]
            order[pick] = order[-1]
            order.pop()
            placed[slot] = StoredBallot(slot, b.state, b.contest_id, b.ballot_id, b.selection_json)
        tmp = self.path.with_name(self.path.name + ".tmp")
        _write_file(tmp, self.station_id, self.realm, capacity, placed)
        flags = os.O_RDWR | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags)
        _lock(fd)
        os.replace(tmp, self.path)
        fsync_dir(self.path.parent)
        os.close(self._fd)
        self._fd = fd
        self._capacity = capacity
        self._ballots = placed
        self._pending = {s for s, b in placed.items() if b.state is SlotState.PENDING}
        self._free = order


def _write_file(
    path: Path, station_id: str, realm: str, capacity: int, slots: dict[int, StoredBallot]
) -> None:
    """Write a whole box file (header, every slot) and make it durable.

    Every slot is written (zeros where empty) before the file is used, so its disk blocks
    are laid out at creation, not in the order ballots arrive, and a later ballot write is
    a plain overwrite whose sync has no allocation to record. (``posix_fallocate`` would be
    faster here but leaves "unwritten" extents, and converting one at each cast made every
    cast's sync slower.)
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        header = _HEADER.pack(
            MAGIC, SLOT_SIZE, capacity, 0, bytes.fromhex(station_id), bytes.fromhex(realm)
        )
        os.write(fd, header + bytes(HEADER_SIZE - len(header)))
        size = capacity * SLOT_SIZE
        empty = bytes(SLOT_SIZE * 256)
        for start in range(0, size, len(empty)):
            os.pwrite(fd, empty[: min(len(empty), size - start)], HEADER_SIZE + start)
        for index, b in slots.items():
            data = _encode_slot(b.state, b.contest_id, b.ballot_id, b.selection_json)
            os.pwrite(fd, data, HEADER_SIZE + index * SLOT_SIZE)
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    if fcntl is None:  # pragma: no cover - Windows: one process opens the box at a time
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        raise BoxError("held by another station") from exc


def box_files(folder: Path) -> list[Path]:
    """Every box file in ``folder`` (held by a station or not)."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"box-*{SUFFIX}"))
