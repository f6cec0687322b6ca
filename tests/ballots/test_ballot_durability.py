"""A power cut at any point of a cast loses no confirmed ballot and leaves no unconfirmed one.

Here the process really dies (``os._exit``), with no rollback and no clean-up, as in a
power cut or a killed laptop, at each step of the cast: after the pending ballot and the
issue row were written but before the commit; after the commit but before the slot was
marked cast; and after the voter was told. The next use of the box settles it by the
station's count alone. The schema migration from the previous release is checked here
too: an older database is upgraded, not reset.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, func, select, text

from assembly_desk.audit import chain
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.domain import card_code
from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import audit_log, contests, status, voting
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.database import open_database
from assembly_desk.services.desk import DeskSession
from tests.ballots.helpers import close_poll, setup, yes_no
from tests.conftest import FIXED_NOW, make_assembly


def _die_mid_cast(url: str, contest_id: int, person_id: int, when: str) -> None:
    from assembly_desk.persistence.ballot_box import BallotBox
    from assembly_desk.services import voting as v

    real_issue = v._issue
    real_mark = BallotBox.mark_cast

    def issue_then_die(uow, cid, pid, channel):  # type: ignore[no-untyped-def]
        real_issue(uow, cid, pid, channel)
        uow.session.flush()
        os._exit(17)  # the power goes: no rollback, no close

    def die_before_mark(self, slot):  # type: ignore[no-untyped-def]
        os._exit(17)

    def mark_then_die(self, slot):  # type: ignore[no-untyped-def]
        real_mark(self, slot)
        os._exit(17)

    if when == "before_commit":
        v._issue = issue_then_die  # type: ignore[assignment]
    elif when == "after_commit":
        BallotBox.mark_cast = die_before_mark  # type: ignore[method-assign]
    else:
        BallotBox.mark_cast = mark_then_die  # type: ignore[method-assign]
    db = open_database(url)
    with db.uow() as uow:
        v.cast(uow, contest_id, person_id, {"vote": "yes"})
    os._exit(0)  # pragma: no cover - never reached


def _issues(db) -> int:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        query = select(func.count()).select_from(BallotIssueRow)
        return int(uow.session.execute(query).scalar_one())


def _stored(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        rows = uow.session.execute(select(BallotRow.selection_json)).scalars()
        return sorted(json.loads(s)["vote"] for s in rows)


@pytest.mark.parametrize("when", ["before_commit", "after_commit", "after_confirm"])
def test_process_killed_mid_cast_loses_nothing_and_invents_nothing(
    any_db_url: str, when: str
) -> None:
    db = open_database(any_db_url)
    _aid, contest, voters = setup(db, people=3)
    ctx = mp.get_context("spawn")
    proc = ctx.Process(target=_die_mid_cast, args=(any_db_url, contest.id, voters[0].id, when))
    proc.start()
    proc.join(timeout=120)
    assert proc.exitcode == 17
    assert _stored(db) == []  # nothing reaches the database while the poll is open
    if when == "before_commit":
        assert _issues(db) == 0
        # The voter is not locked out; the dead station's pending slot is not counted.
        with db.uow() as uow:
            voting.cast(uow, contest.id, voters[0].id, {"vote": "no"})
        expected = ["no"]
    else:
        assert _issues(db) == 1  # the issue committed: that ballot must be counted
        with db.uow() as uow:
            voting.cast(uow, contest.id, voters[1].id, {"vote": "no"})
        expected = ["no", "yes"]
    counts = close_poll(db, contest.id)  # delivers the dead station's box and this one
    assert _stored(db) == expected
    assert (counts.issued, counts.ballots, counts.stations_pending) == (
        len(expected),
        len(expected),
        0,
    )
    db.dispose()


def _v1_entry(prev: str, seq: int, at: datetime, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An audit entry as the first release (r0001) wrote it: no ``sealed`` field, v1 prefix."""
    entry: dict[str, Any] = {
        "seq": seq,
        "time": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "kind": kind,
        "data": data,
        "prev": prev,
    }
    digest = hashlib.sha256(b"assembly-desk/audit/v1\x00" + canonical_json(entry))
    return {**entry, "hash": digest.hexdigest()}


def _first_release_database(url: str) -> dict[str, str]:
    """A database the first release (schema r0001) left mid-assembly; returns name -> code.

    One assembly (quorum 3), four people on the roll (one ineligible), two checked in at
    two desks, and the audit chain of those three changes, in the rows r0001 had.
    """
    engine = make_engine(url)
    migrate.upgrade(engine, "r0001")
    meta = MetaData()
    meta.reflect(engine)
    assert "ballot" not in meta.tables and "contest" not in meta.tables
    assembly, person, checkin, audit = (
        meta.tables[t] for t in ("assembly", "person", "checkin", "audit_event")
    )
    rules = {"min_age": 14, "allowed": ["resident"], "guardian_consent_under_14": False}
    people = [  # name, category, eligible, reason, card code (check digit included)
        ("김민수", "resident", True, "", "12345678906"),
        ("이영희", "resident", True, "", "57240112946"),
        ("박철수", "resident", True, "", "11111111113"),
        ("최지원", "worker", False, "reason.category", "22222222221"),
    ]
    assert all(card_code.is_valid(p[4]) for p in people)
    t0 = FIXED_NOW
    created = {
        "assembly": 1,
        "kind": "village_assembly",
        "title": "성산1동 주민총회",
        "held_on": "2026-11-28",
        "rules": rules,
        "quorum": {"kind": "number", "value": 3, "council_members": 0},
    }
    e1 = _v1_entry(chain.GENESIS, 1, t0, "assembly.created", created)
    e2 = _v1_entry(
        e1["hash"],
        2,
        t0 + timedelta(minutes=1),
        "checkin",
        {"assembly": 1, "person": 1, "desk": "정문"},
    )
    e3 = _v1_entry(
        e2["hash"],
        3,
        t0 + timedelta(minutes=2),
        "checkin",
        {"assembly": 1, "person": 2, "desk": "후문"},
    )
    with engine.begin() as conn:
        conn.execute(
            assembly.insert(),
            {
                "kind": "village_assembly",
                "title": "성산1동 주민총회",
                "held_on": date(2026, 11, 28),
                "venue": "주민센터 3층",
                "district": "성산1동",
                "rules_json": json.dumps(rules),
                "quorum_kind": "number",
                "quorum_value": 3,
                "council_members": 0,
                "eligible_count": 3,
                "quorum_reached_at": None,
                "created_at": t0,
            },
        )
        conn.execute(
            person.insert(),
            [
                {
                    "assembly_id": 1,
                    "name": name,
                    "name_key": name,
                    "birth_date": date(1980, 3, 15),
                    "category": category,
                    "address": "성산동",
                    "tong": "3",
                    "ban": "2",
                    "phone_last4": "5678",
                    "card_code": code,
                    "eligible": eligible,
                    "ineligible_reason": reason,
                    "guardian_consent": False,
                    "source": "import",
                    "created_at": t0,
                }
                for name, category, eligible, reason, code in people
            ],
        )
        # Ids come from the database, as they did for the first release (sequences on
        # PostgreSQL): a fresh database numbers them from 1, in insertion order.
        ids = conn.execute(select(person.c.id, person.c.name).order_by(person.c.id)).all()
        assert [tuple(r) for r in ids] == [(i, p[0]) for i, p in enumerate(people, start=1)]
        conn.execute(
            checkin.insert(),
            [
                {
                    "assembly_id": 1,
                    "person_id": 1,
                    "desk": "정문",
                    "at": t0 + timedelta(minutes=1),
                },
                {
                    "assembly_id": 1,
                    "person_id": 2,
                    "desk": "후문",
                    "at": t0 + timedelta(minutes=2),
                },
            ],
        )
        conn.execute(
            audit.insert(),
            [
                {
                    "seq": e["seq"],
                    "at": e["time"],
                    "kind": e["kind"],
                    "data_json": json.dumps(e["data"], ensure_ascii=False, sort_keys=True),
                    "prev": e["prev"],
                    "hash": e["hash"],
                }
                for e in (e1, e2, e3)
            ],
        )
    assert migrate.current_revision(engine) == "r0001"
    engine.dispose()
    return {name: code for name, _c, _e, _r, code in people}


def test_a_database_from_the_first_release_is_upgraded_with_its_people_and_check_ins(
    any_db_url: str,
) -> None:
    codes = _first_release_database(any_db_url)
    db = open_database(any_db_url)  # upgrades r0001 -> head at start, never resets
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        with db.uow() as uow:
            st = status.status(uow, 1)
            assert (st.roll_total, st.eligible, st.checked_in) == (4, 3, 2)
            assert (st.quorum_required, st.quorum_missing) == (3, 1)
            report = audit_log.verify(uow)
            assert report.ok and report.count == 3, report.reason
            assert [e["kind"] for e in audit_log.entries(uow)] == [
                "assembly.created",
                "checkin",
                "checkin",
            ]
        later = FIXED_NOW + timedelta(minutes=30)
        desk = DeskSession(db, 1, "데스크 3", lambda: later)
        again = desk.scan(codes["김민수"])  # checked in before the upgrade, at the front door
        assert again.outcome is Outcome.ALREADY
        assert again.desk == "정문" and again.checked_in_at == FIXED_NOW + timedelta(minutes=1)
        assert desk.scan(codes["최지원"]).outcome is Outcome.NOT_ELIGIBLE
        assert desk.scan(codes["박철수"]).outcome is Outcome.CHECKED_IN  # the third: quorum
        with db.uow() as uow:
            st = status.status(uow, 1)
            assert (st.checked_in, st.quorum_missing) == (3, 0)
            assert st.quorum_reached_at == later
            chained = audit_log.entries(uow)
            report = audit_log.verify(uow)
        # The old entries are kept as they were; new ones follow in the current format.
        assert report.ok and report.count == len(chained), report.reason
        assert [e["kind"] for e in chained[:3]] == ["assembly.created", "checkin", "checkin"]
        assert all("sealed" not in e for e in chained[:3])
        assert chained[3:] and all("sealed" in e for e in chained[3:])
        assert "checkin" in [e["kind"] for e in chained[3:]]
        with db.uow() as uow:  # the tables the later releases added work on the old data
            assert contests.create_contest(uow, 1, yes_no(), FIXED_NOW).id > 0
    finally:
        db.dispose()


def test_downgrade_to_the_previous_release_removes_only_ballot_tables(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    db = open_database(url)
    aid = make_assembly(db)
    cfg = migrate._config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "r0001")
    with db.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert conn.execute(text("SELECT id FROM assembly")).scalar_one() == aid
    assert not names & {"contest", "contest_option", "panel_member", "ballot_issue", "ballot"}
    db.dispose()
