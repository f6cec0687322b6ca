"""Contests and their polls: define in draft, open and close by the chair.

A definition may change only while the contest is a draft; from the moment the poll opens
it is frozen (``Refused("contest.frozen")``), and the audit log keeps its hash. The
definition includes the counting rule and a motion's text, so both are frozen with it
and a rule chosen while ballots are cast cannot happen. Opening
and closing need the chair's passphrase, kept per assembly as a scrypt hash. The audit
log records each transition with counts (ballots issued, ballots stored), never a cast.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

from assembly_desk.audit.canonical import canonical_hash
from assembly_desk.counting.methods import DUPLICATE_RULES, OVERVOTE_RULES, SKIPPED_RULES
from assembly_desk.domain import text_rules
from assembly_desk.domain.contest_rules import CountRule
from assembly_desk.domain.contests import (
    BallotType,
    Contest,
    ContestDefinition,
    Criterion,
    Option,
    PollState,
    VoterScope,
    check_transition,
)
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence import ballot_store
from assembly_desk.persistence.ballot_box import BallotBox
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.repositories import ballots as ballot_rows
from assembly_desk.persistence.repositories import contests as contest_rows
from assembly_desk.persistence.repositories.contests import ContestFields, Lock
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly

# The chair's passphrase lives in its own module; re-exported for existing callers.
from assembly_desk.services.chair_passphrase import (  # noqa: F401
    MIN_PASSPHRASE,
    check_chair,
    check_chair_passphrase,
    has_chair_passphrase,
    hash_passphrase,
    passphrase_matches,
    set_chair_passphrase,
)

# --- reading and writing definitions ----------------------------------------------------


def contest_row(uow: UnitOfWork, contest_id: int, lock: Lock = None) -> ContestRow:
    """The contest row; ``lock`` "share" or "update" locks it on PostgreSQL.

    Casting takes a share lock and closing an update lock, so on PostgreSQL no ballot can
    commit after the close counted them. SQLite needs none: one writer at a time.
    """
    row = contest_rows.find(uow, contest_id, lock)
    if row is None:
        raise NotFound("contest.not_found", id=contest_id)
    return row


def definition_of(uow: UnitOfWork, row: ContestFields) -> ContestDefinition:
    """The definition of a contest row (an ORM row or a Core row of the ``contest`` table)."""
    options = contest_rows.options(uow, row.id)
    return ContestDefinition(
        title=row.title,
        ballot_type=BallotType(row.ballot_type),
        options=tuple(Option(name, int(cost)) for name, cost in options),
        max_choices=row.max_choices,
        criteria=tuple(Criterion(c["name"], c["max_score"]) for c in json.loads(row.criteria_json)),
        max_score=row.max_score,
        budget_cap=int(row.budget_cap),
        scope=VoterScope(row.scope),
        description=row.description or "",
        rules=CountRule.from_dict(json.loads(row.rules_json or "{}")),
    )


def check_definition(defn: ContestDefinition) -> None:
    """Everything a definition must satisfy before it is stored (normalised first).

    The ranked-paper rules are words of the counting layer, so they are checked against
    its lists here rather than in the domain.
    """
    defn.validate()
    text_rules.check_contest_texts(defn)
    for line in defn.description.split("\n"):
        text_rules.check_text(line, text_rules.TITLE_MAX * 10, "field.contest_description")
    rule = defn.rules
    skipped_ok = rule.skipped in SKIPPED_RULES or (
        rule.skipped.isdigit() and rule.skipped.isascii() and int(rule.skipped) >= 1
    )
    if rule.overvote not in OVERVOTE_RULES or rule.duplicates not in DUPLICATE_RULES:
        raise InvalidInput("contest_rules.bad_slip_rule")
    if not skipped_ok:
        raise InvalidInput("contest_rules.bad_slip_rule")


def _panel(uow: UnitOfWork, contest_id: int) -> frozenset[int]:
    return contest_rows.panel(uow, contest_id)


def to_domain(uow: UnitOfWork, row: ContestRow) -> Contest:
    return Contest(
        id=row.id,
        assembly_id=row.assembly_id,
        state=PollState(row.state),
        definition=definition_of(uow, row),
        panel=_panel(uow, row.id) if row.scope == VoterScope.PANEL.value else frozenset(),
    )


def get_contest(uow: UnitOfWork, contest_id: int) -> Contest:
    return to_domain(uow, contest_row(uow, contest_id))


def list_contests(
    uow: UnitOfWork, assembly_id: int, state: PollState | None = None
) -> list[Contest]:
    found = contest_rows.of_assembly(uow, assembly_id, None if state is None else state.value)
    return [to_domain(uow, r) for r in found]


def _write_definition(uow: UnitOfWork, row: ContestRow, defn: ContestDefinition) -> None:
    row.title = defn.title
    row.ballot_type = defn.ballot_type.value
    row.scope = defn.scope.value
    row.max_choices = defn.max_choices
    row.max_score = defn.max_score
    row.budget_cap = defn.budget_cap
    row.description = defn.description
    row.rules_json = json.dumps(defn.rules.to_dict(), ensure_ascii=False, sort_keys=True)
    row.criteria_json = json.dumps(
        [{"name": c.name, "max_score": c.max_score} for c in defn.criteria], ensure_ascii=False
    )
    contest_rows.replace_options(uow, row, [(o.name, o.cost) for o in defn.options])


def create_contest(
    uow: UnitOfWork, assembly_id: int, definition: ContestDefinition, now: datetime
) -> Contest:
    """A new contest in draft."""
    get_assembly(uow, assembly_id)
    defn = definition.normalised()
    check_definition(defn)
    row = contest_rows.add(
        uow,
        assembly_id=assembly_id,
        title=defn.title,
        ballot_type=defn.ballot_type.value,
        scope=defn.scope.value,
        state=PollState.DRAFT.value,
        max_choices=defn.max_choices,
        max_score=defn.max_score,
        budget_cap=defn.budget_cap,
        created_at=now,
    )
    _write_definition(uow, row, defn)
    audit_log.append(
        uow,
        "contest.created",
        {"assembly": assembly_id, "contest": row.id, "definition": defn.to_dict()},
        now,
    )
    uow.commit()
    return to_domain(uow, row)


def _draft_row(uow: UnitOfWork, contest_id: int) -> ContestRow:
    row = contest_row(uow, contest_id, lock="update")
    if row.state != PollState.DRAFT.value:
        raise Refused("contest.frozen")
    return row


def update_definition(
    uow: UnitOfWork, row: ContestRow, definition: ContestDefinition
) -> ContestDefinition:
    """Normalise, check and write a draft row's definition (the caller logs and commits)."""
    if row.state != PollState.DRAFT.value:
        raise Refused("contest.frozen")
    defn = definition.normalised()
    check_definition(defn)
    _write_definition(uow, row, defn)
    return defn


def update_contest(
    uow: UnitOfWork, contest_id: int, definition: ContestDefinition, now: datetime
) -> Contest:
    """Change a draft's definition; refused once the poll has opened."""
    row = _draft_row(uow, contest_id)
    defn = update_definition(uow, row, definition)
    if defn.scope is not VoterScope.PANEL:
        contest_rows.replace_panel(uow, row.id, ())
    audit_log.append(uow, "contest.updated", {"contest": row.id, "definition": defn.to_dict()}, now)
    uow.commit()
    return to_domain(uow, row)


def set_panel(
    uow: UnitOfWork, contest_id: int, person_ids: Iterable[int], now: datetime
) -> Contest:
    """Replace the panel of a panel-scoped draft contest."""
    row = _draft_row(uow, contest_id)
    if row.scope != VoterScope.PANEL.value:
        raise InvalidInput("contest.not_panel")
    wanted = sorted(set(person_ids))
    found = contest_rows.people_found(uow, row.assembly_id, wanted)
    missing = [p for p in wanted if p not in found]
    if missing:
        raise NotFound("error.person_not_found", id=missing[0])
    contest_rows.replace_panel(uow, row.id, wanted)
    # Who sits on a panel is the officials' to know, not every reader of a bundle's log:
    # the size is published, the members are sealed.
    audit_log.append(
        uow,
        "contest.panel_set",
        {"contest": row.id, "panel_size": len(wanted)},
        now,
        {"panel": wanted},
    )
    uow.commit()
    return to_domain(uow, row)


# --- the poll ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PollCounts:
    """Turnout figures: ballots issued (per channel) and ballots stored in the database.

    Station ballots reach the database only when their box is delivered after the close;
    ``station_delivered`` counts those, ``stations_pending`` the stations that issued
    ballots and have not delivered yet (counting waits for them). The paper ballots
    entered at the count table are ``ballots - station_delivered``.
    """

    issued_station: int
    issued_paper: int
    ballots: int
    station_delivered: int = 0
    stations_pending: int = 0

    @property
    def issued(self) -> int:
        return self.issued_station + self.issued_paper

    @property
    def paper_recorded(self) -> int:
        return self.ballots - self.station_delivered

    def to_dict(self) -> dict[str, int]:
        return {
            "issued": self.issued,
            "issued_station": self.issued_station,
            "issued_paper": self.issued_paper,
            "ballots": self.ballots,
            "station_delivered": self.station_delivered,
            "stations_pending": self.stations_pending,
        }


def poll_counts(uow: UnitOfWork, contest_id: int) -> PollCounts:
    by_channel = ballot_rows.issues_by_channel(uow, contest_id)
    stored = ballot_rows.ballot_count(uow, contest_id)
    delivered, pending, _ = ballot_store.station_totals(uow.session, contest_id)
    return PollCounts(
        by_channel.get("station", 0),
        by_channel.get("paper", 0),
        stored,
        delivered,
        pending,
    )


def definition_digest(defn: ContestDefinition) -> str:
    """SHA-256 of the canonical definition: logged at open, so a later change would show.

    The definition carries the motion's text and the counting rule, so the digest proves
    the rule a count used is the one fixed before the first ballot.
    """
    return canonical_hash(defn.to_dict())


def open_poll(uow: UnitOfWork, contest_id: int, passphrase: str, now: datetime) -> Contest:
    """Chair: open voting; the definition is frozen from here on."""
    row = contest_row(uow, contest_id, lock="update")
    check_chair(uow, row.assembly_id, passphrase, "open", now)
    check_transition(PollState(row.state), PollState.OPEN)
    defn = definition_of(uow, row)
    defn.validate()
    if defn.scope is VoterScope.PANEL and not _panel(uow, row.id):
        raise Refused("contest.empty_panel")
    row.state = PollState.OPEN.value
    row.opened_at = now
    audit_log.append(
        uow,
        "poll.opened",
        {
            "assembly": row.assembly_id,
            "contest": row.id,
            "definition_sha256": definition_digest(defn),
            "rules": defn.to_dict()["rules"],
            **poll_counts(uow, row.id).to_dict(),
        },
        now,
    )
    uow.commit()
    return to_domain(uow, row)


def close_poll(uow: UnitOfWork, contest_id: int, passphrase: str, now: datetime) -> PollCounts:
    """Chair: close voting, deliver this laptop's ballot boxes; returns (and logs) the counts.

    The boxes are held before the database is touched (the order every cast uses too), so
    no ballot of this laptop can slip in between the close and the delivery. Their ballots
    enter the database in this same transaction, sorted by random id; stations on other
    laptops deliver theirs when they see the poll closed (``voting.deliver_closed``).
    Paper count entry may follow.
    """
    with _held_boxes(uow) as boxes:
        row = contest_row(uow, contest_id, lock="update")
        check_chair(uow, row.assembly_id, passphrase, "close", now)
        check_transition(PollState(row.state), PollState.CLOSED)
        row.state = PollState.CLOSED.value
        row.closed_at = now
        contest_rows.flush(uow)
        delivered = []
        for box in boxes:
            if row.id not in box.contests():
                continue
            ballot_store.resolve_pending(uow.session, box)
            ballot_store.deliver(uow.session, box, row.id)
            delivered.append(box)
        counts = poll_counts(uow, row.id)
        audit_log.append(
            uow,
            "poll.closed",
            {"assembly": row.assembly_id, "contest": row.id, **counts.to_dict()},
            now,
        )
        uow.commit()
        for box in delivered:
            box.discard_contest(row.id)
    return counts


@contextmanager
def _held_boxes(uow: UnitOfWork) -> Iterator[list[BallotBox]]:
    """Every ballot box on this laptop that no other process holds, each one locked."""
    if uow.boxes is None:
        yield []
        return
    with uow.boxes.local_boxes() as boxes, ExitStack() as stack:
        for box in boxes:
            stack.enter_context(box.held())
        yield boxes
