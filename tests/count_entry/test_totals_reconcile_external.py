"""Totals batches, the paper reconciliation, and external channels kept apart."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import audit_log, count_entry, external_channels, reconciliation
from assembly_desk.services.count_entry import BatchKind, Side
from assembly_desk.services.database import Database
from assembly_desk.services.reconciliation import NEGATIVE, OVER_COUNTED, Figures
from tests.ballots.helpers import CHAIR, choose, ranked, setup
from tests.conftest import FIXED_NOW
from tests.count_entry.helpers import YES, batch, closed_with_paper, enter


def _totals(db: Database, b: int, side: Side, totals: dict) -> None:
    with db.uow() as uow:
        count_entry.save_totals_entry(uow, b, side, f"집계 {side}", totals, FIXED_NOW)


def _ballots(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(BallotRow)).scalar_one())


def test_yes_no_totals_compare_settle_and_commit(any_db: Database) -> None:
    contest = closed_with_paper(any_db, paper=60)
    b = batch(any_db, contest.id, "상자 2", kind=BatchKind.TOTALS)
    _totals(any_db, b, Side.A, {"options": {"yes": 30, "no": 12, "abstain": 3}, "blank": 2})
    _totals(any_db, b, Side.B, {"options": {"yes": 31, "no": 12, "abstain": 3}, "blank": 2})
    with any_db.uow() as uow:
        cmp = count_entry.compare(uow, b)
    assert [(d.item, d.a, d.b) for d in cmp.differences] == [
        ("option:yes", 30, 31),
        ("papers", 47, 48),
    ]
    with pytest.raises(Refused), any_db.uow() as uow:
        count_entry.commit_batch(uow, b, FIXED_NOW)
    with any_db.uow() as uow:
        count_entry.resolve(uow, b, "option:yes", 30, "위원장", FIXED_NOW)
        cmp = count_entry.resolve(uow, b, "papers", 47, "위원장", FIXED_NOW)
    assert cmp.ready
    with any_db.uow() as uow:
        done = count_entry.commit_batch(uow, b, FIXED_NOW)
    assert (done.papers, done.blank, done.invalid) == (47, 2, 0)
    assert _ballots(any_db) == 47  # one ballot per paper: one mark a paper
    with any_db.uow() as uow:
        agg = count_entry.paper_totals(uow, contest.id)
        (event,) = [e for e in audit_log.entries(uow) if e["kind"] == "paper.totals_committed"]
        assert count_entry.paper_counted(uow, contest.id) == (0, 47)  # not counted twice
    assert agg.options == {"yes": 30, "no": 12, "abstain": 3}
    assert (agg.papers, agg.blank, agg.batches) == (47, 2, 1)
    assert event["data"]["totals"] == {"yes": 30, "no": 12, "abstain": 3}


def test_totals_that_do_not_add_up_are_refused(db: Database) -> None:
    contest = closed_with_paper(db, paper=20)
    b = batch(db, contest.id, kind=BatchKind.TOTALS)
    with pytest.raises(InvalidInput) as err:
        _totals(db, b, Side.A, {"options": {"yes": 5}, "blank": 1, "papers": 7})
    assert err.value.key == "count_entry.papers_mismatch"
    with pytest.raises(InvalidInput):
        _totals(db, b, Side.A, {"options": {"김민수": 1}})
    with pytest.raises(InvalidInput):
        _totals(db, b, Side.A, {"options": {"yes": -1}})
    _totals(db, b, Side.A, {"options": {"yes": 5, "no": 4}, "papers": 10, "invalid": 1})


@pytest.mark.parametrize(
    "defn", [choose(1), choose(2), ranked()], ids=["choose1", "choose2", "ranked"]
)
def test_totals_are_for_yes_no_only(db: Database, defn: object) -> None:
    # Only a 찬반 paper carries exactly one mark, so only its totals give the papers.
    contest = closed_with_paper(db, defn, paper=3)  # type: ignore[arg-type]
    with pytest.raises(Refused) as err:
        batch(db, contest.id, kind=BatchKind.TOTALS)
    assert err.value.key == "count_entry.totals_yes_no_only"
    with db.uow() as uow:
        assert count_entry.list_batches(uow, contest.id) == []


def test_reconciliation_issued_equals_counted_plus_spoiled_plus_not_returned(
    any_db: Database,
) -> None:
    contest = closed_with_paper(any_db, paper=20, station=0)
    b = batch(any_db, contest.id)
    enter(any_db, b, Side.A, [YES] * 10)
    enter(any_db, b, Side.B, [YES] * 10)
    with any_db.uow() as uow:
        count_entry.commit_batch(uow, b, FIXED_NOW)
    t = batch(any_db, contest.id, "집계 1", kind=BatchKind.TOTALS)
    for side in Side:
        _totals(any_db, t, side, {"options": {"no": 4}})
    with any_db.uow() as uow:
        count_entry.commit_batch(uow, t, FIXED_NOW)
        rec = reconciliation.enter_spoiled(
            uow, contest.id, 2, "기표 잘못으로 교체", CHAIR, FIXED_NOW
        )
    f = rec.figures
    assert (f.issued_paper, f.paper_ballots, f.paper_totals, f.spoiled) == (20, 10, 4, 2)
    assert f.counted == 14 and f.not_returned == 4 and rec.ok
    assert f.equation() == "20 = 14 + 2 + 4"
    assert _ballots(any_db) == 14  # the totals are these ballots, not papers on top of them
    with any_db.uow() as uow:  # and the issuance cap sees each paper once
        assert count_entry.paper_counted(uow, contest.id) == (10, 4)
    with any_db.uow() as uow:
        rec = reconciliation.enter_spoiled(uow, contest.id, 5, "훼손", CHAIR, FIXED_NOW)
        sheet = reconciliation.reconcile_assembly(uow, contest.assembly_id)
        (event,) = [
            e for e in audit_log.official_entries(uow) if e["kind"] == "paper.spoiled_entered"
        ][1:]
    assert rec.figures.not_returned == -1 and rec.problems == (NEGATIVE,) and not rec.ok
    assert [r.contest_id for r in sheet] == [contest.id]
    assert rec.spoiled_reasons == ((2, "기표 잘못으로 교체"), (5, "훼손"))
    assert event["data"] == {"contest": contest.id, "spoiled": 5, "spoiled_total": 7}
    assert event["private"] == {"reason": "훼손"}  # free text: sealed, for the officials


def test_more_counted_than_issued_is_an_error() -> None:
    f = Figures(issued_paper=10, paper_ballots=9, paper_totals=3, spoiled=0)
    assert f.not_returned == -2 and set(f.problems) == {OVER_COUNTED, NEGATIVE}
    assert Figures(10, 10, 0, 0).ok and Figures(10, 10, 0, 0).not_returned == 0


def test_station_votes_are_shown_beside_the_paper(db: Database) -> None:
    _aid, contest, voters = setup(db, people=5)
    from assembly_desk.services import voting
    from tests.ballots.helpers import close_poll

    for v in voters[:3]:
        with db.uow() as uow:
            voting.cast(uow, contest.id, v.id, {"vote": "no"})
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[3].id)
    close_poll(db, contest.id)
    with db.uow() as uow:
        rec = reconciliation.reconcile(uow, contest.id)
    assert (rec.issued_station, rec.cast_station, rec.figures.issued_paper) == (3, 3, 1)
    assert rec.figures.not_returned == 1 and rec.open_batches == 0


def test_spoiled_needs_the_chair_and_a_reason(db: Database) -> None:
    contest = closed_with_paper(db, paper=3)
    with db.uow() as uow:
        with pytest.raises(Refused) as err:
            reconciliation.enter_spoiled(uow, contest.id, 1, "훼손", "틀린 암호", FIXED_NOW)
        assert err.value.key == "poll.wrong_passphrase"
        with pytest.raises(InvalidInput):
            reconciliation.enter_spoiled(uow, contest.id, 1, "  ", CHAIR, FIXED_NOW)
        with pytest.raises(InvalidInput):
            reconciliation.enter_spoiled(uow, contest.id, 0, "훼손", CHAIR, FIXED_NOW)


def test_external_totals_are_kept_apart_and_audited(any_db: Database) -> None:
    contest = closed_with_paper(any_db, paper=3)
    b = batch(any_db, contest.id)
    enter(any_db, b, Side.A, [YES, YES])
    enter(any_db, b, Side.B, [YES, YES])
    with any_db.uow() as uow:
        count_entry.commit_batch(uow, b, FIXED_NOW)
        ext = external_channels.enter_external(
            uow,
            contest.id,
            "K-Voting 사전투표",
            {"yes": 120, "no": 40, "abstain": 5, "invalid": 1},
            FIXED_NOW,
            weight="1/2",
        )
    assert ext.weight == "1/2" and ext.weight_fraction == Fraction(1, 2)
    assert ext.weighted()["yes"] == "60/1" and ext.weighted()["abstain"] == "5/2"
    with any_db.uow() as uow:
        got = external_channels.external_totals(uow, contest.id)
        rec = reconciliation.reconcile(uow, contest.id)
        (event,) = [e for e in audit_log.entries(uow) if e["kind"] == "external.entered"]
    assert [(g.source, g.weight, g.totals) for g in got] == [
        ("K-Voting 사전투표", "1/2", {"yes": 120, "no": 40, "abstain": 5, "invalid": 1})
    ]
    assert _ballots(any_db) == 2  # on-site ballots only
    assert rec.figures.counted == 2  # the paper equation is not touched by other channels
    assert event["data"] == {
        "contest": contest.id,
        "source": "K-Voting 사전투표",
        "weight": "1/2",
        "totals": {"yes": 120, "no": 40, "abstain": 5, "invalid": 1},
    }
    with any_db.uow() as uow, pytest.raises(Refused):
        external_channels.enter_external(
            uow, contest.id, "K-Voting 사전투표", {"yes": 1}, FIXED_NOW
        )


@pytest.mark.parametrize("weight", ["0", "-1/2", "0.5", "abc", "1/0", "1e3"])
def test_external_weight_is_an_exact_positive_fraction(db: Database, weight: str) -> None:
    contest = closed_with_paper(db, paper=1)
    with db.uow() as uow, pytest.raises(InvalidInput):
        external_channels.enter_external(
            uow, contest.id, "모바일", {"yes": 1}, FIXED_NOW, weight=weight
        )


def test_external_totals_must_name_known_options(db: Database) -> None:
    contest = closed_with_paper(db, choose(2), paper=1)
    with db.uow() as uow:
        with pytest.raises(InvalidInput):
            external_channels.enter_external(uow, contest.id, "온라인", {"홍길동": 3}, FIXED_NOW)
        with pytest.raises(InvalidInput):
            external_channels.enter_external(uow, contest.id, "온라인", {"김민수": -3}, FIXED_NOW)
        ext = external_channels.enter_external(uow, contest.id, "온라인", {"김민수": 3}, FIXED_NOW)
    assert ext.totals == {"김민수": 3, "이영희": 0, "박철수": 0, "최지원": 0}
    assert json.dumps(ext.weighted(), ensure_ascii=False).count("/1") == 4
