"""Cards and paper ballots for any front: the window's print menu and the ``cards`` and
``ballots`` commands write the same PDFs through these calls.

A window previews the file before it is kept or printed, so these write to a path the
caller chooses (a temporary file for a preview) and return what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assembly_desk.documents.paper_ballots import BallotPaperReport
from assembly_desk.domain.contests import Contest
from assembly_desk.services import cards, contests, print_ballots
from assembly_desk.services.cards import CardsResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database


@dataclass(frozen=True, slots=True)
class NumberedContest:
    """A contest with its place on the agenda (제N호), the number its paper ballot shows."""

    number: int
    contest: Contest


class PrintingService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def write_cards(
        self, assembly_id: int, out: Path, person_id: int | None = None, desk: str = ""
    ) -> CardsResult:
        """Every card of the roll, or one person's again (a lost card, audited with
        ``desk``: :func:`cards.write_card`); ``NotFound`` for a bad id."""
        with self.db.uow() as uow:
            if person_id is None:
                return cards.write_cards(uow, assembly_id, out)
            return cards.write_card(uow, assembly_id, person_id, out, desk, utc_now())

    def contests(self, assembly_id: int) -> list[NumberedContest]:
        """The agenda in order, numbered as the papers number it."""
        with self.db.uow() as uow:
            return [
                NumberedContest(i, c)
                for i, c in enumerate(contests.list_contests(uow, assembly_id), start=1)
            ]

    def write_ballot_papers(self, contest_id: int, out: Path, copies: int) -> BallotPaperReport:
        with self.db.uow() as uow:
            return print_ballots.write_ballot_papers(uow, contest_id, out, copies)
