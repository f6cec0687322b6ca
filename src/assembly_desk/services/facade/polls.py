"""The poll console's service calls, run inside the database thread (``DbWorker``).

Panel members are named by card code in the editor; the codes are resolved to people
here, before anything is written, so a mistyped code refuses the whole save instead of
leaving a contest with half a panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assembly_desk.domain import card_code
from assembly_desk.domain.contests import Contest, ContestDefinition, VoterScope
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.services import checkin, contests, roll
from assembly_desk.services.clock import utc_now
from assembly_desk.services.contests import PollCounts
from assembly_desk.services.database import Database


@dataclass(frozen=True, slots=True)
class PollRow:
    """One line of the console: the contest, its turnout figures, its panel's card codes."""

    contest: Contest
    counts: PollCounts
    panel_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Console:
    has_passphrase: bool
    rows: tuple[PollRow, ...]


class PollsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, assembly_id: int) -> Console:
        with self.db.uow() as uow:
            rows = []
            for contest in contests.list_contests(uow, assembly_id):
                codes: tuple[str, ...] = ()
                if contest.panel:
                    people = roll.people_for_cards(uow, assembly_id, contest.panel)
                    codes = tuple(card_code.display(p.card_code) for p in people)
                rows.append(PollRow(contest, contests.poll_counts(uow, contest.id), codes))
            return Console(contests.has_chair_passphrase(uow, assembly_id), tuple(rows))

    def set_passphrase(self, assembly_id: int, new: str, current: str | None) -> None:
        with self.db.uow() as uow:
            contests.set_chair_passphrase(uow, assembly_id, new, utc_now(), current=current)

    def save(
        self,
        assembly_id: int,
        contest_id: int | None,
        defn: ContestDefinition,
        codes: list[str],
    ) -> Contest:
        """Create (``contest_id`` None) or update a draft, then set its panel if it has one."""
        with self.db.uow() as uow:
            panel = self._people(uow, assembly_id, codes) if defn.scope is VoterScope.PANEL else []
            if contest_id is None:
                saved = contests.create_contest(uow, assembly_id, defn, utc_now())
            else:
                saved = contests.update_contest(uow, contest_id, defn, utc_now())
        if defn.scope is VoterScope.PANEL:
            with self.db.uow() as uow:
                saved = contests.set_panel(uow, saved.id, panel, utc_now())
        return saved

    @staticmethod
    def _people(uow: Any, assembly_id: int, codes: list[str]) -> list[int]:
        ids = []
        for code in codes:
            normal = card_code.normalise(code)
            if not card_code.is_valid(normal):
                raise InvalidInput("gui.polls.bad_code", code=code)
            person = checkin.find_by_code(uow, assembly_id, normal)
            if person is None:
                raise NotFound("gui.polls.unknown_code", code=code)
            ids.append(person.id)
        return ids

    def open_poll(self, contest_id: int, passphrase: str) -> Contest:
        with self.db.uow() as uow:
            return contests.open_poll(uow, contest_id, passphrase, utc_now())

    def close_poll(self, contest_id: int, passphrase: str) -> PollCounts:
        with self.db.uow() as uow:
            return contests.close_poll(uow, contest_id, passphrase, utc_now())
