"""What the screenshot scripts share: waiting for the window, and a checked-in roll."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtWidgets import QApplication
from sqlalchemy import insert, select

from assembly_desk.domain import card_code
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.services.database import Database


def wait(app: QApplication, done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Process events until ``done()`` (the worker's results arrive by signal), then settle."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.005)
    for _ in range(5):
        app.processEvents()


def checked_in_people(db: Database, aid: int, n: int, now: datetime) -> list[int]:
    """``n`` residents inserted in bulk and checked in at the door; their person ids."""
    codes = sorted({card_code.new_code() for _ in range(n * 2)})[:n]
    with db.uow() as uow:
        uow.session.execute(
            insert(PersonRow),
            [
                {
                    "assembly_id": aid,
                    "name": f"주민{i}",
                    "name_key": f"주민{i}",
                    "birth_date": date(1970, 1, 1),
                    "category": "resident",
                    "card_code": code,
                    "created_at": now,
                }
                for i, code in enumerate(codes)
            ],
        )
        ids = list(
            uow.session.execute(select(PersonRow.id).where(PersonRow.assembly_id == aid)).scalars()
        )
        uow.session.execute(
            insert(CheckInRow),
            [{"assembly_id": aid, "person_id": p, "desk": "door", "at": now} for p in ids],
        )
        uow.commit()
    return ids
