"""Signers, policy and the signed bundle exported from the database, then verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from assembly_desk.audit.bundle import add_signature
from assembly_desk.audit.keys import PublicKeyInfo
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.services import audit_log, signers, tally, voting
from assembly_desk.services.database import Database
from tests.ballots.helpers import choose, close_poll, open_poll, setup, yes_no
from tests.conftest import FIXED_NOW
from tests.tally.helpers import count, election, signer

CHAIR = signer("김의장", "chair")
WITNESS = signer("이참관", "witness")
SEED = "주사위 6-1-4"


def _register(db: Database, aid: int, *infos: PublicKeyInfo) -> None:
    for info in infos:
        with db.uow() as uow:
            signers.register_signer(uow, aid, info, FIXED_NOW)


def _counted_assembly(db: Database) -> tuple[int, int]:
    station = [{"choices": ["김민수"]}, {"choices": ["이영희"]}, {"choices": ["김민수", "박철수"]}]
    aid, cid = election(
        db, choose(2), station, paper=[{"choices": []}], seed=SEED, rule=tally.CountRule(seats=1)
    )
    # Signers before the count: the policy the chain records then is what bundles carry.
    _register(db, aid, CHAIR[1], WITNESS[1])
    count(db, cid, SEED)
    return aid, cid


def _export(db: Database, aid: int, out: Path, keys: list, ids: list[int] | None = None) -> Path:
    with db.uow() as uow:
        return tally.export_bundle(uow, aid, ids, out, keys, FIXED_NOW)


def test_signer_registration_is_logged_with_the_fingerprint(any_db: Database) -> None:
    aid, _contest, _ = setup(any_db, yes_no(), open_=False)
    with any_db.uow() as uow:
        registered = signers.register_signer(uow, aid, CHAIR[1], FIXED_NOW)
    assert registered.info == CHAIR[1]
    with any_db.uow() as uow:
        (event,) = [e for e in audit_log.entries(uow) if e["kind"] == "signer.registered"]
        listed = signers.list_signers(uow, aid)
        policy = signers.policy_for(uow, aid)
    assert event["data"]["fingerprint"] == CHAIR[1].fingerprint
    assert event["data"]["public_key"] == CHAIR[1].public_key
    assert [s.info for s in listed] == [CHAIR[1]]
    assert policy.required_roles == ("chair",) and policy.min_witnesses == 1
    with any_db.uow() as uow, pytest.raises(Refused) as err:
        signers.register_signer(uow, aid, CHAIR[1], FIXED_NOW)
    assert err.value.key == "tally.signer_exists"


def test_a_public_key_file_with_a_wrong_fingerprint_is_refused(
    db: Database, tmp_path: Path
) -> None:
    aid, _contest, _ = setup(db, yes_no(), open_=False)
    bad = {**CHAIR[1].to_dict(), "fingerprint": WITNESS[1].fingerprint}
    path = tmp_path / "bad.pub.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InvalidInput):
        signers.read_public_key_file(path)
    with db.uow() as uow, pytest.raises(InvalidInput):
        signers.register_signer(
            uow,
            aid,
            PublicKeyInfo("x", "mayor", CHAIR[1].public_key, CHAIR[1].fingerprint),
            FIXED_NOW,
        )


def test_export_verifies_and_holds_only_what_it_may(any_db: Database, tmp_path: Path) -> None:
    aid, cid = _counted_assembly(any_db)
    path = _export(any_db, aid, tmp_path / "bundle", [CHAIR, WITNESS])
    report = verify_bundle(path)
    assert report.ok and report.exit_code == 0, [c.to_dict() for c in report.failures]

    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    key = tally.contest_key(cid)
    assert manifest["counts"]["issued"] == {key: 4}
    assert manifest["counts"]["checked_in"] == 4
    assert manifest["contests"][0]["options"]["seats"] == 1
    assert [s["fingerprint"] for s in manifest["policy"]["signers"]] == [
        CHAIR[1].fingerprint,
        WITNESS[1].fingerprint,
    ]
    lines = (path / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    cvrs = [json.loads(line) for line in lines]
    assert all(set(c) == {"id", "contest", "choices"} for c in cvrs)
    with any_db.uow() as uow:
        ids = sorted(uow.session.execute(select(BallotRow.id)).scalars())
    assert [c["id"] for c in cvrs] == ids  # stored ids, sorted: no cast order
    tally_json = json.loads((path / "tally.json").read_text(encoding="utf-8"))
    assert tally_json["body"]["seeds"] == {key: SEED}
    with any_db.uow() as uow:
        (event,) = [e for e in audit_log.entries(uow) if e["kind"] == "bundle.exported"]
    assert event["data"]["audit_head"] == tally_json["body"]["audit_head"]


def test_tampering_fails_verification(db: Database, tmp_path: Path) -> None:
    aid, _cid = _counted_assembly(db)
    path = _export(db, aid, tmp_path / "bundle", [CHAIR, WITNESS])
    cvrs = path / "cvrs.jsonl"
    text = cvrs.read_text(encoding="utf-8")
    cvrs.write_text(text.replace("이영희", "김민수", 1), encoding="utf-8")
    report = verify_bundle(path)
    assert not report.ok and report.exit_code == 1
    assert "cvr_file" in {c.name for c in report.failures}


def test_a_witness_signs_later(db: Database, tmp_path: Path) -> None:
    aid, _cid = _counted_assembly(db)
    path = _export(db, aid, tmp_path / "bundle", [CHAIR])
    first = verify_bundle(path)
    assert [c.name for c in first.failures] == ["policy"]
    add_signature(path, *WITNESS)
    assert verify_bundle(path).exit_code == 0


def test_export_refuses_unregistered_keys_and_uncounted_contests(
    db: Database, tmp_path: Path
) -> None:
    aid, _cid = _counted_assembly(db)
    stranger = signer("누군가", "witness")
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.export_bundle(uow, aid, None, tmp_path / "a", [stranger], FIXED_NOW)
    assert err.value.key == "tally.not_a_signer"
    with db.uow() as uow, pytest.raises(InvalidInput):
        tally.export_bundle(uow, aid, None, tmp_path / "b", [(CHAIR[0], WITNESS[1])], FIXED_NOW)
    _aid2, contest, _ = setup(db, yes_no(), open_=False)
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.export_bundle(uow, _aid2, [contest.id], tmp_path / "c", [], FIXED_NOW)
    assert err.value.key == "tally.not_counted_id"
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


def test_ballots_entered_after_the_count_must_be_counted_again(
    db: Database, tmp_path: Path
) -> None:
    aid, contest, voters = setup(db, yes_no(), people=3)
    with db.uow() as uow:
        voting.cast(uow, contest.id, voters[0].id, {"vote": "yes"})
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[1].id)
    close_poll(db, contest.id)
    _register(db, aid, CHAIR[1], WITNESS[1])
    count(db, contest.id)
    with db.uow() as uow:
        voting.record_paper_ballot(uow, contest.id, {"vote": "no"})
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.export_bundle(uow, aid, None, tmp_path / "x", [CHAIR], FIXED_NOW)
    assert err.value.key == "tally.stale_result"
    count(db, contest.id)
    # Signed by the chair alone: the witness's required signature is missing.
    assert verify_bundle(_export(db, aid, tmp_path / "y", [CHAIR])).failures[0].name == "policy"


def test_a_signer_added_after_the_count_cannot_be_exported(db: Database, tmp_path: Path) -> None:
    aid, _cid = _counted_assembly(db)
    late = signer("박늦음", "witness")
    _register(db, aid, late[1])
    with db.uow() as uow:
        (event,) = [e for e in audit_log.entries(uow) if e["data"].get("name") == "박늦음"]
    # The chain records the whole policy at each registration, the new key included.
    keys = [s["public_key"] for s in event["data"]["policy"]["signers"]]
    assert keys == [CHAIR[1].public_key, WITNESS[1].public_key, late[1].public_key]
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.export_bundle(uow, aid, None, tmp_path / "x", [CHAIR, late], FIXED_NOW)
    assert err.value.key == "tally.policy_changed_after_count"
    assert not (tmp_path / "x").exists()


def test_several_contests_in_one_bundle(any_db: Database, tmp_path: Path) -> None:
    aid, first = _counted_assembly(any_db)
    with any_db.uow() as uow:
        from assembly_desk.services import contests

        second = contests.create_contest(uow, aid, yes_no(), FIXED_NOW).id
    open_poll(any_db, second)
    close_poll(any_db, second)
    count(any_db, second)
    path = _export(any_db, aid, tmp_path / "all", [CHAIR, WITNESS])
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in manifest["contests"]] == [
        tally.contest_key(first),
        tally.contest_key(second),
    ]
    assert verify_bundle(path).exit_code == 0


def test_the_audit_log_has_no_event_per_ballot(any_db: Database, tmp_path: Path) -> None:
    aid, _cid = _counted_assembly(any_db)
    path = _export(any_db, aid, tmp_path / "bundle", [CHAIR, WITNESS])
    with any_db.uow() as uow:
        entries = audit_log.entries(uow)
        ballot_ids = set(uow.session.execute(select(BallotRow.id)).scalars())
    kinds = [e["kind"] for e in entries]
    # Per contest: created, rule, seed, opened, closed, counted, revealed - never per ballot.
    assert len(kinds) < 20, kinds
    assert not [k for k in kinds if "vote" in k or "ballot" in k or "cast" in k]
    log_text = (path / "audit_log.jsonl").read_text(encoding="utf-8")
    assert not any(ballot_id in log_text for ballot_id in ballot_ids)


def test_the_policy_is_recorded_whole_and_an_empty_one_is_refused(db: Database) -> None:
    aid, _contest, _ = setup(db, yes_no(), open_=False)
    _register(db, aid, CHAIR[1], WITNESS[1])
    with db.uow() as uow:
        policy = signers.set_policy(uow, aid, ("chair",), 2, FIXED_NOW)
    with db.uow() as uow:
        event = [e for e in audit_log.entries(uow) if e["kind"] == "signature.policy_set"][-1]
    assert event["data"]["policy"] == policy.to_dict()
    assert event["data"]["policy"]["min_witnesses"] == 2
    assert [s["fingerprint"] for s in event["data"]["policy"]["signers"]] == [
        CHAIR[1].fingerprint,
        WITNESS[1].fingerprint,
    ]
    with db.uow() as uow, pytest.raises(InvalidInput):
        signers.set_policy(uow, aid, (), 0, FIXED_NOW)


def test_weakening_the_policy_after_the_count_cannot_be_exported(
    db: Database, tmp_path: Path
) -> None:
    aid, _cid = _counted_assembly(db)
    with db.uow() as uow:
        signers.set_policy(uow, aid, ("chair",), 0, FIXED_NOW)
    with db.uow() as uow, pytest.raises(Refused) as err:
        tally.export_bundle(uow, aid, None, tmp_path / "x", [CHAIR], FIXED_NOW)
    assert err.value.key == "tally.policy_changed_after_count"


def test_no_count_before_the_required_signers_are_registered(db: Database) -> None:
    """The count fixes the signature policy; a count that no valid policy could ever sign is
    refused, says who is missing, and leaves no result and no log entry behind."""
    aid, cid = election(db, yes_no(), [{"vote": "yes"}])
    with db.uow() as uow:
        before = len(audit_log.entries(uow))
    for registered, witnesses in (((), 0), ((CHAIR[1],), 0)):
        _register(db, aid, *registered)
        with db.uow() as uow, pytest.raises(Refused) as err:
            tally.count_contest(uow, cid, None, FIXED_NOW)
        assert (err.value.key, err.value.params["witnesses"]) == ("tally.signers_first", witnesses)
    with db.uow() as uow:
        assert tally.get_tally(uow, cid).result_hash is None
        counted = [e for e in audit_log.entries(uow)[before:] if e["kind"] == "tally.counted"]
    assert counted == []
    _register(db, aid, WITNESS[1])
    assert count(db, cid).ballots == 1


def test_a_rule_edited_in_the_database_after_opening_is_caught_by_verify(
    any_db: Database, tmp_path: Path
) -> None:
    """Whoever holds the database and both keys edits the frozen rule (2 seats, not 1),
    counts again and signs: ballots, recount, signatures and the logged result agree,
    and only the rule the chain fixed when the poll opened shows the change."""
    from assembly_desk.persistence.models_ballots import ContestRow

    aid, cid = _counted_assembly(any_db)
    with any_db.uow() as uow:
        row = uow.session.get(ContestRow, cid)
        assert row is not None
        rules = json.loads(row.rules_json)
        assert rules["seats"] == 1
        row.rules_json = json.dumps({**rules, "seats": 2})
        uow.commit()
    result = count(any_db, cid, SEED)
    assert len(result.result.elected) == 2
    report = verify_bundle(_export(any_db, aid, tmp_path / "b", [CHAIR, WITNESS]))
    problems = {c.name: c.detail("en") for c in report.failures}
    assert list(problems) == ["rules_commitment"]
    assert problems["rules_commitment"].endswith("(rules, seats)")
