"""The chair's passphrase under guessing: an audited, growing delay that survives restarts.

Every test runs on a clock it sets itself (``FIXED_NOW`` plus seconds): the services take
``now`` from the caller, so nothing here waits for real time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from assembly_desk.domain.contests import PollState
from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.persistence.models_ballots import ChairPassphraseRow
from assembly_desk.services import audit_log, chair_passphrase, contests
from assembly_desk.services.database import Database, open_database
from tests.ballots.helpers import CHAIR, setup
from tests.conftest import FIXED_NOW, make_assembly

WRONG = "틀린암호-zq7"


def at(seconds: float) -> datetime:
    return FIXED_NOW + timedelta(seconds=seconds)


def leave(db: Database, aid: int, passphrase: str, seconds: float) -> bool:
    """The station's question: may the kiosk be left with this passphrase, at this time?"""
    with db.uow() as uow:
        return chair_passphrase.check_chair_passphrase(uow, aid, passphrase, at(seconds))


def waits(db: Database, aid: int, passphrase: str, seconds: float) -> int:
    """The delay a try at ``seconds`` is refused with (0: it was not refused for waiting)."""
    try:
        leave(db, aid, passphrase, seconds)
    except Refused as refusal:
        assert refusal.key == "chair.wait"
        return int(refusal.params["seconds"])
    return 0


def failures(db: Database) -> list[dict]:
    with db.uow() as uow:
        return [e for e in audit_log.entries(uow) if e["kind"] == "chair.passphrase_failed"]


def test_the_schedule_doubles_after_three_failures_and_is_capped() -> None:
    assert [chair_passphrase.wait_after(n) for n in range(0, 12)] == [
        0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300,
    ]  # fmt: skip


def test_three_free_tries_then_a_growing_wait_even_for_the_right_passphrase(
    db: Database,
) -> None:
    aid, _contest, _voters = setup(db, open_=False, people=1)
    assert [leave(db, aid, WRONG, s) for s in (0, 1, 2)] == [False, False, False]
    assert waits(db, aid, CHAIR, 2.5) == 2  # 3rd failure at t=2: wait until t=4
    assert waits(db, aid, CHAIR, 3.1) == 1
    assert not leave(db, aid, WRONG, 4)  # allowed again at t=4, and wrong: now 4 s
    assert waits(db, aid, CHAIR, 5) == 3
    assert not leave(db, aid, WRONG, 8)  # 5th failure: 8 s
    assert waits(db, aid, CHAIR, 8) == 8
    assert leave(db, aid, CHAIR, 16)  # the right one, once the wait is over
    # The count starts again: three more free tries.
    assert [leave(db, aid, WRONG, 17 + s) for s in (0, 0, 0)] == [False, False, False]
    assert waits(db, aid, WRONG, 17) == 2
    # Tries refused for waiting were not checked, so not counted.
    assert [e["data"]["failures"] for e in failures(db)] == [1, 2, 3, 4, 5, 1, 2, 3]


def test_the_wait_survives_a_restart_of_the_app(db: Database, sqlite_url: str) -> None:
    aid, _contest, _voters = setup(db, open_=False, people=1)
    for s in (0, 1, 2, 4):
        assert not leave(db, aid, WRONG, s)  # the fourth failure, at t=4: wait until t=8
    db.dispose()
    reopened = open_database(sqlite_url)
    try:
        assert waits(reopened, aid, CHAIR, 5) == 3
        assert leave(reopened, aid, CHAIR, 8)
    finally:
        reopened.dispose()


def test_opening_closing_and_changing_count_and_say_what_they_were_for(db: Database) -> None:
    aid, contest, _voters = setup(db, open_=False, people=1)
    with db.uow() as uow, pytest.raises(Refused) as refused:
        contests.open_poll(uow, contest.id, WRONG, at(0))
    assert refused.value.key == "poll.wrong_passphrase"
    with db.uow() as uow:
        assert contests.get_contest(uow, contest.id).state is PollState.DRAFT
        contests.open_poll(uow, contest.id, CHAIR, at(1))
    with db.uow() as uow, pytest.raises(Refused):
        contests.close_poll(uow, contest.id, WRONG, at(2))
    with db.uow() as uow, pytest.raises(Refused):
        chair_passphrase.set_chair_passphrase(uow, aid, "새 암호 999999", at(3), current=WRONG)
    with db.uow() as uow, pytest.raises(Refused):
        contests.close_poll(uow, contest.id, WRONG, at(3.2))  # third failure in a row
    with db.uow() as uow, pytest.raises(Refused) as refused:
        contests.close_poll(uow, contest.id, CHAIR, at(3.5))
    assert refused.value.key == "chair.wait"
    with db.uow() as uow:
        assert contests.get_contest(uow, contest.id).state is PollState.OPEN
    assert [(e["data"]["purpose"], e["data"]["assembly"]) for e in failures(db)] == [
        ("open", aid),
        ("close", aid),
        ("change", aid),
        ("close", aid),
    ]
    # The first failure was followed by a right passphrase, so the count went back to 0.
    assert [e["data"]["failures"] for e in failures(db)] == [1, 1, 2, 3]


def test_a_failure_is_in_the_audit_chain_without_the_attempted_text(
    db: Database, sqlite_url: str
) -> None:
    aid, _contest, _voters = setup(db, open_=False, people=1)
    attempt = f"추측-{secrets.token_hex(6)}"
    assert not leave(db, aid, attempt, 0)
    with db.uow() as uow:
        assert audit_log.verify(uow).ok
        rows = uow.session.execute(select(AuditEventRow)).scalars().all()
    (failed,) = failures(db)
    assert failed["kind"] == "chair.passphrase_failed"
    assert failed["data"] == {"assembly": aid, "purpose": "leave_station", "failures": 1}
    for row in rows:
        for value in vars(row).values():
            assert attempt not in str(value)
    # Nor anywhere in the files (database, WAL): a failed try leaves no trace of its text.
    db_file = Path(sqlite_url.split("///", 1)[1])
    for path in db_file.parent.glob(db_file.name + "*"):
        data = path.read_bytes()
        assert attempt.encode() not in data and attempt.encode("utf-16-le") not in data


def test_failures_are_counted_per_assembly(db: Database) -> None:
    aid, _contest, _voters = setup(db, open_=False, people=1)
    other = make_assembly(db)
    with db.uow() as uow:
        chair_passphrase.set_chair_passphrase(uow, other, CHAIR, FIXED_NOW)
    for s in range(3):
        leave(db, aid, WRONG, s)
    assert waits(db, aid, CHAIR, 2) == 2
    assert leave(db, other, CHAIR, 2)  # the other assembly's chair is not held up


@pytest.mark.real_kdf
def test_new_hashes_cost_what_the_key_files_cost_and_old_ones_still_verify(
    db: Database,
) -> None:
    aid, _contest, _voters = setup(db, open_=False, people=1)
    with db.uow() as uow:
        stored = uow.session.get(ChairPassphraseRow, aid).scrypt_hash
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    # A hash stored by an earlier version (N=2**14) keeps working.
    salt = secrets.token_bytes(16)
    old = hashlib.scrypt(CHAIR.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    legacy = f"scrypt${2**14}$8$1${salt.hex()}${old.hex()}"
    assert chair_passphrase.passphrase_matches(CHAIR, legacy)
    assert not chair_passphrase.passphrase_matches(WRONG, legacy)
    # A stored hash asking for an absurd cost is refused rather than computed.
    absurd = f"scrypt${2**30}$8$1${salt.hex()}${old.hex()}"
    assert not chair_passphrase.passphrase_matches(CHAIR, absurd)
