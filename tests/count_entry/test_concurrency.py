"""Two desks commit the same batch at once: the batch is stored exactly once."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import count_entry
from assembly_desk.services.count_entry import Side
from assembly_desk.services.database import Database, open_database
from tests.conftest import FIXED_NOW
from tests.count_entry.helpers import NO, YES, batch, closed_with_paper, enter


def test_racing_commits_store_the_batch_once(any_db_url: str) -> None:
    db = open_database(any_db_url)
    try:
        contest = closed_with_paper(db, paper=40)
        marks = [YES, NO] * 10
        b = batch(db, contest.id)
        enter(db, b, Side.A, marks)
        enter(db, b, Side.B, marks)
        desks = [open_database(any_db_url) for _ in range(3)]  # three laptops
        start = threading.Barrier(3, timeout=20)
        outcomes: list[str] = []

        def desk(other: Database) -> None:
            start.wait()
            try:
                with other.uow() as uow:
                    count_entry.commit_batch(uow, b, FIXED_NOW)
                outcomes.append("committed")
            except Refused as exc:
                outcomes.append(exc.key)

        threads = [threading.Thread(target=desk, args=(d,)) for d in desks]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        for d in desks:
            d.dispose()
        assert Counter(outcomes) == {"committed": 1, "count_entry.batch_committed": 2}
        assert _ballots(db, contest.id) == 20
    finally:
        db.dispose()


def _ballots(db: Database, contest_id: int) -> int:
    with db.uow() as uow:
        return int(
            uow.session.execute(
                select(func.count())
                .select_from(BallotRow)
                .where(BallotRow.contest_id == contest_id)
            ).scalar_one()
        )
