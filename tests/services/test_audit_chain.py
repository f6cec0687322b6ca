"""The audit chain in the database: every change logged, any tampering found."""

from __future__ import annotations

import json

from sqlalchemy import update

from assembly_desk.cli import main
from assembly_desk.persistence.models import AuditEventRow
from assembly_desk.services import audit_log
from assembly_desk.services.database import Database
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
