"""찬반 papers entered as tally totals are ballots: counted, exported and recounted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from assembly_desk.audit.verify import verify_bundle
from assembly_desk.domain.contests import selection_json
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import count_entry, reconciliation, signers, tally
from assembly_desk.services.count_entry import BatchKind, Side
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW
from tests.count_entry.helpers import closed_with_paper
from tests.tally.helpers import count, signer

CHAIR = signer("김의장", "chair")
WITNESS = signer("이참관", "witness")


def _commit_totals(db: Database, contest_id: int, totals: dict) -> count_entry.Committed:
    with db.uow() as uow:
        b = count_entry.create_batch(uow, contest_id, "집계 1", FIXED_NOW, kind=BatchKind.TOTALS)
    for side in Side:
        with db.uow() as uow:
            count_entry.save_totals_entry(uow, b.id, side, f"집계 {side}", totals, FIXED_NOW)
    with db.uow() as uow:
        assert count_entry.compare(uow, b.id).ready
        return count_entry.commit_batch(uow, b.id, FIXED_NOW)


def test_totals_are_counted_exported_and_verified(any_db: Database, tmp_path: Path) -> None:
    # 2 yes at stations; 12 papers issued, tallied as 7 yes, 3 no, 1 blank, 1 invalid.
    contest = closed_with_paper(any_db, paper=12, station=2)
    aid, cid = contest.assembly_id, contest.id
    done = _commit_totals(any_db, cid, {"options": {"yes": 7, "no": 3}, "blank": 1, "invalid": 1})
    assert (done.papers, done.blank, done.invalid) == (12, 1, 1)

    # Signers are set up before the count: the chain records the policy they form.
    for info in (CHAIR[1], WITNESS[1]):
        with any_db.uow() as uow:
            signers.register_signer(uow, aid, info, FIXED_NOW)
    r = count(any_db, cid).result
    assert r.details["yes"] == 9 and r.details["no"] == 3
    assert (r.valid, r.invalid) == (12, 2)

    with any_db.uow() as uow:
        stored = Counter(uow.session.execute(select(BallotRow.selection_json)).scalars())
        rec = reconciliation.reconcile(uow, cid)
    assert stored == {
        selection_json({"vote": "yes"}): 9,
        selection_json({"vote": "no"}): 3,
        selection_json({"vote": None}): 1,
        selection_json({"vote": count_entry.INVALID_MARK}): 1,
    }
    f = rec.figures
    assert (f.issued_paper, f.paper_ballots, f.paper_totals, f.counted) == (12, 0, 12, 12)
    assert f.not_returned == 0 and rec.ok  # each paper counted once

    with any_db.uow() as uow:
        path = tally.export_bundle(uow, aid, None, tmp_path / "bundle", [CHAIR, WITNESS], FIXED_NOW)
    report = verify_bundle(path)
    assert report.ok and report.exit_code == 0, [c.to_dict() for c in report.failures]
    cvrs = (path / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(cvrs) == 14
