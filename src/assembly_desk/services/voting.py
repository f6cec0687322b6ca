"""The voting station, paper ballots, and count entry — without ever linking voter and vote.

* ``unlock_for_card``: a card is scanned at a station; the answer lists the open contests
  this person may still vote in, or says why not.
* ``cast``: the ballot goes into this station's ballot box (a history-independent file,
  ``persistence.ballot_box``) under a fresh random id, and "ballot issued to P for C" into
  the database. The issue's primary key (contest, person) decides races between stations:
  the loser gets ``Refused("vote.already")``. The ballot enters the database only when the
  poll closes, with every other ballot of the box, in one transaction and in random-id
  order (``deliver_closed``), so no database file, log or backup ever holds a ballot next
  to its voter or in cast order. A power cut at any point loses no confirmed ballot and
  leaves no unconfirmed one (see ``cast``).
  Nothing about the ballot is returned, so a voter cannot prove how they voted.
* ``issue_paper``: a paper ballot handed out; the same primary key means no second vote
  on paper or at a station.
* ``record_paper_ballot``: count entry after the close; paper ballots carry no person.

No audit event per ballot or per issue: the poll's open/close events carry the counts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assembly_desk.domain import card_code
from assembly_desk.domain.contests import (
    Contest,
    PollState,
    VoterScope,
    check_shape,
    selection_json,
    validate_selection,
)
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.i18n import t
from assembly_desk.persistence import ballot_store
from assembly_desk.persistence.ballot_box import BallotBox, SelectionTooLarge
from assembly_desk.persistence.repositories import ballots as ballot_rows
from assembly_desk.persistence.repositories import contests as contest_rows
from assembly_desk.persistence.repositories.ballots import Voter
from assembly_desk.persistence.repositories.contests import ContestFields
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row, definition_of, poll_counts, to_domain

STATION = "station"
PAPER = "paper"


class Refusal(StrEnum):
    UNKNOWN_CARD = "unknown_card"
    NO_OPEN_POLL = "no_open_poll"
    NOT_ELIGIBLE = "not_eligible"
    NOT_CHECKED_IN = "not_checked_in"
    NOT_ON_PANEL = "not_on_panel"
    ALREADY_VOTED_ALL = "already_voted_all"


@dataclass(frozen=True, slots=True)
class Unlock:
    """What a station shows after a scan: the contests to vote in, or the refusal."""

    person_id: int | None
    name: str = ""
    contests: tuple[Contest, ...] = ()
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def message(self, lang: str | None = None) -> str:
        if self.refusal is None:
            return t("vote.unlocked", lang, count=len(self.contests))
        return t(f"vote.refused.{self.refusal.value}", lang)


def _new_ballot_id() -> str:
    return secrets.token_hex(16)


def _store_ballot(uow: UnitOfWork, contest_id: int, selection: dict[str, Any]) -> None:
    ballot_rows.insert_ballot(uow, _new_ballot_id(), contest_id, selection_json(selection))


def _reason(scope: str, voter: Voter) -> Refusal | None:
    """Why this voter may not vote in a contest of ``scope`` (whether or not they did), or None.

    An assembly-wide contest needs an eligible, checked-in person; a panel contest needs a
    panel member (a panel may include outside evaluators who are not voters of the assembly).
    """
    if scope == VoterScope.PANEL.value:
        return None if voter.on_panel else Refusal.NOT_ON_PANEL
    if not voter.eligible:
        return Refusal.NOT_ELIGIBLE
    if not voter.checked_in:
        return Refusal.NOT_CHECKED_IN
    return None


def unlock_for_card(uow: UnitOfWork, assembly_id: int, code: str) -> Unlock:
    """A card scanned at a voting station: which open contests may this person vote in now?"""
    normal = card_code.normalise(code)
    person = None
    if card_code.is_valid(normal):
        person = ballot_rows.person_by_card(uow, assembly_id, normal)
    if person is None:
        return Unlock(None, refusal=Refusal.UNKNOWN_CARD)
    rows = contest_rows.of_assembly(uow, assembly_id, PollState.OPEN.value)
    if not rows:
        return Unlock(person.id, person.name, refusal=Refusal.NO_OPEN_POLL)
    issued = ballot_rows.issued_contests(uow, person.id, [r.id for r in rows])
    reasons: dict[int, Refusal | None] = {}
    for r in rows:
        voter = ballot_rows.voter(uow, r.id, person.id)
        assert voter is not None  # the person was just read
        reasons[r.id] = _reason(r.scope, voter)
    allowed = [r for r in rows if reasons[r.id] is None]
    remaining = [r for r in allowed if r.id not in issued]
    if remaining:
        return Unlock(person.id, person.name, tuple(to_domain(uow, r) for r in remaining))
    if allowed:
        return Unlock(person.id, person.name, refusal=Refusal.ALREADY_VOTED_ALL)
    # Not allowed anywhere: the most basic reason first.
    found = set(reasons.values())
    for reason in (Refusal.NOT_ELIGIBLE, Refusal.NOT_CHECKED_IN, Refusal.NOT_ON_PANEL):
        if reason in found:
            return Unlock(person.id, person.name, refusal=reason)
    raise AssertionError(found)


def _open_for(uow: UnitOfWork, contest_id: int, person_id: int) -> ContestFields:
    """The open contest, share-locked against a concurrent close; the voter may vote in it."""
    row = ballot_rows.contest_for_share(uow, contest_id)
    if row is None:
        raise NotFound("contest.not_found", id=contest_id)
    if row.state != PollState.OPEN.value:
        raise Refused("poll.not_open")
    voter = ballot_rows.voter(uow, contest_id, person_id)
    if voter is None or voter.assembly_id != row.assembly_id:
        raise NotFound("error.person_not_found", id=person_id)
    reason = _reason(row.scope, voter)
    if reason is not None:
        raise Refused(f"vote.refused.{reason.value}")
    return row


def _issue(uow: UnitOfWork, contest_id: int, person_id: int, channel: str) -> None:
    """Insert the issue; the primary key (contest, person) refuses a second one.

    The database decides a race between two stations (``ballots.insert_issue``): the
    loser finds the winner's row and is told the person has voted.
    """
    if not ballot_rows.insert_issue(uow, contest_id, person_id, channel):
        raise Refused("vote.already")


def cast(uow: UnitOfWork, contest_id: int, person_id: int, selection: Any) -> None:
    """Record that ``person_id`` voted and put their ballot in this station's box.

    The order makes a power cut harmless wherever it strikes: (1) the ballot is written
    to a random free slot as PENDING and synced; (2) the issue and this station's issue
    count are committed in the database; (3) the slot is marked CAST; then the voter is
    thanked (two syncs per cast: the box's and the database's). Cut before (2): the issue
    is not recorded, the voter may vote again, and the pending slot is zeroed when the box
    is next used (the station's count says it was never issued). Cut after (2): the count
    says it was, and the slot is kept.

    Raises ``Refused("poll.not_open")``, ``Refused("vote.already")``,
    ``Refused("vote.refused.…")`` or ``InvalidInput("vote.invalid_selection")``.
    Returns nothing: no ballot id leaves this function.
    """
    box = uow.ballot_box()
    # Box first, then the database, everywhere (cast, close, delivery): never a deadlock
    # between a station thread and a closing thread of the same process.
    with box.held():
        row = _open_for(uow, contest_id, person_id)
        sel = validate_selection(definition_of(uow, row), selection)
        if ballot_store.resolve_pending(uow.session, box):
            raise Refused("vote.box_unsure")
        try:
            slot = box.put_pending(row.id, _new_ballot_id(), selection_json(sel))
        except SelectionTooLarge as exc:
            raise InvalidInput("vote.selection_too_large") from exc
        try:
            _issue(uow, row.id, person_id, STATION)
            ballot_store.count_station_issue(uow.session, row.id, box.station_id)
        except BaseException:
            box.discard(slot)  # nothing was committed: the voter may try again
            raise
        # If the commit itself fails, whether it reached the database is unknown: the
        # slot stays PENDING and the next use of the box settles it by the counts.
        uow.commit()
        box.mark_cast(slot)


def deliver_closed(uow: UnitOfWork, contest_id: int | None = None) -> int:
    """Deliver this laptop's boxes for every closed contest (or one); returns ballots moved.

    Called when a poll closes, when a station sees that a poll has closed, and at start-up
    (a station laptop that was off at the close). Each box's ballots of one contest go in
    one transaction, sorted by their random id; then their slots are zeroed. A delivery
    cut short before its commit is simply done again; after it, only the wipe is.
    """
    if uow.boxes is None:
        return 0
    moved = 0
    with uow.boxes.local_boxes() as boxes:
        for box in boxes:
            with box.held():
                for cid in sorted(box.contests()):
                    if contest_id is not None and cid != contest_id:
                        continue
                    moved += _deliver_one(uow, box, cid)
    return moved


def _deliver_one(uow: UnitOfWork, box: BallotBox, contest_id: int) -> int:
    row = contest_rows.get(uow, contest_id)
    if row is None:  # a contest deleted, or a box from another database
        return 0
    if row.state == PollState.OPEN.value or row.state == PollState.DRAFT.value:
        return 0
    ballot_store.resolve_pending(uow.session, box)
    delivered = ballot_store.deliver(uow.session, box, contest_id)
    uow.commit()
    box.discard_contest(contest_id)
    return delivered or 0


def issue_paper(uow: UnitOfWork, contest_id: int, person_id: int) -> None:
    """Record a paper ballot handed to ``person_id``; after this they cannot vote again."""
    row = _open_for(uow, contest_id, person_id)
    _issue(uow, row.id, person_id, PAPER)
    uow.commit()


def record_paper_ballot(uow: UnitOfWork, contest_id: int, selection: Any) -> None:
    """Count entry: one paper ballot, as marked, after the poll has closed.

    Only the form is checked: a blank or overvoted paper is a ballot too, and the count
    marks it invalid with its reason. More paper ballots than were issued is refused.
    """
    row = contest_row(uow, contest_id, lock="update")
    if row.state != PollState.CLOSED.value:
        raise Refused("poll.not_closed")
    sel = check_shape(definition_of(uow, row), selection)
    counts = poll_counts(uow, row.id)
    # Papers already committed as tally totals count against what was issued too.
    from assembly_desk.services.count_entry import paper_counted

    ballots, in_totals = paper_counted(uow, row.id)
    if ballots + in_totals >= counts.issued_paper:
        raise Refused("vote.paper_excess", issued=counts.issued_paper)
    _store_ballot(uow, row.id, sel)
    uow.commit()
