"""The services as the voting station calls them, from inside the database thread only.

Each call opens its own unit of work, so a station holds no transaction open while a
voter thinks: an unlock reads, a cast writes the issue to the database and the ballot to
the station's box, and a half-marked ballot is stored nowhere at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from assembly_desk.domain.errors import DeskError
from assembly_desk.services import chair_passphrase, voting
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database


class CastFailed(RuntimeError):
    """A cast failed for a reason that is not the voter's; nothing was stored."""


class StationService:
    def __init__(
        self, db: Database, assembly_id: int, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.db = db
        self.assembly_id = assembly_id
        self.clock = clock  # the time a wrong passphrase is logged at and waited from

    def unlock(self, code: str) -> voting.Unlock:
        with self.db.uow() as uow:
            # A poll closed from another laptop since the last scan: hand its ballots over.
            voting.deliver_closed(uow)
        with self.db.uow() as uow:
            return voting.unlock_for_card(uow, self.assembly_id, code)

    def deliver(self) -> int:
        """Deliver this laptop's ballots of every closed poll now; returns how many moved.

        The window does not call it: a station delivers when it next reads a card
        (:meth:`unlock`) and when the app starts (``open_database``).
        """
        with self.db.uow() as uow:
            return voting.deliver_closed(uow)

    def cast(self, contest_id: int, person_id: int, selection: dict[str, Any]) -> None:
        """Store the ballot; returns nothing, so nothing about it can be shown or kept.

        A database error's text carries the statement's parameters — the person on the
        issue, the selection on the ballot — and the worker logs failed jobs with their
        traceback. So an unexpected failure is replaced by one that names only its type,
        with the original (and its chained context) dropped.
        """
        try:
            with self.db.uow() as uow:
                voting.cast(uow, contest_id, person_id, selection)
        except DeskError:
            raise  # a refusal: its key and parameters carry no ballot
        except Exception as exc:
            raise CastFailed(type(exc).__name__) from None

    def has_passphrase(self) -> bool:
        with self.db.uow() as uow:
            return chair_passphrase.has_chair_passphrase(uow, self.assembly_id)

    def check_passphrase(self, passphrase: str) -> bool:
        """True for the chair's passphrase; otherwise ``Refused`` says why.

        ``poll.wrong_passphrase`` (audited; ``wait`` is the delay it starts), or
        ``chair.wait`` while an earlier failure's delay runs (not even checked).
        """
        with self.db.uow() as uow:
            chair_passphrase.check_chair(
                uow, self.assembly_id, passphrase, "leave_station", self.clock()
            )
            uow.commit()
        return True
