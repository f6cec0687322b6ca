"""The voting station, paper ballots and count entry."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from assembly_desk.domain.contests import PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import audit_log, contests, voting
from assembly_desk.services.database import Database
from assembly_desk.services.voting import Refusal
from tests.ballots.helpers import (
    choose,
    close_poll,
    open_poll,
    score,
    seed_people,
    setup,
    yes_no,
)
from tests.conftest import FIXED_NOW


def _count(db: Database, table: type) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(table)).scalar_one())


def _ballots(db: Database) -> list[dict]:
    with db.uow() as uow:
        return [
            json.loads(s) for s in uow.session.execute(select(BallotRow.selection_json)).scalars()
        ]


def _boxed(db: Database) -> list[dict]:
    """The selections waiting in this laptop's station box (an open poll's ballots)."""
    return [json.loads(b.selection_json) for b in db.boxes.station_box().ballots()]


def _cast(db: Database, contest_id: int, person_id: int, selection: object) -> None:
    with db.uow() as uow:
        voting.cast(uow, contest_id, person_id, selection)


def test_cast_stores_an_issue_and_an_anonymous_ballot(db: Database) -> None:
    _aid, contest, voters = setup(db)
    _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    with db.uow() as uow:
        issue = uow.session.execute(select(BallotIssueRow)).scalar_one()
        assert (issue.contest_id, issue.person_id, issue.channel) == (
            contest.id,
            voters[0].id,
            "station",
        )
    # While the poll is open the ballot is in the station's box, not in the database.
    assert _count(db, BallotRow) == 0
    [boxed] = db.boxes.station_box().ballots()
    assert len(boxed.ballot_id) == 32 and int(boxed.ballot_id, 16) >= 0
    assert (boxed.contest_id, json.loads(boxed.selection_json)) == (contest.id, {"vote": "yes"})
    counts = close_poll(db, contest.id)  # the close delivers it
    assert (counts.ballots, counts.station_delivered, counts.stations_pending) == (1, 1, 0)
    with db.uow() as uow:
        ballot = uow.session.execute(
            select(BallotRow.id, BallotRow.contest_id, BallotRow.selection_json)
        ).one()
    assert (ballot.id, ballot.contest_id) == (boxed.ballot_id, contest.id)
    assert json.loads(ballot.selection_json) == {"vote": "yes"}
    assert db.boxes.station_box().ballots() == []  # delivered ballots leave the box


def test_cast_returns_nothing_a_voter_could_show(db: Database) -> None:
    _aid, contest, voters = setup(db)
    with db.uow() as uow:
        assert voting.cast(uow, contest.id, voters[0].id, {"vote": "no"}) is None  # type: ignore[func-returns-value]


def test_second_vote_is_refused(db: Database) -> None:
    _aid, contest, voters = setup(db)
    _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, voters[0].id, {"vote": "no"})
    assert err.value.key == "vote.already"
    assert _count(db, BallotIssueRow) == 1
    assert _boxed(db) == [{"vote": "yes"}]  # the refused ballot left no slot behind
    close_poll(db, contest.id)
    assert _ballots(db) == [{"vote": "yes"}]


def test_casting_before_open_and_after_close_is_refused(db: Database) -> None:
    _aid, contest, voters = setup(db, open_=False)
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    assert err.value.key == "poll.not_open"
    open_poll(db, contest.id)
    _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    close_poll(db, contest.id)
    for action in (
        lambda uow: voting.cast(uow, contest.id, voters[1].id, {"vote": "yes"}),
        lambda uow: voting.issue_paper(uow, contest.id, voters[1].id),
    ):
        with db.uow() as uow, pytest.raises(Refused) as err:
            action(uow)
        assert err.value.key == "poll.not_open"
    assert _count(db, BallotRow) == 1


def test_invalid_selection_stores_nothing(db: Database) -> None:
    _aid, contest, voters = setup(db, choose(2))
    with pytest.raises(InvalidInput) as err:
        _cast(db, contest.id, voters[0].id, {"choices": ["김민수", "이영희", "박철수"]})
    assert err.value.params["reason"] == "overvote"
    assert _count(db, BallotIssueRow) == 0
    assert _boxed(db) == []
    _cast(db, contest.id, voters[0].id, {"choices": ["이영희", "김민수"]})
    assert _boxed(db) == [{"choices": ["김민수", "이영희"]}]


def test_not_checked_in_or_not_eligible_cannot_cast(db: Database) -> None:
    aid, contest, _voters = setup(db)
    absent = seed_people(db, aid, 1, checked_in=False)[0]
    barred = seed_people(db, aid, 1, eligible=False, checked_in=False)[0]
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, absent.id, {"vote": "yes"})
    assert err.value.key == "vote.refused.not_checked_in"
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, barred.id, {"vote": "yes"})
    assert err.value.key == "vote.refused.not_eligible"


def test_one_vote_across_station_and_paper(db: Database) -> None:
    _aid, contest, voters = setup(db)
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[0].id)
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    assert err.value.key == "vote.already"
    _cast(db, contest.id, voters[1].id, {"vote": "yes"})
    with db.uow() as uow, pytest.raises(Refused) as err:
        voting.issue_paper(uow, contest.id, voters[1].id)
    assert err.value.key == "vote.already"
    with db.uow() as uow, pytest.raises(Refused) as err:
        voting.issue_paper(uow, contest.id, voters[0].id)
    assert err.value.key == "vote.already"
    assert _count(db, BallotIssueRow) == 2


def test_paper_count_entry_after_close_up_to_the_number_issued(db: Database) -> None:
    _aid, contest, voters = setup(db, choose(1))
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[0].id)
        voting.issue_paper(uow, contest.id, voters[1].id)
    _cast(db, contest.id, voters[2].id, {"choices": ["김민수"]})
    with db.uow() as uow, pytest.raises(Refused) as err:
        voting.record_paper_ballot(uow, contest.id, {"choices": ["이영희"]})
    assert err.value.key == "poll.not_closed"
    close_poll(db, contest.id)
    with db.uow() as uow:
        voting.record_paper_ballot(uow, contest.id, {"choices": ["이영희"]})
    with db.uow() as uow:  # an overvoted paper is kept as marked, for the count to judge
        voting.record_paper_ballot(uow, contest.id, {"choices": ["이영희", "박철수"]})
    with db.uow() as uow, pytest.raises(Refused) as err:
        voting.record_paper_ballot(uow, contest.id, {"choices": ["최지원"]})
    assert err.value.key == "vote.paper_excess"
    with db.uow() as uow, pytest.raises(InvalidInput):
        voting.record_paper_ballot(uow, contest.id, {"vote": "yes"})
    with db.uow() as uow:
        counts = contests.poll_counts(uow, contest.id)
    assert (counts.issued_station, counts.issued_paper, counts.ballots) == (1, 2, 3)
    assert counts.paper_recorded == 2
    assert sorted(b["choices"] for b in _ballots(db)) == [
        ["김민수"],
        ["이영희"],
        ["이영희", "박철수"],
    ]


def test_a_failure_after_the_issue_leaves_neither_issue_nor_ballot(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something fails after the issue row was written and before the commit: the issue
    rolls back, the pending slot is zeroed, and the voter can still vote."""
    _aid, contest, voters = setup(db)
    seen: list[tuple[int, int]] = []
    real_count = voting.ballot_store.count_station_issue

    def count_then_fail(session, contest_id, station_id):  # type: ignore[no-untyped-def]
        real_count(session, contest_id, station_id)
        session.flush()
        issues = session.execute(select(func.count()).select_from(BallotIssueRow)).scalar_one()
        seen.append((issues, len(db.boxes.station_box().ballots())))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(voting.ballot_store, "count_station_issue", count_then_fail)
    with pytest.raises(RuntimeError):
        _cast(db, contest.id, voters[0].id, {"vote": "yes"})
    assert seen == [(1, 1)]  # issue and pending ballot were both written ...
    assert _count(db, BallotIssueRow) == 0  # ... and both undone
    assert _boxed(db) == []
    monkeypatch.undo()
    _cast(db, contest.id, voters[0].id, {"vote": "yes"})  # the voter can still vote
    assert _count(db, BallotIssueRow) == 1
    assert _boxed(db) == [{"vote": "yes"}]


def test_no_audit_event_per_ballot(db: Database) -> None:
    _aid, contest, voters = setup(db, people=5)
    with db.uow() as uow:
        before = len(audit_log.entries(uow))
    for v in voters[:4]:
        _cast(db, contest.id, v.id, {"vote": "yes"})
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[4].id)
        assert len(audit_log.entries(uow)) == before


# --- the station ------------------------------------------------------------------------


def _unlock(db: Database, aid: int, code: str) -> voting.Unlock:
    with db.uow() as uow:
        return voting.unlock_for_card(uow, aid, code)


def test_unlock_lists_open_contests_not_yet_voted(db: Database) -> None:
    aid, first, voters = setup(db)
    with db.uow() as uow:
        second = contests.create_contest(uow, aid, choose(), FIXED_NOW)
        draft = contests.create_contest(uow, aid, yes_no("아직 준비 중"), FIXED_NOW)
    open_poll(db, second.id)
    unlock = _unlock(db, aid, voters[0].code)
    assert unlock.ok and unlock.person_id == voters[0].id
    assert [c.id for c in unlock.contests] == [first.id, second.id]
    assert all(c.state is PollState.OPEN for c in unlock.contests)
    assert draft.id not in [c.id for c in unlock.contests]
    assert unlock.message("en") == "2 contests to vote in"
    _cast(db, first.id, voters[0].id, {"vote": "yes"})
    assert [c.id for c in _unlock(db, aid, voters[0].code).contests] == [second.id]
    _cast(db, second.id, voters[0].id, {"choices": ["김민수"]})
    done = _unlock(db, aid, voters[0].code)
    assert done.refusal is Refusal.ALREADY_VOTED_ALL and not done.ok
    assert done.message("ko") == "진행 중인 모든 투표에 이미 참여했습니다"


def test_unlock_accepts_a_code_typed_with_dashes_and_full_width_digits(db: Database) -> None:
    aid, _contest, voters = setup(db)
    code = voters[0].code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert _unlock(db, aid, f"{code[:4]}-{code[4:]}").ok
    assert _unlock(db, aid, full_width).ok


def test_unlock_refusals(db: Database) -> None:
    aid, _contest, voters = setup(db)
    absent = seed_people(db, aid, 1, checked_in=False)[0]
    barred = seed_people(db, aid, 1, eligible=False, checked_in=False)[0]
    wrong_digit = voters[0].code[:-1] + str((int(voters[0].code[-1]) + 1) % 10)
    assert _unlock(db, aid, wrong_digit).refusal is Refusal.UNKNOWN_CARD
    assert _unlock(db, aid, "hello").refusal is Refusal.UNKNOWN_CARD
    assert _unlock(db, aid, absent.code).refusal is Refusal.NOT_CHECKED_IN
    assert _unlock(db, aid, barred.code).refusal is Refusal.NOT_ELIGIBLE
    assert _unlock(db, aid + 1, voters[0].code).refusal is Refusal.UNKNOWN_CARD


def test_unlock_with_no_open_poll(db: Database) -> None:
    aid, contest, voters = setup(db, open_=False)
    assert _unlock(db, aid, voters[0].code).refusal is Refusal.NO_OPEN_POLL
    open_poll(db, contest.id)
    close_poll(db, contest.id)
    assert _unlock(db, aid, voters[0].code).refusal is Refusal.NO_OPEN_POLL


def test_panel_contests_admit_panel_members_only(db: Database) -> None:
    aid, contest, voters = setup(db, score(panel=True), open_=False)
    judge = seed_people(db, aid, 1, eligible=False, checked_in=False)[0]  # an outside evaluator
    with db.uow() as uow:
        contests.set_panel(uow, contest.id, [voters[0].id, judge.id], FIXED_NOW)
    open_poll(db, contest.id)
    assert _unlock(db, aid, voters[1].code).refusal is Refusal.NOT_ON_PANEL
    assert [c.id for c in _unlock(db, aid, judge.code).contests] == [contest.id]
    sheet = {"scores": {"후보1": {"비전": 7, "실행계획": 15}, "후보2": {"비전": 8, "실행계획": 12}}}
    _cast(db, contest.id, judge.id, sheet)
    _cast(db, contest.id, voters[0].id, sheet)
    with pytest.raises(Refused) as err:
        _cast(db, contest.id, voters[1].id, sheet)
    assert err.value.key == "vote.refused.not_on_panel"
    # In a mixed session, a non-member still gets the assembly-wide contests.
    with db.uow() as uow:
        general = contests.create_contest(uow, aid, yes_no(), FIXED_NOW)
    open_poll(db, general.id)
    assert [c.id for c in _unlock(db, aid, voters[1].code).contests] == [general.id]
    assert _unlock(db, aid, judge.code).refusal is Refusal.ALREADY_VOTED_ALL
