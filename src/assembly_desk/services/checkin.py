"""Checking people in at the door, and undoing a mistaken check-in.

The database's unique constraint on (assembly, person) decides who was first when two
desks scan the same card: the loser's insert fails and it answers "already checked in".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import cast

from assembly_desk.domain import card_code, text_rules
from assembly_desk.domain.assembly import Assembly
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.i18n import t
from assembly_desk.persistence.models import AssemblyRow, PersonRow
from assembly_desk.persistence.repositories import assemblies as assembly_rows
from assembly_desk.persistence.repositories import audit_entries, checkins, people
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import to_domain
from assembly_desk.services.clock import as_utc, local_hhmm
from assembly_desk.services.people import PersonView, view


class Outcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    NEEDS_CONSENT = "needs_consent"
    NOT_ON_ROLL = "not_on_roll"
    NOT_ELIGIBLE = "not_eligible"
    MISTYPED = "mistyped"


class Colour(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


_COLOURS = {
    Outcome.CHECKED_IN: Colour.GREEN,
    Outcome.ALREADY: Colour.AMBER,
    Outcome.NEEDS_CONSENT: Colour.AMBER,
    Outcome.NOT_ON_ROLL: Colour.RED,
    Outcome.NOT_ELIGIBLE: Colour.RED,
    Outcome.MISTYPED: Colour.RED,
}


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The answer a desk shows: colour, headline, reason, and who (if anyone)."""

    outcome: Outcome
    person: PersonView | None = None
    checked_in_at: datetime | None = None
    desk: str = ""
    repeat: bool = False
    params: dict[str, str] = field(default_factory=dict)

    @property
    def colour(self) -> Colour:
        return _COLOURS[self.outcome]

    @property
    def admitted(self) -> bool:
        """True when the person is (now or already) checked in."""
        return self.outcome in (Outcome.CHECKED_IN, Outcome.ALREADY)

    def headline(self, lang: str | None = None) -> str:
        return t(f"scan.{self.outcome.value}", lang)

    def detail(self, lang: str | None = None) -> str:
        """The reason line: when and where, which rule, or what to do next."""
        match self.outcome:
            case Outcome.CHECKED_IN:
                key = "scan.detail.repeat" if self.repeat else "scan.detail.checked_in"
                return t(key, lang, time=self._hhmm())
            case Outcome.ALREADY:
                return t("scan.detail.already", lang, time=self._hhmm(), desk=self.desk)
            case Outcome.NOT_ELIGIBLE | Outcome.NEEDS_CONSENT:
                return self.person.reason(lang) if self.person else ""
            case Outcome.NOT_ON_ROLL:
                return t("scan.detail.not_on_roll", lang)
            case Outcome.MISTYPED:
                return t(_MISTYPED_DETAIL[self._code_problem()], lang, **self.params)
        return ""

    def _code_problem(self) -> card_code.CodeProblem:
        try:
            return card_code.CodeProblem(self.params.get("problem", ""))
        except ValueError:  # a result kept from before problems were told apart
            return card_code.CodeProblem.CHECK_DIGIT

    def _hhmm(self) -> str:
        return local_hhmm(self.checked_in_at) if self.checked_in_at else ""


_MISTYPED_DETAIL = {
    card_code.CodeProblem.EMPTY: "scan.detail.code_empty",
    card_code.CodeProblem.NOT_DIGITS: "scan.detail.code_not_digits",
    card_code.CodeProblem.TOO_SHORT: "scan.detail.code_too_short",
    card_code.CodeProblem.TOO_LONG: "scan.detail.code_too_long",
    card_code.CodeProblem.CHECK_DIGIT: "scan.detail.mistyped",
}
#: How much of a text that is no card code is echoed back (a scanned web address is long).
_ECHO_MAX = 40


def mistyped(text: str) -> ScanResult | None:
    """The answer to a text that is no card code, or ``None`` when it is one.

    Needs no database, so a typo is answered even offline. What is echoed is what was
    typed (trimmed), not its normalised form: NFKC turns the compatibility jamo a Korean
    keyboard types (ㅁ) into conjoining jamo (ᄆ), which look broken on screen.
    """
    code = card_code.normalise(text)
    found = card_code.problem(code)
    if found is None:
        return None
    shown = code if found is card_code.CodeProblem.CHECK_DIGIT else text.strip()
    if len(shown) > _ECHO_MAX:
        shown = shown[: _ECHO_MAX - 1] + "…"
    return ScanResult(
        Outcome.MISTYPED, params={"code": shown, "problem": found.value, "length": str(len(code))}
    )


def find_by_code(uow: UnitOfWork, assembly_id: int, code: str) -> PersonRow | None:
    """The person whose card carries ``code`` (already normalised and checked), if any."""
    return people.by_code(uow, assembly_id, code)


def check_in_by_code(
    uow: UnitOfWork, assembly_id: int, text: str, desk: str, now: datetime
) -> ScanResult:
    """A scanned or typed card code: check digit first, then the roll, then the rules.

    The desk's hot path: the holder, their assembly and any check-in come back in one
    query, which on PostgreSQL also inserts the check-in and takes the audit lock
    (``checkins.door_card_checking_in``); a check-in then costs one read of the chain head
    with the running count, and the entry.
    """
    check_desk_name(desk)
    refused = mistyped(text)
    if refused is not None:
        return refused
    card, inserted = checkins.door_card_checking_in(
        uow, assembly_id, card_code.normalise(text), desk, now
    )
    if card is None:
        return ScanResult(Outcome.NOT_ON_ROLL)
    return _check_in(uow, card, desk, now, inserted)


def check_in_person(
    uow: UnitOfWork,
    assembly_id: int,
    person_id: int,
    desk: str,
    now: datetime,
    guardian_consent_confirmed: bool = False,
) -> ScanResult:
    """Check in a person picked from search results (or after confirming guardian consent)."""
    check_desk_name(desk)
    card = checkins.door_card_by_person(uow, assembly_id, person_id)
    if card is None:
        raise NotFound("error.person_not_found", id=person_id)
    if (
        guardian_consent_confirmed
        and card.checked_in_at is None
        and card.person.ineligible_reason == "reason.guardian"
    ):
        _record_consent(uow, assembly_id, person_id, now)
        card = checkins.door_card_by_person(uow, assembly_id, person_id)
        assert card is not None
    return _check_in(uow, card, desk, now)


def _record_consent(uow: UnitOfWork, assembly_id: int, person_id: int, now: datetime) -> None:
    """The guardian's consent, confirmed at the desk: eligible from now on, and audited."""
    row = people.get(uow, person_id)
    assert row is not None
    row.guardian_consent = True
    row.eligible = True
    row.ineligible_reason = ""
    assembly_rows.add_eligible(uow, assembly_id, 1)
    audit_log.append(
        uow,
        "person.guardian_consent",
        {"assembly": assembly_id},
        now,
        {"person": row.id},
        coarse_time=True,
    )
    uow.flush()  # the door card read next sees the person eligible


def check_desk_name(desk: str) -> str:
    """The desk name every check-in records, refused before the insert if it cannot be stored.

    A 41-character name (or one with a control character) used to fail every check-in on
    PostgreSQL's ``varchar(40)`` and pass on SQLite; now both say what is wrong with it.
    """
    return text_rules.check_text(desk, text_rules.DESK_MAX, "field.desk")


def _check_in(
    uow: UnitOfWork,
    card: checkins.DoorCard,
    desk: str,
    now: datetime,
    inserted: bool | None = None,
) -> ScanResult:
    """The rules on a door card; ``inserted`` says whether the read already tried the insert.

    ``door_card_checking_in`` inserts in the same statement as its read (PostgreSQL) only
    for an eligible holder not yet in, which is exactly when the rules below would.
    """
    # The door card's parts carry exactly the columns (by name) that ``to_domain`` and
    # ``view`` read from the ORM rows; tests compare the answers with the ORM's.
    assembly = to_domain(cast(AssemblyRow, card.assembly))
    person = view(cast(PersonRow, card.person), assembly)
    if card.checked_in_at is not None:
        return ScanResult(
            Outcome.ALREADY, person, as_utc(card.checked_in_at), card.checked_in_desk or ""
        )
    if not person.eligible:
        outcome = (
            Outcome.NEEDS_CONSENT
            if person.reason_key == "reason.guardian"
            else Outcome.NOT_ELIGIBLE
        )
        return ScanResult(outcome, person)
    if inserted is None:
        inserted = checkins.insert(uow, assembly.id, person.id, desk, now)
    if not inserted:
        # Another desk won the race between our read and our insert: show its check-in.
        done = checkins.of_person(uow, assembly.id, person.id)
        assert done is not None
        return ScanResult(Outcome.ALREADY, person, as_utc(done.at), done.desk)
    uow.lock_audit_chain()
    head, present = audit_entries.head_and_checkins(uow, assembly.id)
    head = audit_log.append_after(
        uow,
        head,
        "checkin",
        {"assembly": assembly.id, "checked_in": present},
        now,
        {"person": person.id, "desk": desk},
        coarse_time=True,
    )
    _note_quorum(uow, assembly, card.assembly.eligible_count, present, head, now)
    uow.commit()
    return ScanResult(Outcome.CHECKED_IN, person, now, desk)


def _present_in_chain_order(uow: UnitOfWork, assembly_id: int) -> int:
    """How many are checked in once this event is chained: the published running count.

    The audit lock is taken first, so the count sees every check-in chained before this
    one (they committed before releasing it) and none chained after: the counts in the
    published log rise and fall exactly as the events do. (A check-in reads the same
    count together with the chain head: ``audit_entries.head_and_checkins``.)
    """
    uow.lock_audit_chain()
    uow.flush()
    return checkins.count(uow, assembly_id)


def eligible_checked_in(uow: UnitOfWork, assembly_id: int) -> int:
    """Eligible people checked in: what quorum counts."""
    return checkins.eligible_count(uow, assembly_id)


def _note_quorum(
    uow: UnitOfWork,
    assembly: Assembly,
    eligible: int,
    present: int,
    head: audit_entries.Head,
    now: datetime,
) -> None:
    """Record the first moment quorum is reached (once; a later undo does not erase history).

    ``present`` (every check-in, eligible or not, counted under the audit lock) is a cheap
    upper bound; the exact count of eligible people is taken only near the line.
    """
    if assembly.quorum_reached_at is not None:
        return
    required = assembly.quorum.required(eligible)
    if required <= 0 or present < required:
        return
    # Crossing the line: read the moment afresh. This transaction already holds the
    # audit-chain lock (taken by the check-in's own event), which every writer of
    # quorum_reached_at holds until it commits, so two desks crossing together record the
    # moment once. (A row lock here would deadlock: other desks' check-in inserts hold KEY
    # SHARE on this row while they wait for the audit lock.)
    if assembly_rows.quorum_reached_at(uow, assembly.id) is not None:
        return
    counted = eligible_checked_in(uow, assembly.id)
    if counted >= required:
        assembly_rows.set_quorum_reached(uow, assembly.id, now)
        audit_log.append_after(
            uow,
            head,
            "quorum.reached",
            {"assembly": assembly.id, "present": counted, "required": required},
            now,
        )


def undo_check_in(
    uow: UnitOfWork, assembly_id: int, person_id: int, reason: str, desk: str, now: datetime
) -> None:
    """Remove a mistaken check-in; the reason is required and kept in the audit log.

    The reason, the person and the desks are sealed (officials only): a reason written
    in a hurry may name or describe someone, and the published log needs only the count.
    """
    if not reason.strip():
        raise InvalidInput("error.undo_reason")
    person = people.get(uow, person_id)
    if person is None or person.assembly_id != assembly_id:
        # "not checked in" would send the volunteer looking for a check-in of nobody.
        raise NotFound("error.person_not_found", id=person_id)
    done = checkins.of_person(uow, assembly_id, person_id)
    if done is None:
        raise NotFound("error.not_checked_in", id=person_id)
    checkins.delete(uow, done)
    audit_log.append(
        uow,
        "checkin.undone",
        {"assembly": assembly_id, "checked_in": _present_in_chain_order(uow, assembly_id)},
        now,
        {
            "person": person_id,
            "desk": desk,
            "reason": reason.strip(),
            "original_desk": done.desk,
        },
        coarse_time=True,
    )
    uow.commit()
