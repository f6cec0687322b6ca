"""The audit chain in the database: every change logged, any tampering found."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import text, update

from assembly_desk.audit import chain
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.cli import main
from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.services import audit_log
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession
from tests.conftest import make_assembly
from tests.services.helpers import add_person


def test_changes_are_chained_and_a_tampered_entry_is_detected(
    db: Database, sqlite_url: str, capsys
) -> None:  # type: ignore[no-untyped-def]
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    DeskSession(db, aid, "d").scan(kim.card_code)
    with db.uow() as uow:
        kinds = [e["kind"] for e in audit_log.entries(uow)]
        assert audit_log.verify(uow).ok
    assert kinds == ["assembly.created", "person.registered", "checkin"]
    assert main(["--db", sqlite_url, "audit", "verify"]) == 0

    with db.uow() as uow:
        entry = audit_log.entries(uow)[1]
        data = dict(entry["data"], desk="desk-9")
        uow.session.execute(
            update(AuditEventRow).where(AuditEventRow.seq == 2).values(data_json=json.dumps(data))
        )
        uow.commit()
    with db.uow() as uow:
        report = audit_log.verify(uow)
    assert not report.ok and report.first_bad_seq == 2
    capsys.readouterr()
    assert main(["--db", sqlite_url, "audit", "verify"]) == 1
    assert "2" in capsys.readouterr().out


def test_audit_log_never_names_a_person(db: Database) -> None:
    aid = make_assembly(db)
    kim = add_person(db, aid, "김민수")
    DeskSession(db, aid, "d").scan(kim.card_code)
    with db.uow() as uow:
        text = json.dumps(audit_log.entries(uow), ensure_ascii=False)
    assert "김민수" not in text and kim.card_code not in text


def _old_release_entry(prev: str, seq: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An entry as the release before seals wrote it: no ``sealed`` field, v1 prefix."""
    entry: dict[str, Any] = {
        "seq": seq,
        "time": f"2026-11-28T01:0{seq}:00.000000Z",
        "kind": kind,
        "data": data,
        "prev": prev,
    }
    digest = hashlib.sha256(b"assembly-desk/audit/v1\x00" + canonical_json(entry))
    return {**entry, "hash": digest.hexdigest()}


def test_a_database_from_the_previous_release_still_verifies_and_carries_on(
    any_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(any_db_url)
    migrate.upgrade(engine, "r0004")  # the schema the previous release left
    first = _old_release_entry(chain.GENESIS, 1, "assembly.created", {"assembly": 1})
    second = _old_release_entry(
        first["hash"], 2, "checkin", {"assembly": 1, "person": 1, "desk": "정문"}
    )
    with engine.begin() as conn:
        for entry in (first, second):
            conn.execute(
                text(
                    "INSERT INTO audit_event (seq, at, kind, data_json, prev, hash) "
                    "VALUES (:seq, :at, :kind, :data, :prev, :hash)"
                ),
                {**entry, "at": entry["time"], "data": json.dumps(entry["data"])},
            )
    engine.dispose()

    db = open_database(any_db_url)  # upgraded at start, nothing rewritten
    try:
        with db.uow() as uow:
            old = audit_log.entries(uow)
            assert old == [first, second]
            assert audit_log.verify(uow).ok
        assert main(["--db", any_db_url, "audit", "verify"]) == 0
        aid = make_assembly(db)  # new entries are written in the new format after the old
        kim = add_person(db, aid, "김민수")
        DeskSession(db, aid, "desk-2").scan(kim.card_code)
        with db.uow() as uow:
            chained = audit_log.entries(uow)
            report = audit_log.verify(uow)
        assert report.ok and report.count == 5, report.reason
        assert ["sealed" in e for e in chained] == [False, False, True, True, True]
        assert chained[-1]["kind"] == "checkin" and chained[-1]["sealed"] is not None
        capsys.readouterr()
        assert main(["--db", any_db_url, "audit", "verify", "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["ok"] and shown["entries"] == 5 and shown["sealed"] == 2
    finally:
        db.dispose()


def test_published_running_counts_follow_the_chain_with_four_desks_at_once(
    any_db_url: str,
) -> None:
    """Four desks (real processes) scan the same cards: the counts in the log go 1, 2, 3 …

    Each check-in counts under the audit lock, so no two entries show the same figure and
    none skips one, whichever desk won each race.
    """
    from tests.persistence.test_concurrency import _run_desks, _seed_people

    db = open_database(any_db_url)
    try:
        aid = make_assembly(db)
        n = 120
        results = _run_desks(any_db_url, aid, _seed_people(db, aid, n))
        assert sum(errors for _d, _c, errors in results) == 0
        with db.uow() as uow:
            published = audit_log.entries(uow)
            assert audit_log.verify(uow).ok
        counts = [e["data"]["checked_in"] for e in published if e["kind"] == "checkin"]
        assert counts == list(range(1, n + 1))
        assert all(
            set(e["data"]) == {"assembly", "checked_in"}
            for e in published
            if e["kind"] == "checkin"
        )
    finally:
        db.dispose()
