"""The check-in's hot path on both databases: few statements, and the same answers as before.

A scan reads the holder, their assembly and any check-in in one statement, and a check-in
adds the insert (on PostgreSQL in that same statement, with the audit lock), one read of
the chain head with the running count, and the entry. These tests pin that count (a slip
back to per-object ORM work shows up at once) and check that the answers built from plain
rows equal those built from the ORM rows, that a lost race still answers "already", and
that quorum is recorded once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, func, select

from assembly_desk.domain.assembly import Category, QuorumKind, QuorumRule
from assembly_desk.persistence.models import AssemblyRow, CheckInRow
from assembly_desk.persistence.repositories import checkins, people
from assembly_desk.services import audit_log, status
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.people import view
from tests.conftest import FIXED_NOW, make_assembly
from tests.services.helpers import add_person


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL the product sends through its engine inside the block (BEGIN included)."""
    seen: list[str] = []

    def _note(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", _note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", _note)


def _clock_at(minutes: int):  # type: ignore[no-untyped-def]
    return lambda: FIXED_NOW + timedelta(minutes=minutes)


def test_a_check_in_is_three_or_four_statements_and_a_repeat_card_one(any_db: Database) -> None:
    aid = make_assembly(any_db, quorum=QuorumRule(QuorumKind.NUMBER, 50))
    kim = add_person(any_db, aid, "김민수")
    lee = add_person(any_db, aid, "이영희")
    desk = DeskSession(any_db, aid, "d", _clock_at(1))
    desk.scan(lee.card_code)  # connection opened, statements compiled
    with statements(any_db) as seen:
        assert desk.scan(kim.card_code).outcome is Outcome.CHECKED_IN
    body = [s for s in seen if not s.startswith("BEGIN")]
    # The door card and the insert (one statement with the lock on PostgreSQL), head and
    # count, the audit entry.
    assert len(body) == (3 if any_db.engine.dialect.name == "postgresql" else 4), seen
    assert not any("SAVEPOINT" in s for s in seen)
    later = DeskSession(any_db, aid, "e", _clock_at(30))
    with statements(any_db) as seen:
        assert later.scan(kim.card_code).outcome is Outcome.ALREADY
    assert len([s for s in seen if not s.startswith("BEGIN")]) == 1, seen


def test_answers_from_plain_rows_equal_the_orm_view(any_db: Database) -> None:
    aid = make_assembly(any_db, min_age=19)
    kim = add_person(any_db, aid, "김민수", tong="7", ban="11", phone="010-9876-5432")
    young = add_person(any_db, aid, "이어린", birth=date(2010, 1, 1))
    worker = add_person(any_db, aid, "박직장", category=Category.WORKER)
    desk = DeskSession(any_db, aid, "정문", _clock_at(3))
    answers = {r.person.id: desk.scan(r.card_code) for r in (kim, young, worker)}
    assert [a.outcome for a in answers.values()] == [
        Outcome.CHECKED_IN,
        Outcome.NOT_ELIGIBLE,
        Outcome.NOT_ELIGIBLE,
    ]
    with any_db.uow() as uow:
        assembly = get_assembly(uow, aid)
        for person_id, answer in answers.items():
            row = people.get(uow, person_id)
            assert row is not None
            assert answer.person == view(row, assembly)
    again = DeskSession(any_db, aid, "후문", _clock_at(40)).scan(kim.card_code)
    assert again.outcome is Outcome.ALREADY
    assert (again.desk, again.checked_in_at) == ("정문", FIXED_NOW + timedelta(minutes=3))
    assert again.person == answers[kim.person.id].person


def test_a_lost_race_leaves_the_transaction_alive_and_shows_the_winner(any_db: Database) -> None:
    aid = make_assembly(any_db)
    kim = add_person(any_db, aid, "김민수")
    with any_db.uow() as uow:
        assert checkins.insert(uow, aid, kim.person.id, "정문", FIXED_NOW)
        assert not checkins.insert(uow, aid, kim.person.id, "후문", FIXED_NOW)
        winner = checkins.of_person(uow, aid, kim.person.id)
        assert winner is not None and winner.desk == "정문"
        uow.commit()
    with any_db.uow() as uow:
        total = uow.session.execute(
            select(func.count()).select_from(CheckInRow).where(CheckInRow.assembly_id == aid)
        ).scalar_one()
    assert total == 1


def test_quorum_is_recorded_once_at_the_crossing_check_in(any_db: Database) -> None:
    aid = make_assembly(any_db, min_age=19, quorum=QuorumRule(QuorumKind.NUMBER, 2))
    young = add_person(any_db, aid, "이어린", birth=date(2010, 1, 1))
    a, b, c = (add_person(any_db, aid, name) for name in ("김일", "김이", "김삼"))
    minutes = iter(range(1, 10))
    for person in (young, a, b, c):
        DeskSession(any_db, aid, "d", _clock_at(next(minutes))).scan(person.card_code)
    with any_db.uow() as uow:
        entries = audit_log.entries(uow)
        assert audit_log.verify(uow).ok
        st = status.status(uow, aid)
        stored = uow.session.get(AssemblyRow, aid)
        assert stored is not None and stored.quorum_reached_at is not None
    reached = [e for e in entries if e["kind"] == "quorum.reached"]
    assert [e["data"] for e in reached] == [{"assembly": aid, "present": 2, "required": 2}]
    # The entry right after the check-in that crossed the line (the third scan: b).
    kinds = [e["kind"] for e in entries]
    assert kinds[-3:] == ["checkin", "quorum.reached", "checkin"]
    assert [e["data"]["checked_in"] for e in entries if e["kind"] == "checkin"] == [1, 2, 3]
    assert st.quorum_met and st.quorum_reached_at == FIXED_NOW + timedelta(minutes=3)


def test_guardian_consent_then_check_in_through_the_search_list(any_db: Database) -> None:
    aid = make_assembly(any_db, min_age=12, guardian=True)
    child = add_person(any_db, aid, "최아이", birth=date(2013, 6, 1))
    desk = DeskSession(any_db, aid, "d", _clock_at(5))
    assert desk.scan(child.card_code).outcome is Outcome.NEEDS_CONSENT
    done = desk.check_in_person(child.person.id, guardian_consent=True)
    assert done.outcome is Outcome.CHECKED_IN and done.person is not None
    assert done.person.eligible and done.person.reason_key == ""
    with any_db.uow() as uow:
        kinds = [e["kind"] for e in audit_log.entries(uow)]
        assert audit_log.verify(uow).ok
        assert status.status(uow, aid).checked_in == 1
    assert kinds[-2:] == ["person.guardian_consent", "checkin"]
