"""Key files: encrypted PKCS#8 round trip, typed errors, fingerprints."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import stat
import subprocess
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from assembly_desk.audit.keys import (
    KeyFileError,
    KeyFileUnreadable,
    PublicKeyInfo,
    WeakPassphrase,
    WrongPassphrase,
    decode_public_key,
    encrypt_private_key,
    fingerprint,
    generate_key,
    load_private_key,
    public_key_hex,
    save_private_key,
)
from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import set_language

PASS = "마을총회-비밀번호"
FAST = 10  # scrypt log2(N) for tests that do not test the cost itself
RFC8032_TEST1_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


@pytest.fixture
def key_file(tmp_path: Path) -> tuple[Path, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "chair.key"
    save_private_key(path, encrypt_private_key(key, PASS, scrypt_log2_n=FAST))
    return path, key


def test_generate_save_load_round_trip(tmp_path: Path) -> None:
    pem, info = generate_key("김의장", "chair", PASS)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert (info.name, info.role) == ("김의장", "chair")
    path = tmp_path / "chair.key"
    save_private_key(path, pem)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["chair.key"]  # no temp file left
    key = load_private_key(path, PASS)
    assert public_key_hex(key) == info.public_key
    assert info.fingerprint == fingerprint(info.public_key)


def test_file_uses_pbes2_scrypt_with_strong_default_cost() -> None:
    pem, _ = generate_key("a", "witness", PASS)
    raw = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    assert bytes.fromhex("2a864886f70d01050d") in raw  # PBES2 OID
    assert bytes.fromhex("2b06010401da47040b") in raw  # scrypt OID
    assert bytes.fromhex("0203020000") in raw  # INTEGER 131072 = 2**17
    assert bytes.fromhex("60864801650304012a") in raw  # AES-256-CBC OID


def test_save_replaces_existing_file(key_file: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = key_file
    other = Ed25519PrivateKey.generate()
    save_private_key(path, encrypt_private_key(other, PASS, scrypt_log2_n=FAST))
    assert public_key_hex(load_private_key(path, PASS)) == public_key_hex(other)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_wrong_passphrase(key_file: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = key_file
    with pytest.raises(WrongPassphrase) as caught:
        load_private_key(path, "not-the-passphrase")
    assert "Wrong passphrase" in str(caught.value)
    assert "암호가 맞지 않습니다" in caught.value.message_ko


def test_passphrase_is_compared_in_nfc(key_file: tuple[Path, Ed25519PrivateKey]) -> None:
    path, key = key_file
    decomposed = unicodedata.normalize("NFD", PASS)
    assert decomposed != PASS
    assert public_key_hex(load_private_key(path, decomposed)) == public_key_hex(key)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileUnreadable, match="file not found") as caught:
        load_private_key(tmp_path / "nope.key", PASS)
    assert caught.value.message_ko.startswith("키 파일을 사용할 수 없습니다")


def test_key_errors_carry_a_catalogue_key_and_are_translated_where_shown(tmp_path: Path) -> None:
    """No text inside the exception: the key and its parameters, said in the reader's language."""
    with pytest.raises(KeyFileUnreadable) as caught:
        load_private_key(tmp_path / "nope.key", PASS)
    error = caught.value
    assert isinstance(error, DeskError)
    assert error.key == "keys.unreadable" and error.reason_key == "keys.reason.not_found"
    assert error.params == {"path": str(tmp_path / "nope.key")}
    assert error.reason == "file not found"
    assert error.message("en") == f"Cannot use key file {tmp_path / 'nope.key'}: file not found."
    assert error.message("ko").endswith("파일이 없습니다.")
    set_language("en")
    try:
        assert error.message() == error.message("en")
    finally:
        set_language("ko")
    assert error.message() == error.message("ko") == error.message_ko


def test_not_a_key_file(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text("회의록")
    with pytest.raises(KeyFileUnreadable, match="not an encrypted PKCS#8"):
        load_private_key(path, PASS)


def test_unencrypted_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.key"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyFileUnreadable, match="not protected by a passphrase"):
        load_private_key(path, PASS)


def test_other_key_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x25519.key"
    path.write_bytes(
        X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASS.encode()),
        )
    )
    with pytest.raises(KeyFileUnreadable, match="not an Ed25519 key"):
        load_private_key(path, PASS)


def test_damaged_file_gives_a_typed_error(key_file: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = key_file
    lines = path.read_bytes().splitlines()
    lines[1] = b"A" * len(lines[1])  # wreck the ASN.1 header
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(KeyFileError):
        load_private_key(path, PASS)


@pytest.mark.parametrize("weak", ["", "short", "일이삼사오육칠"])
def test_weak_passphrase_is_refused(weak: str) -> None:
    with pytest.raises(WeakPassphrase) as caught:
        generate_key("a", "chair", weak)
    assert "at least 8" in str(caught.value)
    assert "8자 이상" in caught.value.message_ko


def test_fingerprint_format_and_definition() -> None:
    fp = fingerprint(RFC8032_TEST1_PUBLIC)
    assert re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){7}", fp)
    digest = hashlib.sha256(bytes.fromhex(RFC8032_TEST1_PUBLIC)).hexdigest()
    assert fp.replace("-", "") == digest[:32]
    assert fingerprint(bytes.fromhex(RFC8032_TEST1_PUBLIC)) == fp


@pytest.mark.parametrize(
    "bad", [RFC8032_TEST1_PUBLIC.upper(), RFC8032_TEST1_PUBLIC[:-2], "zz" * 32]
)
def test_public_key_text_is_strict(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_public_key(bad)


def test_public_info_recomputes_fingerprint() -> None:
    info = PublicKeyInfo.from_dict(
        {"name": "a", "role": "witness", "public_key": RFC8032_TEST1_PUBLIC}
    )
    assert info.fingerprint == fingerprint(RFC8032_TEST1_PUBLIC)
    assert PublicKeyInfo.from_dict(info.to_dict()) == info
    with pytest.raises(ValueError, match="fingerprint"):
        PublicKeyInfo.from_dict({**info.to_dict(), "fingerprint": "0000-" * 7 + "0000"})


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not installed")
def test_openssl_reads_our_format(tmp_path: Path) -> None:
    """Interop: the file is standard PKCS#8 (at a cost the openssl command accepts)."""
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "k.pem"
    path.write_bytes(encrypt_private_key(key, "password-123", scrypt_log2_n=14))
    result = subprocess.run(
        [
            "openssl",
            "pkey",
            "-in",
            str(path),
            "-passin",
            "pass:password-123",
            "-pubout",
            "-outform",
            "DER",
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.stdout[-32:].hex() == public_key_hex(key)


def test_old_cryptography_is_named_not_mistaken_for_a_bad_passphrase(
    key_file: tuple[Path, Ed25519PrivateKey], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembly_desk.audit import keys

    monkeypatch.setattr(keys, "_cryptography_version", lambda: (44,))
    with pytest.raises(KeyFileUnreadable, match="45 or newer"):
        load_private_key(key_file[0], PASS)
