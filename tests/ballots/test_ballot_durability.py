"""A power cut at any point of a cast loses no confirmed ballot and leaves no unconfirmed one.

Here the process really dies (``os._exit``), with no rollback and no clean-up, as in a
power cut or a killed laptop, at each step of the cast: after the pending ballot and the
issue row were written but before the commit; after the commit but before the slot was
marked cast; and after the voter was told. The next use of the box settles it by the
station's count alone. The schema migration from the previous release is checked here
too: an older database is upgraded, not reset.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import voting
from assembly_desk.services.database import open_database
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


def test_a_database_from_the_previous_release_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "r0001")
    engine.dispose()
    with make_engine(url).connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert "ballot" not in names
    db = open_database(url)  # upgrades to head
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    aid = make_assembly(db)
    from assembly_desk.services import contests

    with db.uow() as uow:
        assert contests.create_contest(uow, aid, yes_no(), FIXED_NOW).id > 0
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
