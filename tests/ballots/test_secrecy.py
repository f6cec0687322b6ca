"""Ballot secrecy (DESIGN.md): no table relates a person to a ballot, storage hides cast order.

These tests read the schema (SQLAlchemy metadata and the live, migrated database on both
backends) so that a column added later, in any table, that would link voter and vote fails
here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Table, inspect, select, text

from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.persistence.models import Base
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import audit_log, voting
from assembly_desk.services.database import Database, open_database
from tests.ballots.helpers import close_poll, setup
from tests.conftest import create_pg_database, drop_pg_database

BALLOT_COLUMNS = {"id", "contest_id", "selection_json"}
# Column names that refer to a person, whether or not a foreign key says so.
PERSON_NAMES = {"person_id", "voter_id", "person", "voter", "card_code", "member_id"}


def _refs(table: Table) -> tuple[bool, bool]:
    """(refers to a person, refers to a ballot) for one table of the metadata."""
    targets = {fk.column.table.name for col in table.columns for fk in col.foreign_keys}
    names = {c.name for c in table.columns}
    person = "person" in targets or bool(names & PERSON_NAMES)
    ballot = "ballot" in targets or bool({"ballot_id", "ballot", "cvr_id"} & names)
    return person, ballot


def test_no_table_relates_a_person_to_a_ballot() -> None:
    tables = Base.metadata.tables
    assert {"ballot", "ballot_issue", "contest", "person"} <= set(tables)
    for table in tables.values():
        person, ballot = _refs(table)
        assert not (person and ballot), f"{table.name} links a person and a ballot"
        if table.name != "ballot":
            assert not ballot, f"{table.name} refers to ballots: nothing may"
    assert _refs(tables["ballot_issue"]) == (True, False)
    assert _refs(tables["ballot"]) == (False, False)


def test_ballot_table_holds_id_contest_and_selection_only() -> None:
    ballot = Base.metadata.tables["ballot"]
    assert {c.name for c in ballot.columns} == BALLOT_COLUMNS
    assert [c.name for c in ballot.primary_key.columns] == ["id"]
    assert ballot.c.id.type.length == 32  # type: ignore[attr-defined]
    assert ballot.c.id.autoincrement in (False, "auto")
    assert ballot.dialect_options["sqlite"]["with_rowid"] is False
    issue = Base.metadata.tables["ballot_issue"]
    assert {c.name for c in issue.columns} == {"contest_id", "person_id", "channel"}
    assert issue.dialect_options["sqlite"]["with_rowid"] is False


def test_the_migrated_database_agrees(any_db: Database) -> None:
    insp = inspect(any_db.engine)
    assert {c["name"] for c in insp.get_columns("ballot")} == BALLOT_COLUMNS
    for name in insp.get_table_names():
        fks = {fk["referred_table"] for fk in insp.get_foreign_keys(name)}
        cols = {c["name"] for c in insp.get_columns(name)}
        person = "person" in fks or bool(cols & PERSON_NAMES)
        ballot = "ballot" in fks or "ballot_id" in cols
        assert not (person and ballot), name
    if any_db.engine.dialect.name == "sqlite":
        with any_db.engine.connect() as conn:
            for table in ("ballot", "ballot_issue"):
                ddl = conn.exec_driver_sql(
                    f"SELECT sql FROM sqlite_master WHERE type='table' AND name='{table}'"
                ).scalar_one()
                assert "WITHOUT ROWID" in ddl.upper(), table
            try:
                conn.exec_driver_sql("SELECT rowid FROM ballot")
            except Exception:
                pass
            else:  # pragma: no cover
                raise AssertionError("ballot has a rowid")


def _order_contest() -> ContestDefinition:
    # A score sheet can carry a number: ballot i scores i, so the cast order can be read back.
    return ContestDefinition("순서 실험", BallotType.SCORE, (Option("A"),), max_score=1000)


def _spearman(values: list[int]) -> float:
    n = len(values)
    ranks = {v: r for r, v in enumerate(sorted(values))}
    d2 = sum((ranks[v] - i) ** 2 for i, v in enumerate(values))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _storage_order(db: Database) -> list[int]:
    with db.engine.connect() as conn:  # no ORDER BY: the order the rows are stored in
        rows = conn.execute(text("SELECT selection_json FROM ballot")).scalars().all()
    return [json.loads(s)["scores"]["A"] for s in rows]


def _cast_in_order(db: Database, n: int) -> int:
    _aid, contest, voters = setup(db, _order_contest(), people=n)
    for i, v in enumerate(voters):
        with db.uow() as uow:
            voting.cast(uow, contest.id, v.id, {"scores": {"A": i}})
    return contest.id


def _assert_not_cast_order(order: list[int], n: int) -> None:
    assert sorted(order) == list(range(n))
    assert order != sorted(order) and order != sorted(order, reverse=True)
    # 200 random positions: |rho| has a standard deviation of about 0.07.
    assert abs(_spearman(order)) < 0.3, _spearman(order)


def _box_order(db: Database) -> list[int]:
    """The ballots in the station box file, in slot (file position) order."""
    box = db.boxes.station_box()
    by_slot = sorted(box.ballots(), key=lambda b: b.slot)
    return [json.loads(b.selection_json)["scores"]["A"] for b in by_slot]


def test_storage_does_not_follow_cast_order(any_db: Database) -> None:
    n = 200
    contest_id = _cast_in_order(any_db, n)
    # While the poll is open: nothing in the database, the box's slots in random order.
    assert _storage_order(any_db) == []
    _assert_not_cast_order(_box_order(any_db), n)
    close_poll(any_db, contest_id)
    order = _storage_order(any_db)
    _assert_not_cast_order(order, n)
    with any_db.uow() as uow:
        ids = uow.session.execute(select(BallotRow.id, BallotRow.selection_json)).all()
    by_id = [json.loads(s)["scores"]["A"] for _i, s in sorted(ids)]
    assert order == by_id  # storage order is random-id order
    assert _box_order(any_db) == []  # and the box is empty again


@pytest.fixture
def pg_db(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    url = create_pg_database()
    database = open_database(url, box_dir=tmp_path / "boxes")
    try:
        yield database
    finally:
        database.dispose()
        drop_pg_database(url)


@pytest.mark.postgres
def test_postgres_ballots_share_no_transaction_with_any_issue(pg_db: Database) -> None:
    """On PostgreSQL each row carries the id of the transaction that wrote it (xmin), and
    old row versions keep theirs in the heap and the WAL. No ballot row is ever written
    while the poll is open, so none can carry a voter's transaction id: they arrive in
    one delivery transaction, in random-id order, after the close."""
    contest_id = _cast_in_order(pg_db, 20)
    with pg_db.engine.connect() as conn:
        during = conn.execute(text("SELECT count(*) FROM ballot")).scalar_one()
        issue_xids = conn.execute(
            text("SELECT count(DISTINCT xmin::text) FROM ballot_issue")
        ).scalar_one()
    assert (during, issue_xids) == (0, 20)  # 20 issues in 20 transactions, no ballot yet
    close_poll(pg_db, contest_id)
    with pg_db.engine.connect() as conn:
        xmins = conn.execute(
            text("SELECT count(DISTINCT xmin::text) FROM ballot WHERE contest_id = :c"),
            {"c": contest_id},
        ).scalar_one()
        shared = conn.execute(
            text("SELECT count(*) FROM ballot b JOIN ballot_issue i ON b.xmin = i.xmin")
        ).scalar_one()
        by_ctid = conn.execute(text("SELECT id FROM ballot ORDER BY ctid")).scalars().all()
    assert (xmins, shared) == (1, 0)
    assert by_ctid == sorted(by_ctid)  # physical order is random-id order


def test_ballot_ids_are_random_and_never_logged(db: Database) -> None:
    _aid, contest, voters = setup(db, people=30)
    for v in voters:
        with db.uow() as uow:
            voting.cast(uow, contest.id, v.id, {"vote": "yes"})
    close_poll(db, contest.id)
    with db.uow() as uow:
        ids = list(uow.session.execute(select(BallotRow.id)).scalars())
        log = json.dumps(audit_log.entries(uow))
    assert len(set(ids)) == 30 and all(len(i) == 32 for i in ids)
    assert not any(i in log for i in ids)
    kinds = {e for e in json.loads(log) if e["kind"].startswith(("vote", "ballot", "cast"))}
    assert not kinds
