"""The door as a headless front asks for it: a card read, a roll id, an undo, a search.

The window's ``DeskService`` keeps a laptop's offline queue and a search index across a
morning; a command runs once and must not keep a scan on disk that nobody will send, so
this one holds a session without a queue (a lost database is ``DatabaseUnreachable``,
exit 2, never a scan silently kept).
"""

from __future__ import annotations

from assembly_desk.domain import card_code
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.services import checkin, roll
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.search import SearchHit
from assembly_desk.services.status import Status, status


class DoorService:
    def __init__(self, db: Database, assembly_id: int, desk: str) -> None:
        self.db = db
        self.assembly_id = assembly_id
        self.session = DeskSession(db, assembly_id, desk)

    def scan(self, code: str) -> ScanResult:
        """A card code, read or typed: the same rules and answers as the desk's field."""
        return self.session.scan(code)

    def check_in(self, person_id: int) -> ScanResult:
        """The person picked by roll id, as the desk's search list checks them in."""
        return self.session.check_in_person(person_id)

    def undo(self, person_id: int, reason: str) -> None:
        """Undo a check-in; a roll id nobody has is "not on the roll", not "not checked in"."""
        self._require_person(person_id)
        self.session.undo(person_id, reason)

    def issue_paper(self, contest_id: int, code: str) -> str:
        """A paper ballot handed to the card's holder (they cannot vote again); their name.

        The paper's count entry can only be committed within the papers issued, so a
        rehearsal that counts papers records their issue here, as the desk would.
        """
        normal = card_code.normalise(code)
        if not card_code.is_valid(normal):
            raise InvalidInput("gui.polls.bad_code", code=code)
        with self.db.uow() as uow:
            person = checkin.find_by_code(uow, self.assembly_id, normal)
            if person is None:
                raise NotFound("gui.polls.unknown_code", code=code)
            from assembly_desk.services import voting  # the contests and counting rules

            voting.issue_paper(uow, contest_id, person.id)
            return person.name

    def search(self, query: str) -> list[SearchHit]:
        return list(self.session.search(query))

    def status(self) -> Status:
        with self.db.uow() as uow:
            return status(uow, self.assembly_id)

    def _require_person(self, person_id: int) -> None:
        with self.db.uow() as uow:
            if not roll.people_for_cards(uow, self.assembly_id, [person_id]):
                raise NotFound("error.person_not_found", id=person_id)
