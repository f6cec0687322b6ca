"""Several voting stations and a paper desk on one database, racing for the same voters.

Real processes with their own engines and ballot boxes, like laptops on the venue network:
every person ends with exactly one ballot issue; every station issue with exactly one
ballot once the boxes are delivered; the losers of each race are told "already voted";
nothing else goes wrong.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random

from sqlalchemy import func, select

from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import contests
from assembly_desk.services.database import open_database
from tests.ballots.helpers import close_poll, setup

# (worker name, what it does): two stations voting differently, one paper desk.
WORKERS = (("station-yes", "yes"), ("station-no", "no"), ("paper", None))


def _worker(
    url: str,
    contest_id: int,
    name: str,
    vote: str | None,
    people: list[int],
    out: mp.Queue,
    allow_close: bool = False,
) -> None:
    from assembly_desk.domain.errors import Refused
    from assembly_desk.services import voting

    random.Random(name).shuffle(people)
    db = open_database(url)
    done = already = closed = errors = 0
    for pid in people:
        try:
            with db.uow() as uow:
                if vote is None:
                    voting.issue_paper(uow, contest_id, pid)
                else:
                    voting.cast(uow, contest_id, pid, {"vote": vote})
            done += 1
        except Refused as exc:
            if exc.key == "vote.already":
                already += 1
            elif exc.key == "poll.not_open":
                closed += 1
            else:
                errors += 1
        except Exception:
            errors += 1
    if allow_close:  # a station that finds the poll closed delivers its box
        with db.uow() as uow:
            voting.deliver_closed(uow)
    db.dispose()
    out.put((name, done, already, errors + closed * (not allow_close)))


def test_racing_stations_give_each_person_one_vote(any_db_url: str) -> None:
    db = open_database(any_db_url)
    n = 600 if any_db_url.startswith("postgresql") else 300
    _aid, contest, voters = setup(db, people=n)
    people = [v.id for v in voters]
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(any_db_url, contest.id, name, vote, list(people), queue))
        for name, vote in WORKERS
    ]
    for p in procs:
        p.start()
    results = {
        name: (done, already, errors)
        for name, done, already, errors in (queue.get(timeout=600) for _ in procs)
    }
    for p in procs:
        p.join(timeout=60)
    assert sum(r[2] for r in results.values()) == 0, results
    assert sum(r[0] for r in results.values()) == n
    assert sum(r[1] for r in results.values()) == n * (len(WORKERS) - 1)
    # The stations have stopped; closing here delivers the boxes they left on this laptop.
    counts = close_poll(db, contest.id)
    with db.uow() as uow:
        issues = dict(
            uow.session.execute(
                select(BallotIssueRow.channel, func.count()).group_by(BallotIssueRow.channel)
            ).all()
        )
        distinct = uow.session.execute(
            select(func.count(func.distinct(BallotIssueRow.person_id)))
        ).scalar_one()
        votes = [
            json.loads(s)["vote"]
            for s in uow.session.execute(select(BallotRow.selection_json)).scalars()
        ]
    assert distinct == sum(issues.values()) == n
    assert issues.get("station", 0) == len(votes)
    assert issues.get("paper", 0) == results["paper"][0]
    assert votes.count("yes") == results["station-yes"][0]
    assert votes.count("no") == results["station-no"][0]
    assert (counts.issued, counts.ballots, counts.stations_pending) == (n, len(votes), 0)
    db.dispose()


def test_closing_while_stations_cast_counts_every_stored_ballot(any_db_url: str) -> None:
    """The close locks the contest: no ballot is issued after the counts were taken, and
    the stations (still running, so holding their boxes) deliver what they hold."""
    import time

    from assembly_desk.services import audit_log

    db = open_database(any_db_url)
    n = 400
    _aid, contest, voters = setup(db, people=n)
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    halves = [[v.id for v in voters[: n // 2]], [v.id for v in voters[n // 2 :]]]
    procs = [
        ctx.Process(
            target=_worker, args=(any_db_url, contest.id, f"s{i}", "yes", half, queue, True)
        )
        for i, half in enumerate(halves)
    ]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # close once some ballots are in
        with db.uow() as uow:
            issued = select(func.count()).select_from(BallotIssueRow)
            if uow.session.execute(issued).scalar_one() >= 20:
                break
        time.sleep(0.01)
    counts = close_poll(db, contest.id)
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sum(r[3] for r in results) == 0, results
    # A station that was still casting (or had not yet let go of its box) when the close
    # came delivers at its next scan or start-up; this start-up delivers what is left.
    open_database(any_db_url).dispose()
    with db.uow() as uow:
        stored = uow.session.execute(select(func.count()).select_from(BallotRow)).scalar_one()
        issued = uow.session.execute(select(func.count()).select_from(BallotIssueRow)).scalar_one()
        logged = [e["data"] for e in audit_log.entries(uow) if e["kind"] == "poll.closed"]
        after = contests.poll_counts(uow, contest.id)
    # No issue after the counts were taken, and every issued ballot delivered in the end.
    assert stored == issued == counts.issued == sum(r[1] for r in results)
    assert logged[0]["ballots"] == counts.ballots == counts.station_delivered
    assert counts.stations_pending <= 2
    assert (after.stations_pending, after.station_delivered) == (0, stored)
    assert 20 <= stored <= n
    db.dispose()
