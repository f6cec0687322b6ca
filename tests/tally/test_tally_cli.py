"""``signer``, ``seed``, ``tally`` and ``export-bundle`` on the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assembly_desk.cli import main
from assembly_desk.counting import seed_commitment
from assembly_desk.domain.contest_rules import CountRule
from assembly_desk.services import audit_log, contests
from assembly_desk.services.database import open_database
from tests.ballots.helpers import CHAIR, choose, setup
from tests.conftest import FIXED_NOW
from tests.tally.helpers import election

PASS = "참관인 키 암호 2026"


def _db(url: str, close: bool = True) -> int:
    db = open_database(url)
    try:
        _aid, cid = election(
            db, choose(1), [{"choices": ["김민수"]}, {"choices": ["이영희"]}], close=close
        )
    finally:
        db.dispose()
    return cid


def _key(tmp_path: Path, name: str, role: str) -> Path:
    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASS + "\n", encoding="utf-8")
    out = tmp_path / f"{role}.pem"
    args = ["keys", "create", "--name", name, "--role", role, "--out", str(out)]
    assert main([*args, "--passphrase-file", str(passfile)]) == 0
    return out


def test_seed_count_sign_and_export(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _db(sqlite_url)
    db = ["--db", sqlite_url, "--lang", "en"]
    seed = "주사위 2-2-5"
    assert main([*db, "seed", "commit", str(cid), "--seed", seed]) == 0
    assert seed_commitment(seed) in capsys.readouterr().out
    assert main([*db, "seed", "commit", str(cid), "--seed-hash", "ab" * 32]) == 1  # only once

    # Signers are set up before the count (the chain records the policy then).
    chair = _key(tmp_path, "김의장", "chair")
    witness = _key(tmp_path, "이참관", "witness")
    for key in (chair, witness):
        assert main([*db, "signer", "add", str(key.with_name(key.stem + ".pub.json"))]) == 0
    assert "fingerprint" in capsys.readouterr().out
    assert main([*db, "signer", "list"]) == 0
    assert "김의장" in capsys.readouterr().out

    assert main([*db, "tally", "count", str(cid)]) == 1  # the committed seed is needed
    assert main([*db, "tally", "count", str(cid), "--seed", seed]) == 0
    out = capsys.readouterr().out
    assert "lot" in out and "김민수" in out and "이영희" in out
    assert main([*db, "tally", "count", str(cid), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ties"][0]["rules"][-1] == "lot"
    assert main([*db, "tally", "ready", str(cid)]) == 0

    out_dir = tmp_path / "bundle"
    passfile = str(tmp_path / "pass.txt")
    export = ["export-bundle", "--out", str(out_dir), "--contest", str(cid)]
    assert main([*db, *export, "--key", str(chair), "--key-passphrase-file", passfile]) == 0
    assert main(["verify", str(out_dir)]) == 1  # the witness has not signed yet
    sign = ["bundle", "sign", str(out_dir), "--key", str(witness)]
    assert main([*sign, "--key-passphrase-file", passfile]) == 0
    capsys.readouterr()
    assert main(["verify", str(out_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_counting_an_open_poll_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _db(sqlite_url, close=False)
    assert main(["--db", sqlite_url, "tally", "count", str(cid)]) == 1
    assert "마감" in capsys.readouterr().err


def test_export_with_a_key_nobody_registered(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _db(sqlite_url)
    assert main(["--db", sqlite_url, "tally", "rule", str(cid), "--seats", "1"]) == 1  # closed
    key = _key(tmp_path, "누군가", "witness")
    args = ["--db", sqlite_url, "export-bundle", "--out", str(tmp_path / "b"), "--key", str(key)]
    assert main([*args, "--key-passphrase-file", str(tmp_path / "pass.txt")]) == 2
    assert not (tmp_path / "b").exists()


def test_the_rule_command_sets_a_draft_and_is_refused_once_open(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(sqlite_url)
    defn = replace(choose(3), rules=CountRule(tie_priority=("이영희",)))
    _aid, contest, _ = setup(db, defn, open_=False)
    db.dispose()
    assert main(["--db", sqlite_url, "tally", "rule", str(contest.id)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["seats"] == 3  # no --seats: a 1인 3표 contest elects three
    assert shown["tie_priority"] == []  # --tie-order is the command's, and was not given
    assert main(["--db", sqlite_url, "tally", "rule", str(contest.id), "--seats", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["seats"] == 2
    db = open_database(sqlite_url)
    with db.uow() as uow:
        contests.open_poll(uow, contest.id, CHAIR, FIXED_NOW)
    with db.uow() as uow:
        before = audit_log.entries(uow)
    db.dispose()
    assert main(["--db", sqlite_url, "tally", "rule", str(contest.id), "--seats", "1"]) == 1
    assert "투표가 시작된 뒤에는" in capsys.readouterr().err
    db = open_database(sqlite_url)
    with db.uow() as uow:
        assert audit_log.entries(uow) == before
    db.dispose()
