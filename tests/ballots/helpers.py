"""Builders for ballot tests: a roll seeded in bulk, checked in, and contests ready to vote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select

from assembly_desk.domain import card_code
from assembly_desk.domain.contests import (
    BallotType,
    Contest,
    ContestDefinition,
    Criterion,
    Option,
    VoterScope,
)
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.services import contests
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly

CHAIR = "의장 암호 2026"


@dataclass(frozen=True)
class Voter:
    id: int
    code: str


def seed_people(
    db: Database, aid: int, n: int, *, checked_in: bool = True, eligible: bool = True
) -> list[Voter]:
    """``n`` roll entries inserted in bulk (and checked in), in id order."""
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(card_code.new_code())
    ordered = sorted(codes)
    rows = [
        {
            "assembly_id": aid,
            "name": f"주민{i}",
            "name_key": f"주민{i}",
            "birth_date": date(1970, 1, 1),
            "category": "resident",
            "address": "",
            "tong": "",
            "ban": "",
            "phone_last4": "",
            "card_code": code,
            "eligible": eligible,
            "ineligible_reason": "" if eligible else "reason.age",
            "guardian_consent": False,
            "source": "import",
            "created_at": FIXED_NOW,
        }
        for i, code in enumerate(ordered)
    ]
    with db.uow() as uow:
        uow.session.execute(insert(PersonRow), rows)
        found = uow.session.execute(
            select(PersonRow.id, PersonRow.card_code).where(PersonRow.card_code.in_(ordered))
        ).all()
        voters = sorted((Voter(pid, code) for pid, code in found), key=lambda v: v.id)
        if checked_in:
            uow.session.execute(
                insert(CheckInRow),
                [
                    {"assembly_id": aid, "person_id": v.id, "desk": "door", "at": FIXED_NOW}
                    for v in voters
                ],
            )
        uow.commit()
    return voters


def yes_no(title: str = "안건 1: 마을 도서관 운영 시간 연장") -> ContestDefinition:
    return ContestDefinition(title, BallotType.YES_NO)


def choose(n: int = 2) -> ContestDefinition:
    return ContestDefinition(
        "주민자치회 위원 선출",
        BallotType.CHOOSE_N,
        (Option("김민수"), Option("이영희"), Option("박철수"), Option("최지원")),
        max_choices=n,
    )


def ranked() -> ContestDefinition:
    return ContestDefinition(
        "우선 추진 사업 순위",
        BallotType.RANKED,
        (Option("A"), Option("B"), Option("C")),
        max_choices=0,  # rank as many as you like
    )


def score(panel: bool = True) -> ContestDefinition:
    return ContestDefinition(
        "동장 후보 평가",
        BallotType.SCORE,
        (Option("후보1"), Option("후보2")),
        criteria=(Criterion("비전", 10), Criterion("실행계획", 20)),
        scope=VoterScope.PANEL if panel else VoterScope.CHECKED_IN,
    )


def budget() -> ContestDefinition:
    return ContestDefinition(
        "주민참여예산 사업 선정",
        BallotType.BUDGET,
        (Option("놀이터", 3_000_000), Option("도서관", 5_000_000), Option("가로등", 2_000_000)),
        budget_cap=7_000_000,
    )


def setup(
    db: Database, defn: ContestDefinition | None = None, *, people: int = 5, open_: bool = True
) -> tuple[int, Contest, list[Voter]]:
    """An assembly with ``people`` checked-in voters, the chair passphrase, one contest."""
    aid = make_assembly(db)
    voters = seed_people(db, aid, people)
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, FIXED_NOW)
    with db.uow() as uow:
        contest = contests.create_contest(uow, aid, defn or yes_no(), FIXED_NOW)
    if open_:
        contest = open_poll(db, contest.id)
    return aid, contest, voters


def open_poll(db: Database, contest_id: int) -> Contest:
    with db.uow() as uow:
        return contests.open_poll(uow, contest_id, CHAIR, FIXED_NOW)


def close_poll(db: Database, contest_id: int) -> contests.PollCounts:
    with db.uow() as uow:
        return contests.close_poll(uow, contest_id, CHAIR, FIXED_NOW)
