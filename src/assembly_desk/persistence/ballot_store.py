"""The database side of the ballot boxes: station issue counts, deliveries, pending recovery.

A ballot enters the ``ballot`` table only when its station's box is delivered, after the
poll has closed, together with every other ballot of that box, in one transaction and in
random-id order (``persistence.ballot_box`` says why). Nothing here names a person.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assembly_desk.persistence.ballot_box import BallotBox, SlotState
from assembly_desk.persistence.models_ballots import BallotRow, BoxRealmRow, StationBoxRow

_BOX = cast(Table, StationBoxRow.__table__)


def realm(conn: Connection) -> str:
    """This database's random name (made by the migration that introduced ballot boxes)."""
    return str(conn.execute(select(BoxRealmRow.realm)).scalar_one())


_COUNT_PG = (
    pg_insert(_BOX)
    .values(issued=1)
    .on_conflict_do_update(
        index_elements=["contest_id", "station_id"], set_={"issued": _BOX.c.issued + 1}
    )
)
_COUNT_SQLITE = (
    sqlite_insert(_BOX)
    .values(issued=1)
    .on_conflict_do_update(
        index_elements=["contest_id", "station_id"], set_={"issued": _BOX.c.issued + 1}
    )
)


def count_station_issue(session: Session, contest_id: int, station_id: str) -> None:
    """One more ballot issued at this station (same transaction as the issue itself)."""
    stmt = _COUNT_PG if session.get_bind().dialect.name == "postgresql" else _COUNT_SQLITE
    session.execute(stmt, {"contest_id": contest_id, "station_id": station_id})


def station_record(session: Session, contest_id: int, station_id: str) -> StationBoxRow | None:
    return session.get(StationBoxRow, (contest_id, station_id))


def resolve_pending(session: Session, box: BallotBox) -> list[int]:
    """Keep or zero the box's PENDING slots by counts alone; returns contests left unsure.

    A PENDING slot is a ballot whose issue the database may or may not have committed
    (power cut, lost connection). This station cast N ballots for the contest by the
    database's count; the box holds C confirmed ones; so the N − C pending ones are real
    and the rest were never issued. A station casts one ballot at a time, so there is at
    most one pending slot per contest and the answer is never ambiguous; if it is (a box
    tampered with), nothing is changed and the contest is reported.
    """
    unsure: list[int] = []
    waiting = box.pending()
    for contest_id in sorted({b.contest_id for b in waiting}):
        pending = [b for b in waiting if b.contest_id == contest_id]
        rec = station_record(session, contest_id, box.station_id)
        if rec is not None and rec.delivered is not None:
            continue  # delivered already: the caller wipes what is left
        issued = rec.issued if rec is not None else 0
        missing = issued - box.count(contest_id, SlotState.CAST)
        if missing == len(pending):
            for b in pending:
                box.mark_cast(b.slot)
        elif missing == 0:
            for b in pending:
                box.discard(b.slot)
        else:
            unsure.append(contest_id)
    return unsure


def deliver(session: Session, box: BallotBox, contest_id: int) -> int | None:
    """Insert the box's confirmed ballots of one contest, sorted by id; returns how many.

    Returns None when this box already delivered that contest (a delivery whose wipe was
    cut short): the caller then only wipes the box. The caller commits, then wipes.
    """
    rec = station_record(session, contest_id, box.station_id)
    if rec is not None and rec.delivered is not None:
        return None
    ballots = [b for b in box.ballots(contest_id) if b.state is SlotState.CAST]
    if ballots:
        session.execute(
            insert(cast(Table, BallotRow.__table__)),
            [
                {"id": b.ballot_id, "contest_id": contest_id, "selection_json": b.selection_json}
                for b in ballots  # already in random-id order
            ],
        )
    if rec is None:
        session.execute(
            insert(_BOX).values(
                contest_id=contest_id,
                station_id=box.station_id,
                issued=0,
                delivered=len(ballots),
            )
        )
    else:
        session.execute(
            update(StationBoxRow)
            .where(
                StationBoxRow.contest_id == contest_id, StationBoxRow.station_id == box.station_id
            )
            .values(delivered=len(ballots))
        )
    return len(ballots)


def station_totals(session: Session, contest_id: int) -> tuple[int, int, int]:
    """(ballots delivered by stations, stations still to deliver, ballots they issued)."""
    row = session.execute(
        select(
            func.coalesce(func.sum(StationBoxRow.delivered), 0),
            func.count().filter(StationBoxRow.delivered.is_(None), StationBoxRow.issued > 0),
            func.coalesce(
                func.sum(StationBoxRow.issued).filter(StationBoxRow.delivered.is_(None)), 0
            ),
        ).where(StationBoxRow.contest_id == contest_id)
    ).one()
    return int(row[0] or 0), int(row[1]), int(row[2] or 0)
