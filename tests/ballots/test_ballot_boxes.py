"""The station ballot box: random slots, torn writes, growth, ownership, delivery, counting.

The forensic tests (tests/forensics) attack the files; these check the box's own promises:
what it stores survives, what it discards leaves nothing, a box never lands in another
database, and no contest is counted while a station still holds ballots.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.ballot_box import (
    HEADER_SIZE,
    SLOT_SIZE,
    BallotBox,
    BoxError,
    SlotState,
    box_files,
)
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import tally, voting
from assembly_desk.services.database import Database, open_database
from tests.ballots.helpers import close_poll, setup
from tests.conftest import FIXED_NOW
from tests.tally.helpers import count

REALM = "ab" * 16


def _id(i: int) -> str:
    return f"{i:032x}"


def test_a_ballot_survives_reopening_and_a_discarded_one_leaves_only_zeros(
    tmp_path: Path,
) -> None:
    box = BallotBox.create(tmp_path / "boxes", REALM)
    kept = box.put_pending(7, _id(1), '{"vote":"yes"}')
    box.mark_cast(kept)
    gone = box.put_pending(7, _id(2), '{"vote":"no"}')
    box.discard(gone)
    path = box.path
    box.close()
    raw = path.read_bytes()
    assert raw[HEADER_SIZE + gone * SLOT_SIZE : HEADER_SIZE + (gone + 1) * SLOT_SIZE] == bytes(
        SLOT_SIZE
    )
    assert b'"no"' not in raw
    again = BallotBox.open(path, REALM)
    [b] = again.ballots()
    assert (b.state, b.contest_id, b.ballot_id, b.selection_json) == (
        SlotState.CAST,
        7,
        _id(1),
        '{"vote":"yes"}',
    )
    again.close()


def test_a_torn_slot_is_ignored_not_counted(tmp_path: Path) -> None:
    box = BallotBox.create(tmp_path, REALM)
    slot = box.put_pending(3, _id(9), '{"vote":"yes"}')
    box.mark_cast(slot)
    path = box.path
    box.close()
    with open(path, "r+b") as f:  # a power cut mid-write: the slot's tail never arrived
        f.seek(HEADER_SIZE + slot * SLOT_SIZE + 20)
        f.write(b"\xff" * 8)
    reopened = BallotBox.open(path, REALM)
    assert reopened.ballots() == []
    reopened.close()


def test_growth_moves_every_ballot_to_a_fresh_random_slot(tmp_path: Path) -> None:
    box = BallotBox.create(tmp_path, REALM, capacity=64)
    first = {}
    for i in range(32):  # fills the box to its load limit
        first[_id(i)] = box.put_pending(1, _id(i), json.dumps({"n": i}))
    box.put_pending(1, _id(99), '{"n":99}')  # grows to 256 slots
    assert box.capacity == 256
    moved = {b.ballot_id: b.slot for b in box.ballots()}
    assert set(moved) == set(first) | {_id(99)}
    # The early ballots are spread over the whole new file, not kept in the first 64 slots.
    assert sum(1 for i in first if moved[i] >= 64) >= 16
    box.close()
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".adbox"] == []


def test_one_station_per_box_and_never_another_databases_box(tmp_path: Path) -> None:
    box = BallotBox.open_or_create(tmp_path, REALM)
    with pytest.raises(BoxError):
        BallotBox.open(box.path, REALM)  # held by a station
    other = BallotBox.open_or_create(tmp_path, REALM)  # a second station gets its own
    assert other.path != box.path
    box.close()
    other.close()
    with pytest.raises(BoxError):
        BallotBox.open(box.path, "cd" * 16)
    assert len(box_files(tmp_path)) == 2


def test_box_folder_and_files_are_owner_only(db: Database) -> None:
    old = os.umask(0o022)
    try:
        _aid, contest, voters = setup(db)
        with db.uow() as uow:
            voting.cast(uow, contest.id, voters[0].id, {"vote": "yes"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.box_dir.stat().st_mode) == 0o700
    for path in box_files(db.box_dir):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_count_while_a_station_on_another_laptop_holds_ballots(
    db: Database, tmp_path: Path
) -> None:
    """A second laptop (its own box folder) casts; the chair's close cannot deliver that
    box, so the count waits, with the number of stations, until that station delivers."""
    _aid, contest, voters = setup(db)
    remote = open_database(db.url, box_dir=tmp_path / "other-laptop")
    with remote.uow() as uow:
        voting.cast(uow, contest.id, voters[0].id, {"vote": "no"})
    with db.uow() as uow:
        voting.cast(uow, contest.id, voters[1].id, {"vote": "yes"})
    counts = close_poll(db, contest.id)
    assert (counts.issued_station, counts.ballots, counts.stations_pending) == (2, 1, 1)
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.count_contest(uow, contest.id, None, FIXED_NOW)
    assert (err.value.key, err.value.params) == (
        "tally.stations_pending",
        {"stations": 1, "ballots": 1},
    )
    with remote.uow() as uow:  # the station sees the close and hands its box over
        assert voting.deliver_closed(uow) == 1
    remote.dispose()
    result = count(db, contest.id)
    with db.uow() as uow:
        stored = uow.session.execute(select(func.count()).select_from(BallotRow)).scalar_one()
    assert stored == result.ballots == 2


def test_a_station_laptop_restarted_after_the_close_delivers_at_start(
    db: Database, tmp_path: Path
) -> None:
    _aid, contest, voters = setup(db)
    folder = tmp_path / "station-laptop"
    station = open_database(db.url, box_dir=folder)
    with station.uow() as uow:
        voting.cast(uow, contest.id, voters[0].id, {"vote": "yes"})
    station.dispose()  # the laptop is switched off before the close
    assert close_poll(db, contest.id).stations_pending == 1
    again = open_database(db.url, box_dir=folder)  # switched on again: delivered at start
    with again.uow() as uow:
        stored = uow.session.execute(select(BallotRow.selection_json)).scalars().all()
    again.dispose()
    assert [json.loads(s) for s in stored] == [{"vote": "yes"}]
    assert [b for p in box_files(folder) for b in BallotBox.open(p).ballots()] == []
