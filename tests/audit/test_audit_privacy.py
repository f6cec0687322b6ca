"""What a signed bundle's audit log publishes, and what stays with the assembly's officials.

A real assembly (roll import, check-ins at two desks, an undo with a reason, a walk-in,
a panel contest, a spoiled-paper entry, a count) is exported to a bundle. The published
``audit_log.jsonl`` must let an auditor follow the counts without learning who came when
through which desk, who sat on the panel, or what anyone wrote as a reason; it must still
verify on its own; and an official holding the database must be able to open every seal.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from tests.ballots.helpers import CHAIR, score
from tests.conftest import FIXED_NOW, make_assembly, write_csv
from tests.tally.helpers import signer

from assembly_desk.audit import chain
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.cli import main
from assembly_desk.domain.assembly import QuorumKind, QuorumRule
from assembly_desk.persistence.models import AuditEventRow, PersonRow
from assembly_desk.services import (
    audit_log,
    checkin,
    contests,
    reconciliation,
    roll,
    signers,
    tally,
    voting,
)
from assembly_desk.services.clock import iso_utc
from assembly_desk.services.database import Database

DESKS = ("정문 데스크", "후문 데스크")
UNDO_REASON = "동명이인 김민수 님을 잘못 눌렀음"
SPOILED_REASON = "투표용지 찢어짐, 박철수 님께 새 용지"
NAMES = ("김민수", "이영희", "박철수", "최지원", "정하늘", "한바다")
WALK_IN = "오솔길"
# Exact moments (UTC, 10:03:17.25 Seoul and so on): none may be published.
CHECKIN_AT = [
    FIXED_NOW + timedelta(minutes=3, seconds=17, milliseconds=250),
    FIXED_NOW + timedelta(minutes=4, seconds=52, milliseconds=5),
    FIXED_NOW + timedelta(minutes=7, seconds=41, milliseconds=900),
    FIXED_NOW + timedelta(minutes=12, seconds=9, milliseconds=77),
    FIXED_NOW + timedelta(minutes=13, seconds=30, milliseconds=420),
]
UNDO_AT = FIXED_NOW + timedelta(minutes=16, seconds=2, milliseconds=618)
WALK_IN_AT = FIXED_NOW + timedelta(minutes=18, seconds=44, milliseconds=123)
WALK_IN_CHECKIN_AT = FIXED_NOW + timedelta(minutes=18, seconds=59, milliseconds=1)
LATER = FIXED_NOW + timedelta(minutes=40)
QUORUM = 4  # reached by the 4th check-in: its moment is public, on purpose
SIGNERS = [signer("김의장", "chair"), signer("이참관", "witness")]
PRIVATE_KEYS = {"person", "desk", "original_desk", "reason", "panel", "entered_by", "resolved_by"}
PER_PERSON = {"checkin", "checkin.undone", "person.registered", "person.guardian_consent"}


def _hms(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def _run_assembly(db: Database, tmp_path: Path) -> dict[str, Any]:
    """Everything a small assembly does, through the services; returns what the test needs."""
    aid = make_assembly(db, quorum=QuorumRule(QuorumKind.NUMBER, QUORUM))
    csv = write_csv(
        tmp_path / "명부.csv",
        ["성명,생년월일,통,반,연락처"]
        + [f"{name},1980-03-{i + 10},3,{i},010-1234-56{i:02d}" for i, name in enumerate(NAMES)],
    )
    with db.uow() as uow:
        roll.import_roll(uow, aid, csv, FIXED_NOW)
    with db.uow() as uow:
        people = {
            name: (pid, code)
            for name, pid, code in uow.session.execute(
                select(PersonRow.name, PersonRow.id, PersonRow.card_code)
            )
        }
        contests.set_chair_passphrase(uow, aid, CHAIR, FIXED_NOW)
    for i, (name, at) in enumerate(zip(NAMES, CHECKIN_AT, strict=False)):
        with db.uow() as uow:
            result = checkin.check_in_by_code(uow, aid, people[name][1], DESKS[i % 2], at)
        assert result.outcome is checkin.Outcome.CHECKED_IN
    with db.uow() as uow:
        checkin.undo_check_in(uow, aid, people["이영희"][0], UNDO_REASON, DESKS[0], UNDO_AT)
    with db.uow() as uow:
        walk_in = roll.register_walk_in(
            uow, aid, roll.WalkIn(WALK_IN, datetime(1990, 1, 2).date()), DESKS[1], WALK_IN_AT
        )
    with db.uow() as uow:
        checkin.check_in_person(uow, aid, walk_in.person.id, DESKS[1], WALK_IN_CHECKIN_AT)
    panel = [people[name][0] for name in ("김민수", "박철수", "최지원")]
    with db.uow() as uow:
        contest = contests.create_contest(uow, aid, score(panel=True), LATER)
        contests.set_panel(uow, contest.id, panel, LATER)
    with db.uow() as uow:
        contests.open_poll(uow, contest.id, CHAIR, LATER)
    for pid, vision in zip(panel, (8, 6, 9), strict=True):
        with db.uow() as uow:
            sheet = {
                "후보1": {"비전": vision, "실행계획": 15},
                "후보2": {"비전": 7, "실행계획": 12},
            }
            voting.cast(uow, contest.id, pid, {"scores": sheet})
    with db.uow() as uow:
        contests.close_poll(uow, contest.id, CHAIR, LATER)
    with db.uow() as uow:
        reconciliation.enter_spoiled(uow, contest.id, 1, SPOILED_REASON, CHAIR, LATER)
    for _key, info in SIGNERS:  # before the count: the policy is committed to in advance
        with db.uow() as uow:
            signers.register_signer(uow, aid, info, LATER)
    with db.uow() as uow:
        tally.count_contest(uow, contest.id, None, LATER)
    with db.uow() as uow:
        bundle = tally.export_bundle(uow, aid, None, tmp_path / "bundle", SIGNERS, LATER)
    return {
        "bundle": bundle,
        "people": people,
        "panel": panel,
        "walk_in": walk_in,
        "contest": contest.id,
    }


def _published(bundle: Path) -> tuple[str, list[dict[str, Any]]]:
    raw = (bundle / "audit_log.jsonl").read_bytes()
    return raw.decode("utf-8"), chain.load_jsonl(raw.splitlines(keepends=True))


def test_published_log_keeps_counts_but_not_people_desks_times_or_reasons(
    any_db: Database, tmp_path: Path
) -> None:
    run = _run_assembly(any_db, tmp_path)
    text, published = _published(run["bundle"])

    # Nothing that names or singles out a person, a desk or what someone wrote.
    for secret in (*DESKS, UNDO_REASON, SPOILED_REASON, *NAMES, WALK_IN):
        assert secret not in text, secret
    for _pid, code in run["people"].values():
        assert code not in text
    assert run["walk_in"].card_code not in text
    for entry in published:
        assert not PRIVATE_KEYS & set(entry["data"]), entry
    # No exact per-person moment, except the check-in that crossed the quorum line,
    # whose moment *is* the published moment quorum was reached.
    crossing = CHECKIN_AT[QUORUM - 1]
    for moment in [*CHECKIN_AT, UNDO_AT, WALK_IN_AT, WALK_IN_CHECKIN_AT]:
        if moment != crossing:
            assert _hms(moment) not in text, moment
    kinds = [e["kind"] for e in published]
    per_person = [e for e in published if e["kind"] in PER_PERSON]
    assert len(per_person) == 5 + 1 + 1 + 1  # five check-ins, the undo, the walk-in, its check-in
    for entry in per_person:
        assert entry["sealed"] is not None
        assert (
            re.search(r"T\d\d:\d0:00\.0+Z$", entry["time"])
            or entry["time"] == (published[entry["seq"] - 2]["time"])
        ), entry["time"]

    # What an auditor needs is all there: the running count, quorum, panel size, counts.
    counts = [e["data"]["checked_in"] for e in published if e["kind"].startswith("checkin")]
    assert counts == [1, 2, 3, 4, 5, 4, 5]
    (quorum,) = [e for e in published if e["kind"] == "quorum.reached"]
    assert quorum["data"]["present"] == QUORUM
    assert quorum["time"] == iso_utc(crossing)  # exact, and public
    (panel_set,) = [e for e in published if e["kind"] == "contest.panel_set"]
    assert panel_set["data"] == {"contest": run["contest"], "panel_size": 3}
    (closed,) = [e for e in published if e["kind"] == "poll.closed"]
    assert closed["data"]["issued"] == 3
    (spoiled,) = [e for e in published if e["kind"] == "paper.spoiled_entered"]
    assert spoiled["data"]["spoiled"] == 1 and spoiled["sealed"] is not None
    assert {"roll.imported", "tally.counted", "signer.registered"} <= set(kinds)
    manifest = json.loads((run["bundle"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["checked_in"] == counts[-1]

    # Times never run backwards, though exact and coarsened times are mixed.
    times = [datetime.fromisoformat(e["time"]) for e in published]
    assert times == sorted(times)

    # The file alone verifies, and its head is the one the tally signed.
    report = chain.verify_chain(published)
    body = json.loads((run["bundle"] / "tally.json").read_text(encoding="utf-8"))["body"]
    assert report.ok and report.head == body["audit_head"], report.reason


def test_the_bundle_verifies_from_the_command_line(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _run_assembly(db, tmp_path)
    capsys.readouterr()
    code = main(["verify", str(run["bundle"]), "--json"])
    out = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c["ok"] for c in out["checks"]}
    assert checks["audit_chain"] and checks["audit_head"], out["checks"]
    assert code == 0 and out["ok"], [c for c in out["checks"] if not c["ok"]]


def test_an_official_opens_a_seal_and_a_changed_private_part_is_caught(
    any_db: Database, any_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _run_assembly(any_db, tmp_path)
    _text, published = _published(run["bundle"])
    (undo,) = [e for e in published if e["kind"] == "checkin.undone"]
    (panel_set,) = [e for e in published if e["kind"] == "contest.panel_set"]
    with any_db.uow() as uow:
        opened = audit_log.open_seal(uow, undo["seq"])
        panel = audit_log.open_seal(uow, panel_set["seq"])
        assert audit_log.verify(uow).ok
    assert opened is not None and opened.matches
    assert opened.private == {
        "person": run["people"]["이영희"][0],
        "desk": DESKS[0],
        "original_desk": DESKS[1],
        "reason": UNDO_REASON,
        "time": iso_utc(UNDO_AT),
    }
    # Anyone holding only the published entry can check what the official shows.
    assert chain.seal_matches(undo, bytes.fromhex(opened.salt), opened.private)
    assert not chain.seal_matches(undo, bytes.fromhex(opened.salt), {**opened.private, "desk": "x"})
    assert panel is not None and panel.private == {"panel": run["panel"]}

    capsys.readouterr()
    assert main(["--db", any_db_url, "audit", "open", str(undo["seq"]), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["matches"] and shown["private"]["reason"] == UNDO_REASON

    # Someone rewords the reason in the database: the published chain cannot see it,
    # the seal can.
    reworded = {**opened.private, "reason": "카드 오류"}
    with any_db.uow() as uow:
        uow.session.execute(
            update(AuditEventRow)
            .where(AuditEventRow.seq == undo["seq"])
            .values(private_json=json.dumps(reworded, ensure_ascii=False))
        )
        uow.commit()
    with any_db.uow() as uow:
        assert chain.verify_chain(audit_log.entries(uow)).ok
        report = audit_log.verify(uow)
    assert not report.ok and report.first_bad_seq == undo["seq"]
    assert "seal" in report.reason
    capsys.readouterr()
    assert main(["--db", any_db_url, "audit", "verify"]) == 1
    assert str(undo["seq"]) in capsys.readouterr().out


# --- the entry format, without a database -------------------------------------------


def _v1_entry(prev: str, seq: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An entry exactly as the release before seals wrote it (independent of chain.py)."""
    entry = {"seq": seq, "time": "2026-11-28T01:00:00.000000Z", "kind": kind, "data": data}
    entry["prev"] = prev
    entry["hash"] = hashlib.sha256(
        b"assembly-desk/audit/v1\x00" + canonical_json(entry)
    ).hexdigest()
    return entry


def test_a_seal_is_a_salted_hash_anyone_can_recompute() -> None:
    salt = bytes(range(32))
    private = {"person": 7, "desk": "정문 데스크"}
    expected = hashlib.sha256(
        b"assembly-desk/audit/seal/v1\x00" + salt + canonical_json(private)
    ).hexdigest()
    assert chain.seal_digest(salt, private) == expected
    # Same private part, other salt: nothing to compare across entries or guess against.
    assert chain.seal_digest(bytes(32), private) != expected
    with pytest.raises(ValueError, match="32 bytes"):
        chain.seal_digest(b"short", private)


def test_changing_or_dropping_a_seal_in_a_published_file_breaks_the_chain() -> None:
    first = chain.make_entry(
        chain.GENESIS, 1, FIXED_NOW, "checkin", {"checked_in": 1}, sealed="a" * 64
    )
    second = chain.make_entry(first["hash"], 2, FIXED_NOW, "checkin", {"checked_in": 2})
    assert chain.verify_chain([first, second]).ok
    swapped = {**first, "sealed": "b" * 64}
    assert "edited" in chain.verify_chain([swapped, second]).reason
    dropped = {k: v for k, v in first.items() if k != "sealed"}  # read as v1: other hash
    assert not chain.verify_chain([dropped, second]).ok
    bad = chain.verify_chain([{**first, "sealed": "A" * 64}])
    assert "sealed must be null or 64 lowercase hex" in bad.reason


def test_an_old_chain_verifies_and_may_continue_in_the_new_format_but_not_back() -> None:
    one = _v1_entry(chain.GENESIS, 1, "checkin", {"assembly": 1, "person": 3, "desk": "d"})
    two = _v1_entry(one["hash"], 2, "quorum.reached", {"assembly": 1, "present": 1})
    assert chain.verify_chain([one, two]).ok
    three = chain.make_entry(two["hash"], 3, FIXED_NOW, "checkin", {"checked_in": 2})
    assert chain.verify_chain([one, two, three]).ok
    four = _v1_entry(three["hash"], 4, "checkin", {"assembly": 1, "person": 4, "desk": "d"})
    report = chain.verify_chain([one, two, three, four])
    assert not report.ok and report.first_bad_seq == 4 and "old-format" in report.reason


def test_a_coarsened_time_never_runs_behind_the_entry_before() -> None:
    at = FIXED_NOW + timedelta(minutes=27, seconds=45)
    assert audit_log.public_time(at, None) == "2026-11-28T01:20:00.000000Z"
    assert audit_log.public_time(at, "2026-11-28T01:19:59.000000Z") == (
        "2026-11-28T01:20:00.000000Z"
    )
    # Quorum was reached, exactly, at 01:26:10 and logged just before this check-in.
    assert audit_log.public_time(at, "2026-11-28T01:26:10.500000Z") == (
        "2026-11-28T01:26:10.500000Z"
    )
