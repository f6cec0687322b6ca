"""Upgrading a database of the previous release (r0007) to r0008 keeps every contest's data.

The counting rule moves from ``contest_tally`` to the contest itself; a rule that was set
must arrive unchanged, a contest without one must keep what it would have been counted
with (open or closed: one seat, as before; a draft: the new default), and nothing else
(options, ballots, the seed's commitment) may be touched. On both databases.
"""

from __future__ import annotations

import json

from sqlalchemy import MetaData, Table, insert, select

from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models import AssemblyRow
from assembly_desk.services import contests, tally
from assembly_desk.services.database import open_database
from tests.conftest import FIXED_NOW

COMMITMENT = "ab" * 32


def _old_database(url: str) -> dict[str, int]:
    """A database at r0007 with three 1인 3표 contests: closed with a rule, draft, open."""
    engine = make_engine(url)
    migrate.upgrade(engine, "r0007")
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        meta = MetaData()
        contest, option, tally_row, ballot = (
            Table(name, meta, autoload_with=conn)
            for name in ("contest", "contest_option", "contest_tally", "ballot")
        )
        aid = conn.execute(
            insert(AssemblyRow.__table__).values(  # type: ignore[arg-type]
                kind="village_assembly",
                title="성산1동 주민총회",
                held_on=FIXED_NOW.date(),
                rules_json="{}",
                quorum_kind="number",
                created_at=FIXED_NOW,
            )
        ).inserted_primary_key[0]
        for name, state in (("closed", "closed"), ("draft", "draft"), ("open", "open")):
            cid = conn.execute(
                insert(contest).values(
                    assembly_id=aid,
                    title=f"위원 선출 ({name})",
                    ballot_type="choose_n",
                    scope="checked_in",
                    state=state,
                    max_choices=3,
                    max_score=10,
                    budget_cap=0,
                    criteria_json="[]",
                    created_at=FIXED_NOW,
                )
            ).inserted_primary_key[0]
            ids[name] = int(cid)
            conn.execute(
                insert(option),
                [
                    {"contest_id": cid, "position": i, "name": n, "cost": 0}
                    for i, n in enumerate(("가", "나", "다", "라"))
                ],
            )
        conn.execute(
            insert(tally_row).values(
                contest_id=ids["closed"],
                method="choose",
                seats=2,
                threshold="simple",
                base="valid",
                trim=False,
                criteria_weights_json="null",
                tie_priority_json=json.dumps(["다"]),
                seed_commitment=COMMITMENT,
            )
        )
        conn.execute(
            insert(ballot).values(
                id="0" * 32, contest_id=ids["closed"], selection_json='{"choices":["가"]}'
            )
        )
    engine.dispose()
    return ids


def test_upgrade_moves_each_rule_onto_its_contest(any_db_url: str) -> None:
    ids = _old_database(any_db_url)
    db = open_database(any_db_url)  # upgrades to head, as the app does at start-up
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        with db.uow() as uow:
            closed = tally.get_rule(uow, ids["closed"])
            assert (closed.method, closed.seats, closed.tie_priority) == ("choose", 2, ("다",))
            assert tally.get_rule(uow, ids["open"]).seats == 1  # as it was counted until now
            assert tally.get_rule(uow, ids["draft"]).seats == 3  # a draft: elects N
            contest = contests.get_contest(uow, ids["closed"])
            assert contest.definition.names == ("가", "나", "다", "라")
            assert contest.definition.description == ""
            assert tally.get_tally(uow, ids["closed"]).seed_commitment == COMMITMENT
            assert contests.poll_counts(uow, ids["closed"]).ballots == 1
        with db.engine.connect() as conn:
            meta = MetaData()
            columns = {c.name for c in Table("contest_tally", meta, autoload_with=conn).c}
            assert "seats" not in columns and "seed_commitment" in columns
            stored = conn.execute(
                select(Table("ballot", meta, autoload_with=conn).c.selection_json)
            ).scalar_one()
            assert json.loads(stored) == {"choices": ["가"]}
    finally:
        db.dispose()
