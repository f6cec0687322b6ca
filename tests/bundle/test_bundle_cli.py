"""The command line: keys create, bundle create, bundle sign, verify (exit codes, --json)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from assembly_desk.audit import keys
from assembly_desk.cli import main


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files with a low scrypt cost (readers take the cost from the file)."""
    monkeypatch.setattr(
        keys, "encrypt_private_key", functools.partial(keys.encrypt_private_key, scrypt_log2_n=10)
    )


def _keys(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "chair.pass").write_text("의장 비밀번호 123\n", encoding="utf-8")
    (tmp_path / "wit.pass").write_text("witness secret 9\n", encoding="utf-8")
    assert (
        main(
            [
                "keys",
                "create",
                "--name",
                "김의장",
                "--role",
                "chair",
                "--out",
                str(tmp_path / "chair.pem"),
                "--passphrase-file",
                str(tmp_path / "chair.pass"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "keys",
                "create",
                "--name",
                "이참관",
                "--role",
                "witness",
                "--out",
                str(tmp_path / "wit.pem"),
                "--passphrase-file",
                str(tmp_path / "wit.pass"),
            ]
        )
        == 0
    )
    return {"chair": tmp_path / "chair.pem", "wit": tmp_path / "wit.pem"}


def _ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.jsonl"
    rows = [["A", "B"]] * 4 + [["B", "A"]] * 3 + [["C", "B"]] * 2 + [["C"]]
    path.write_text("\n".join(json.dumps({"ranking": r}) for r in rows) + "\n", encoding="utf-8")
    return path


def _create(tmp_path: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "bundle",
            "create",
            "--out",
            str(out),
            "--ballots",
            str(_ballots(tmp_path)),
            "--contest-id",
            "head",
            "--title",
            "동장 선호",
            "--method",
            "irv",
            "--candidates",
            "A,B,C",
            "--seed",
            "주사위 6-2",
            "--tie-order",
            "B",
            "--key",
            str(tmp_path / "chair.pem"),
            "--key-passphrase-file",
            str(tmp_path / "chair.pass"),
            "--signer",
            str(tmp_path / "wit.pub.json"),
            "--policy",
            "chair,witness",
            "--issued",
            "11",
            "--checked-in",
            "12",
            "--assembly-title",
            "성산1동 주민총회",
            "--date",
            "2026-11-28",
            "--district",
            "성산1동",
            *extra,
        ]
    )


def test_keys_create_prints_fingerprint_and_writes_protected_files(
    tmp_path: Path, capsys: Any
) -> None:
    paths = _keys(tmp_path)
    out = capsys.readouterr().out
    info = json.loads((tmp_path / "chair.pub.json").read_text(encoding="utf-8"))
    assert info["name"] == "김의장" and info["role"] == "chair"
    assert info["fingerprint"] in out
    assert paths["chair"].stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in paths["chair"].read_bytes()
    # Never overwrite a key.
    assert (
        main(
            [
                "keys",
                "create",
                "--name",
                "x",
                "--role",
                "chair",
                "--out",
                str(paths["chair"]),
                "--passphrase-file",
                str(tmp_path / "chair.pass"),
            ]
        )
        == 2
    )


def test_keys_create_prompts_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    answers = iter(["long enough 1", "long enough 1", "first one!", "second one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # a volunteer at a terminal
    assert (
        main(
            ["keys", "create", "--name", "a", "--role", "witness", "--out", str(tmp_path / "a.pem")]
        )
        == 0
    )
    assert (
        main(
            [
                "--lang",
                "en",
                "keys",
                "create",
                "--name",
                "b",
                "--role",
                "witness",
                "--out",
                str(tmp_path / "b.pem"),
            ]
        )
        == 2
    )
    assert "passphrases differ" in capsys.readouterr().err
    assert not (tmp_path / "b.pem").exists()


def test_create_sign_verify_round_trip(tmp_path: Path, capsys: Any) -> None:
    _keys(tmp_path)
    out = tmp_path / "bundle"
    assert _create(tmp_path, out) == 0
    capsys.readouterr()

    # Only the chair has signed: invalid, and the report says the witness is missing.
    assert main(["--lang", "en", "verify", str(out)]) == 1
    text = capsys.readouterr().out
    assert "✗ signature policy: not met: missing witness signatures: need 1, have 0" in text

    assert (
        main(
            [
                "bundle",
                "sign",
                str(out),
                "--key",
                str(tmp_path / "wit.pem"),
                "--key-passphrase-file",
                str(tmp_path / "wit.pass"),
            ]
        )
        == 0
    )
    assert "이참관" in capsys.readouterr().out

    assert main(["--lang", "ko", "verify", str(out)]) == 0
    text = capsys.readouterr().out
    assert "✗" not in text and "유효합니다" in text

    assert main(["verify", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    names = [c["name"] for c in data["checks"]]
    assert names[0] == "files" and names[-1] == "rules_commitment" and "recount" in names
    assert data["identities"]["checked"] is False

    head = json.loads((out / "tally.json").read_text(encoding="utf-8"))["body"]["audit_head"]
    assert main(["verify", str(out), "--json", "--since", head]) == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--json", "--since", "1" * 64]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["checks"] if not c["ok"]] == ["audit_since"]


def test_verify_unreadable_exit_2(tmp_path: Path, capsys: Any) -> None:
    assert main(["--lang", "en", "verify", str(tmp_path / "none")]) == 2
    assert "UNREADABLE" in capsys.readouterr().out


def test_bundle_create_errors(tmp_path: Path, capsys: Any) -> None:
    _keys(tmp_path)
    capsys.readouterr()
    wrong = tmp_path / "wrong.pass"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    code = main(
        [
            "--lang",
            "en",
            "bundle",
            "create",
            "--out",
            str(tmp_path / "b"),
            "--ballots",
            str(_ballots(tmp_path)),
            "--contest-id",
            "h",
            "--title",
            "t",
            "--method",
            "irv",
            "--seed",
            "s",
            "--key",
            str(tmp_path / "chair.pem"),
            "--key-passphrase-file",
            str(wrong),
            "--issued",
            "10",
            "--checked-in",
            "10",
        ]
    )
    assert code == 2
    assert "Wrong passphrase" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ranking": ["A"]}\n{"ranking": \n', encoding="utf-8")
    code = main(
        [
            "bundle",
            "create",
            "--out",
            str(tmp_path / "b"),
            "--ballots",
            str(bad),
            "--contest-id",
            "h",
            "--title",
            "t",
            "--method",
            "irv",
            "--seed",
            "s",
            "--key",
            str(tmp_path / "chair.pem"),
            "--key-passphrase-file",
            str(tmp_path / "chair.pass"),
            "--issued",
            "10",
            "--checked-in",
            "10",
        ]
    )
    assert code == 2
    assert "line 2" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_sign_with_a_key_not_in_the_bundle_is_refused(tmp_path: Path, capsys: Any) -> None:
    _keys(tmp_path)
    out = tmp_path / "bundle"
    assert (
        main(
            [
                "bundle",
                "create",
                "--out",
                str(out),
                "--ballots",
                str(_ballots(tmp_path)),
                "--contest-id",
                "h",
                "--title",
                "t",
                "--method",
                "irv",
                "--seed",
                "s",
                "--key",
                str(tmp_path / "chair.pem"),
                "--key-passphrase-file",
                str(tmp_path / "chair.pass"),
                "--policy",
                "chair",
                "--issued",
                "10",
                "--checked-in",
                "10",
            ]
        )
        == 0
    )
    assert main(["verify", str(out)]) == 0  # chair alone satisfies policy "chair"
    capsys.readouterr()
    assert (
        main(
            [
                "--lang",
                "en",
                "bundle",
                "sign",
                str(out),
                "--key",
                str(tmp_path / "wit.pem"),
                "--key-passphrase-file",
                str(tmp_path / "wit.pass"),
            ]
        )
        == 1
    )
    assert "not among the bundle's signers" in capsys.readouterr().err


def test_a_fresh_bundle_folder_per_export(tmp_path: Path) -> None:
    """The window's folder naming lives in services.bundle_export, beside the CLI's key loading."""
    from datetime import UTC, datetime

    from assembly_desk.services.bundle_export import bundle_folder

    now = datetime(2026, 3, 14, 10, 15, 0, tzinfo=UTC)
    first = bundle_folder(tmp_path, 3, now)
    assert first == tmp_path / "tally-bundle-3-20260314-101500"
    first.mkdir()
    assert bundle_folder(tmp_path, 3, now).name == "tally-bundle-3-20260314-101500-2"
