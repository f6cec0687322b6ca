"""Double entry of paper batches: agree → commit; disagree → settle first; secrecy kept."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func, inspect, select

from assembly_desk.counting.ballot_file import parse_line
from assembly_desk.counting.methods import CountOptions, count
from assembly_desk.counting.ties import TieRule
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models import Base
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.persistence.models_count import PaperEntryRow, PaperResolutionRow
from assembly_desk.services import audit_log, count_entry
from assembly_desk.services.count_entry import Side, blank, invalid
from assembly_desk.services.database import Database
from tests.ballots.helpers import budget, choose, ranked, score, setup
from tests.conftest import FIXED_NOW
from tests.count_entry.helpers import ABST, NO, YES, batch, closed_with_paper, enter


def _stored(db: Database, contest_id: int) -> list[dict]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(BallotRow.selection_json).where(BallotRow.contest_id == contest_id)
        ).scalars()
        return [json.loads(s) for s in rows]


def _commit(db: Database, batch_id: int) -> count_entry.Committed:
    with db.uow() as uow:
        return count_entry.commit_batch(uow, batch_id, FIXED_NOW)


def test_agreeing_entries_commit_as_anonymous_ballots_with_counts_in_the_log(
    any_db: Database,
) -> None:
    contest = closed_with_paper(any_db, paper=8)
    b = batch(any_db, contest.id, expected_size=7)
    marks = [YES, YES, NO, ABST, blank(), invalid("marked"), YES]
    enter(any_db, b, Side.A, marks, "김하나")
    enter(any_db, b, Side.B, marks, "이두리")
    with any_db.uow() as uow:
        cmp = count_entry.compare(uow, b)
    assert cmp.ready and cmp.differences == () and cmp.multiset_equal
    assert not cmp.expected_mismatch
    done = _commit(any_db, b)
    assert (done.papers, done.blank, done.invalid) == (7, 1, 1)
    assert done.invalid_reasons == {"marked": 1}
    stored = _stored(any_db, contest.id)
    assert Counter(json.dumps(s) for s in stored) == Counter(
        json.dumps(s)
        for s in [YES, YES, NO, ABST, {"vote": None}, {"vote": count_entry.INVALID_MARK}, YES]
    )
    with any_db.uow() as uow:
        ids = list(uow.session.execute(select(BallotRow.id)).scalars())
        events = [
            e for e in audit_log.official_entries(uow) if e["kind"] == "paper.batch_committed"
        ]
        left = uow.session.execute(select(func.count()).select_from(PaperEntryRow)).scalar_one()
        batch_row = count_entry.get_batch(uow, b)
    assert len(set(ids)) == 7 and all(len(i) == 32 for i in ids)
    assert left == 0  # the typed stack order is gone
    assert batch_row.state is count_entry.BatchState.COMMITTED and batch_row.papers == 7
    (event,) = events
    assert event["data"] == {
        "contest": contest.id,
        "batch": "상자 1",
        "kind": "ballots",
        "ballots": 7,
        "blank": 1,
        "invalid": 1,
        "invalid_reasons": {"marked": 1},
        "entrants": 2,
        "resolved": 0,
    }
    # The volunteers' names are for the officials: sealed, not published.
    assert event["private"] == {"entered_by": ["김하나", "이두리"], "resolved_by": []}
    log = json.dumps(event, ensure_ascii=False)
    assert "yes" not in log and "abstain" not in log and not any(i in log for i in ids)


def test_a_mismatch_blocks_the_commit_until_settled(any_db: Database) -> None:
    contest = closed_with_paper(any_db, paper=10)
    b = batch(any_db, contest.id)
    enter(any_db, b, Side.A, [YES, NO, YES, YES, NO, ABST, YES])
    enter(any_db, b, Side.B, [YES, ABST, YES, NO, ABST, YES])  # one skipped, one mistyped
    with any_db.uow() as uow:
        cmp = count_entry.compare(uow, b)
    assert not cmp.ready and not cmp.multiset_equal
    got = [(d.position_a, d.position_b, d.a, d.b) for d in cmp.differences]
    # Aligned: one skipped paper is one difference, not a shift of every later one.
    assert got == [(2, None, NO, None), (3, 2, YES, ABST)]
    with pytest.raises(Refused) as err:
        _commit(any_db, b)
    assert err.value.key == "count_entry.unresolved"
    with any_db.uow() as uow:
        count_entry.resolve(uow, b, cmp.differences[0].item, NO, "위원장 박", FIXED_NOW)
    with pytest.raises(Refused):
        _commit(any_db, b)
    with any_db.uow() as uow:
        cmp = count_entry.resolve(uow, b, cmp.differences[1].item, YES, "위원장 박", FIXED_NOW)
    assert cmp.ready and cmp.result_count == 7
    done = _commit(any_db, b)
    assert done.papers == 7
    votes = Counter(s["vote"] for s in _stored(any_db, contest.id))
    assert votes == {"yes": 4, "no": 2, "abstain": 1}
    with any_db.uow() as uow:
        (event,) = [
            e for e in audit_log.official_entries(uow) if e["kind"] == "paper.batch_committed"
        ]
        assert (
            uow.session.execute(select(func.count()).select_from(PaperResolutionRow)).scalar_one()
            == 0
        )
    assert event["data"]["resolved"] == 2 and event["private"]["resolved_by"] == ["위원장 박"]


def test_a_long_batch_with_one_skip_shows_one_difference(db: Database) -> None:
    contest = closed_with_paper(db, paper=600)
    b = batch(db, contest.id)
    a = [(YES, NO, ABST)[i % 7 % 3] for i in range(500)]
    enter(db, b, Side.A, a)
    enter(db, b, Side.B, a[:200] + a[201:])
    with db.uow() as uow:
        (diff,) = count_entry.compare(uow, b).differences
    assert (diff.position_a, diff.position_b, diff.a, diff.b) == (201, None, a[200], None)


def test_settling_as_no_paper_drops_a_double_typed_one(db: Database) -> None:
    contest = closed_with_paper(db, paper=5)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES, NO, NO])
    enter(db, b, Side.B, [YES, NO])
    with db.uow() as uow:
        (diff,) = count_entry.compare(uow, b).differences
        cmp = count_entry.resolve(uow, b, diff.item, None, "감사 최", FIXED_NOW)
    assert cmp.ready and cmp.result_count == 2
    assert _commit(db, b).papers == 2


def test_changing_an_entry_clears_its_settlements(db: Database) -> None:
    contest = closed_with_paper(db, paper=5)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES])
    enter(db, b, Side.B, [NO])
    with db.uow() as uow:
        (diff,) = count_entry.compare(uow, b).differences
        assert count_entry.resolve(uow, b, diff.item, YES, "감사 최", FIXED_NOW).ready
    enter(db, b, Side.B, [NO, NO])
    with db.uow() as uow:
        assert not count_entry.compare(uow, b).ready


def test_commit_needs_both_entries_a_closed_poll_and_issued_paper(db: Database) -> None:
    contest = closed_with_paper(db, paper=2)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES, NO, YES])
    with pytest.raises(Refused) as err:
        _commit(db, b)
    assert err.value.key == "count_entry.needs_both"
    enter(db, b, Side.B, [YES, NO, YES])
    with pytest.raises(Refused) as err:
        _commit(db, b)
    assert err.value.key == "vote.paper_excess"  # 3 papers typed, 2 issued
    assert _stored(db, contest.id) == []  # all or nothing
    _aid, open_contest, _ = setup(db)
    b2 = batch(db, open_contest.id)
    enter(db, b2, Side.A, [YES])
    enter(db, b2, Side.B, [YES])
    with pytest.raises(Refused) as err:
        _commit(db, b2)
    assert err.value.key == "poll.not_closed"


def test_a_committed_batch_is_closed_and_labels_are_unique(db: Database) -> None:
    contest = closed_with_paper(db, paper=2)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES])
    enter(db, b, Side.B, [YES])
    _commit(db, b)
    with pytest.raises(Refused) as err:
        enter(db, b, Side.A, [YES, NO])
    assert err.value.key == "count_entry.batch_committed"
    with pytest.raises(Refused) as err:
        batch(db, contest.id, " 상자  1 ")
    assert err.value.key == "count_entry.label_taken"


def test_entries_survive_a_restart(db: Database) -> None:
    contest = closed_with_paper(db)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES, blank(), invalid()], "김하나")
    with db.uow() as uow:
        entry = count_entry.get_entry(uow, b, Side.A)
        assert count_entry.get_entry(uow, b, Side.B) is None
        assert count_entry.get_batch(uow, b).entered == (Side.A,)
    assert entry is not None and entry.volunteer == "김하나"
    assert list(entry.marks) == [YES, blank(), invalid("unclear")]


def test_bad_marks_are_refused_and_empty_selections_are_blank(db: Database) -> None:
    contest = closed_with_paper(db, choose(2))
    b = batch(db, contest.id)
    for bad in ({"vote": "yes"}, {"invalid": "because"}, {"blank": False}, "1"):
        with pytest.raises(InvalidInput):
            enter(db, b, Side.A, [bad])
    enter(db, b, Side.A, [{"choices": []}, {"choices": ["김민수", "김민수", "박철수"]}])
    with db.uow() as uow:
        entry = count_entry.get_entry(uow, b, Side.A)
    assert entry is not None
    assert list(entry.marks) == [blank(), {"choices": ["김민수", "박철수"]}]


@pytest.mark.parametrize(
    ("defn", "method", "options"),
    [
        (None, "yesno", CountOptions()),
        (
            choose(1),
            "plurality",
            CountOptions(candidates=["김민수", "이영희"], tie=TieRule(seed="공개추첨")),
        ),
        (choose(2), "choose", CountOptions(seats=2, max_choices=2, tie=TieRule(seed="s"))),
        (choose(4), "approval", CountOptions(tie=TieRule(seed="s"))),
        (ranked(), "irv", CountOptions()),
        (budget(), "pb-greedy", CountOptions(budget=7_000_000, costs={"놀이터": 3})),
        (score(panel=False), "score", CountOptions()),
    ],
)
def test_blank_and_invalid_papers_count_as_invalid_in_every_method(
    defn: object, method: str, options: CountOptions
) -> None:
    """Never dropped, never a vote: the stored forms of blank and invalid are rejected."""
    from tests.ballots.helpers import yes_no

    d = defn or yes_no()
    lines = [
        count_entry.blank_selection(d),  # type: ignore[arg-type]
        count_entry.invalid_selection(d),  # type: ignore[arg-type]
    ]
    ballots = [parse_line(json.dumps(s, ensure_ascii=False)) for s in lines]
    if method == "pb-greedy":
        options = CountOptions(budget=7_000_000, costs={"놀이터": 3_000_000})
    result = count(method, ballots, options)
    assert result.invalid == 2 and result.valid == 0


def test_paper_ballots_carry_no_person() -> None:
    """The count tables name volunteers, never voters, and none refers to a ballot."""
    person_words = {"person_id", "voter_id", "person", "voter", "card_code", "member_id"}
    for name in ("paper_batch", "paper_entry", "paper_resolution", "paper_totals"):
        table = Base.metadata.tables[name]
        cols = {c.name for c in table.columns}
        targets = {fk.column.table.name for c in table.columns for fk in c.foreign_keys}
        assert not cols & person_words and "person" not in targets, name
        assert "ballot" not in targets and "ballot_id" not in cols, name
    assert {c.name for c in Base.metadata.tables["ballot"].columns} == {
        "id",
        "contest_id",
        "selection_json",
    }


def test_migrated_count_tables_carry_no_person(any_db: Database) -> None:
    insp = inspect(any_db.engine)
    for name in ("paper_batch", "paper_entry", "paper_resolution", "paper_totals"):
        cols = {c["name"] for c in insp.get_columns(name)}
        fks = {fk["referred_table"] for fk in insp.get_foreign_keys(name)}
        assert "person" not in fks and "ballot" not in fks, name
        assert not cols & {"person_id", "voter_id", "ballot_id"}, name
