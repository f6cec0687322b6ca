"""``assembly-desk verify --trust``: identities pinned to keys from outside the bundle.

The bundle is real (tests/bundle/conftest.py, real Ed25519); the forged one is made with
fresh keys under the same names and a consistent chain, which only --trust can expose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assembly_desk.audit.canonical import canonical_json
from assembly_desk.cli import main

from .conftest import _signer, build_bundle


def test_without_trust_the_summary_and_json_say_identities_were_not_checked(
    bundle: Path, chair: Any, witness: Any, capsys: Any
) -> None:
    assert main(["--lang", "en", "verify", str(bundle)]) == 0
    text = capsys.readouterr().out
    assert "Signer identities were NOT checked" in text
    assert f"chair 김의장: {chair[1].fingerprint}" in text
    assert f"witness 이참관: {witness[1].fingerprint}" in text
    assert main(["--lang", "ko", "verify", str(bundle)]) == 0
    assert "서명자 신원은 확인하지 않았습니다" in capsys.readouterr().out
    assert main(["verify", str(bundle), "--json"]) == 0
    identities = json.loads(capsys.readouterr().out)["identities"]
    assert identities["checked"] is False
    assert "NOT checked" in identities["note"]
    assert [s["fingerprint"] for s in identities["signers"]] == [
        chair[1].fingerprint,
        witness[1].fingerprint,
    ]
    assert all(s["trusted"] is None for s in identities["signers"])


def test_trusted_fingerprint_and_key_file_make_a_checked_valid_bundle(
    bundle: Path, chair: Any, witness: Any, tmp_path: Path, capsys: Any
) -> None:
    pub = tmp_path / "witness.pub.json"
    pub.write_bytes(canonical_json(witness[1].to_dict()) + b"\n")
    args = ["verify", str(bundle), "--trust", chair[1].fingerprint, "--trust", str(pub)]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["identities"]["checked"] is True
    assert all(s["trusted"] is True for s in data["identities"]["signers"])
    assert data["checks"][-1]["name"] == "identities" and data["checks"][-1]["ok"]
    assert main(["--lang", "en", *args]) == 0
    assert "compared with the trusted keys given" in capsys.readouterr().out


def test_a_re_signed_bundle_fails_against_the_minutes_fingerprints(
    tmp_path: Path, chair: Any, witness: Any, capsys: Any
) -> None:
    impostors = [_signer(chair[1].name, "chair"), _signer(witness[1].name, "witness")]
    forged = build_bundle(tmp_path / "forged", impostors, [i[1] for i in impostors])
    assert main(["verify", str(forged)]) == 0  # consistent in itself...
    capsys.readouterr()
    trust = ["--trust", chair[1].fingerprint, "--trust", witness[1].fingerprint]
    assert main(["--lang", "en", "verify", str(forged), *trust]) == 1
    text = capsys.readouterr().out
    assert "✗ signer identities: not the trusted keys" in text
    assert f"untrusted key: chair 김의장 ({impostors[0][1].fingerprint})" in text
    assert f"trusted key {chair[1].fingerprint} is not among the bundle's signers" in text


def test_trusting_only_some_signers_is_not_enough(bundle: Path, chair: Any, capsys: Any) -> None:
    assert main(["--lang", "en", "verify", str(bundle), "--trust", chair[1].fingerprint]) == 1
    assert "untrusted key: witness 이참관" in capsys.readouterr().out


def test_an_unreadable_trust_value_exits_2(bundle: Path, tmp_path: Path, capsys: Any) -> None:
    assert main(["--lang", "en", "verify", str(bundle), "--trust", "12ab"]) == 2
    assert "cannot read a --trust value" in capsys.readouterr().err
    fifo = tmp_path / "pipe.pub.json"
    import os

    os.mkfifo(fifo)
    assert main(["verify", str(bundle), "--trust", str(fifo)]) == 2  # never blocks
    assert "not a regular file" in capsys.readouterr().err
