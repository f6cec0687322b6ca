"""A cast is one transaction: a crash part-way leaves neither the issue nor the ballot.

Here the process really dies (``os._exit``) right after the issue row was written, with
no rollback and no clean-up, as in a power cut or a killed laptop. The schema migration
from the previous release is checked here too: an older database is upgraded, not reset.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

from sqlalchemy import func, select, text

from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import voting
from assembly_desk.services.database import open_database
from tests.ballots.helpers import setup, yes_no
from tests.conftest import FIXED_NOW, make_assembly


def _die_mid_cast(url: str, contest_id: int, person_id: int) -> None:
    from assembly_desk.services import voting as v

    real_issue = v._issue

    def issue_then_die(uow, cid, pid, channel):  # type: ignore[no-untyped-def]
        real_issue(uow, cid, pid, channel)
        uow.session.flush()
        os._exit(17)  # the power goes: no rollback, no close

    v._issue = issue_then_die  # type: ignore[assignment]
    db = open_database(url)
    with db.uow() as uow:
        v.cast(uow, contest_id, person_id, {"vote": "yes"})
    os._exit(0)  # pragma: no cover - never reached


def test_process_killed_after_the_issue_leaves_no_trace(any_db_url: str) -> None:
    db = open_database(any_db_url)
    _aid, contest, voters = setup(db, people=2)
    ctx = mp.get_context("spawn")
    proc = ctx.Process(target=_die_mid_cast, args=(any_db_url, contest.id, voters[0].id))
    proc.start()
    proc.join(timeout=120)
    assert proc.exitcode == 17
    with db.uow() as uow:
        for table in (BallotIssueRow, BallotRow):
            count = uow.session.execute(select(func.count()).select_from(table)).scalar_one()
            assert count == 0, table.__tablename__
    with db.uow() as uow:  # the voter is not locked out by the half-done cast
        voting.cast(uow, contest.id, voters[0].id, {"vote": "no"})
    with db.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(BallotRow)).scalar_one() == 1
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
