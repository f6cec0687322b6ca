"""Ed25519 key files for the chair and each witness.

Each signer owns one key, kept as a passphrase-encrypted PKCS#8 PEM file
("ENCRYPTED PRIVATE KEY"), so the file alone is worthless to whoever copies a
USB stick. We write PBES2 with **scrypt** (RFC 7914, N=2**17, r=8, p=1) and
AES-256-CBC. ``cryptography``'s own ``BestAvailableEncryption`` would use
PBKDF2 with only 2048 iterations, and its encryption builder does not offer
PKCS#8, so we assemble the small, fixed ASN.1 structure here and load
through ``cryptography``, so parsing stays in audited code. The format is
standard (tests open a cheaper-cost file with the ``openssl`` command), but
the ``openssl`` command caps scrypt memory at 32 MiB and so refuses our
default cost; ``cryptography`` has no such cap.

Public keys travel as 64 lowercase hex digits of the raw 32-byte key, the same
encoding as our hashes. :func:`fingerprint` is what people compare aloud.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cryptography
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "KeyFileError",
    "KeyFileUnreadable",
    "PublicKeyInfo",
    "WeakPassphrase",
    "WrongPassphrase",
    "decode_public_key",
    "encode_public_key",
    "encrypt_private_key",
    "fingerprint",
    "generate_key",
    "load_private_key",
    "public_key_hex",
    "save_private_key",
]

#: Minimum passphrase length in characters (Hangul syllables count as one).
MIN_PASSPHRASE_LENGTH = 8

#: scrypt cost as log2(N). 2**17 with r=8 takes ~128 MiB and a fraction of a
#: second: fine once per signing, costly for someone guessing passphrases.
SCRYPT_LOG2_N = 17
_SCRYPT_R = 8
_SCRYPT_P = 1

#: Before 45, ``cryptography`` decrypted PKCS#8 through OpenSSL's PEM reader,
#: whose 32 MiB scrypt cap rejects our cost (and reports it like a bad password).
_MIN_CRYPTOGRAPHY = (45,)

# DER object identifiers (already encoded) for the PBES2 structure.
_OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")  # 1.2.840.113549.1.5.13
_OID_SCRYPT = bytes.fromhex("06092b06010401da47040b")  # 1.3.6.1.4.1.11591.4.11
_OID_AES256_CBC = bytes.fromhex("060960864801650304012a")  # 2.16.840.1.101.3.4.1.42


class KeyFileError(DeskError):
    """Base of key file problems: a catalogue key plus parameters, like every ``DeskError``.

    ``str(error)`` is the English message (logs, ``pytest.raises(match=...)``); the fronts
    show :meth:`message` in the user's language. ``message_ko`` stays for readers written
    when the Korean text was carried inside the exception.
    """

    def __init__(self, key: str = "keys.error", **params: Any) -> None:
        super().__init__(key, **params)
        Exception.__init__(self, self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language)."""
        return t(self.key, lang, **self.params)

    @property
    def message_ko(self) -> str:
        return self.message("ko")


class WrongPassphrase(KeyFileError):
    """The passphrase does not open the key (or the encrypted part is damaged).

    The two cannot be told apart: PKCS#8 encryption carries no integrity check.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None:
            super().__init__("keys.wrong_passphrase")
        else:
            super().__init__("keys.wrong_passphrase_for", path=os.fspath(path))


class KeyFileUnreadable(KeyFileError):
    """The file is missing, unreadable, not a PEM key, not Ed25519, or unencrypted.

    ``reason_key`` (with ``reason_params``) names why, translated with the message;
    ``reason`` is that reason in English.
    """

    def __init__(self, path: str | os.PathLike[str], reason_key: str, **reason_params: Any) -> None:
        self.reason_key = reason_key
        self.reason_params = reason_params
        self.reason = t(reason_key, "en", **reason_params)
        super().__init__("keys.unreadable", path=os.fspath(path))

    def message(self, lang: str | None = None) -> str:
        reason = t(self.reason_key, lang, **self.reason_params)
        return t(self.key, lang, **self.params, reason=reason)


class WeakPassphrase(KeyFileError, ValueError):
    """Refused at key creation: a short passphrase makes the encryption pointless."""

    def __init__(self) -> None:
        super().__init__("keys.weak_passphrase", min=MIN_PASSPHRASE_LENGTH)


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """What the manifest lists for one signer: who, in which role, which key."""

    name: str
    role: str
    public_key: str  # 64 lowercase hex digits, raw Ed25519 key
    fingerprint: str

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "role": self.role,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublicKeyInfo:
        """Read a manifest entry; the fingerprint is recomputed, never trusted."""
        raw = decode_public_key(str(data["public_key"]))
        stated = data.get("fingerprint")
        actual = fingerprint(raw)
        if stated is not None and stated != actual:
            raise ValueError(f"fingerprint {stated!r} does not match its public key ({actual})")
        return cls(str(data["name"]), str(data["role"]), encode_public_key(raw), actual)


def encode_public_key(raw: bytes) -> str:
    """Raw 32-byte key to the 64-hex-digit form used in manifests and records."""
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw.hex()


def decode_public_key(text: str) -> bytes:
    """Parse the 64-hex-digit form strictly (lowercase only: one key, one spelling)."""
    if len(text) != 64 or text != text.lower():
        raise ValueError("public key must be 64 lowercase hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError("public key must be 64 lowercase hex digits") from None


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The hex public key of a loaded private or public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return encode_public_key(
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def fingerprint(public_key: bytes | str) -> str:
    """Short form to print in minutes and read aloud: ``3f2a-9c01-...`` (8 groups).

    The first 16 bytes (128 bits) of SHA-256 over the raw 32-byte key, as eight
    groups of four lowercase hex digits. Recompute with
    ``printf %s HEX | xxd -r -p | sha256sum``.
    """
    raw = decode_public_key(public_key) if isinstance(public_key, str) else public_key
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return "-".join(digest[i : i + 4] for i in range(0, 32, 4))


def generate_key(name: str, role: str, passphrase: str) -> tuple[bytes, PublicKeyInfo]:
    """Create a signer's key: (encrypted PKCS#8 PEM bytes, public info for the manifest)."""
    _check_passphrase(passphrase)
    key = Ed25519PrivateKey.generate()
    pem = encrypt_private_key(key, passphrase)
    public = public_key_hex(key)
    return pem, PublicKeyInfo(name, role, public, fingerprint(public))


def encrypt_private_key(
    key: Ed25519PrivateKey, passphrase: str, *, scrypt_log2_n: int = SCRYPT_LOG2_N
) -> bytes:
    """Encrypted PKCS#8 PEM (PBES2: scrypt + AES-256-CBC) of ``key``.

    ``scrypt_log2_n`` may be lowered only by tests; readers take the cost from
    the file.
    """
    _check_passphrase(passphrase)
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt = secrets.token_bytes(16)
    iv = secrets.token_bytes(16)
    n = 2**scrypt_log2_n
    aes_key = Scrypt(salt=salt, length=32, n=n, r=_SCRYPT_R, p=_SCRYPT_P).derive(
        _passphrase_bytes(passphrase)
    )
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()

    scrypt_params = _seq(
        _octets(salt) + _integer(n) + _integer(_SCRYPT_R) + _integer(_SCRYPT_P) + _integer(32)
    )
    pbes2_params = _seq(_seq(_OID_SCRYPT + scrypt_params) + _seq(_OID_AES256_CBC + _octets(iv)))
    der = _seq(_seq(_OID_PBES2 + pbes2_params) + _octets(ciphertext))
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = "\n".join(
        ["-----BEGIN ENCRYPTED PRIVATE KEY-----", *lines, "-----END ENCRYPTED PRIVATE KEY-----"]
    )
    return (text + "\n").encode("ascii")


def save_private_key(path: str | os.PathLike[str], pem: bytes) -> None:
    """Write ``pem`` to ``path`` atomically with mode 0600.

    A temp file in the same folder, fsync, then ``os.replace``: a power cut
    leaves either the old file or the new one, never half a key.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_private_key(path: str | os.PathLike[str], passphrase: str) -> Ed25519PrivateKey:
    """Open a signer's key file.

    Raises :class:`KeyFileUnreadable` (missing, unreadable, not an encrypted
    Ed25519 PKCS#8 key) or :class:`WrongPassphrase`.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise KeyFileUnreadable(path, "keys.reason.not_found") from None
    except OSError as error:
        raise KeyFileUnreadable(path, "keys.reason.cannot_read", error=error.strerror) from None
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        if b"-----BEGIN PRIVATE KEY-----" in data:
            raise KeyFileUnreadable(path, "keys.reason.unencrypted")
        raise KeyFileUnreadable(path, "keys.reason.not_pkcs8")
    if _cryptography_version() < _MIN_CRYPTOGRAPHY:
        raise KeyFileUnreadable(
            path, "keys.reason.old_cryptography", version=cryptography.__version__
        )
    try:
        key = serialization.load_pem_private_key(data, _passphrase_bytes(passphrase))
    except ValueError as error:
        # cryptography reports a failed decryption as "Incorrect password"; any
        # other ValueError means the structure itself is broken.
        if "password" in str(error).lower():
            raise WrongPassphrase(path) from None
        raise KeyFileUnreadable(path, "keys.reason.damaged") from None
    except (TypeError, UnsupportedAlgorithm):
        raise KeyFileUnreadable(path, "keys.reason.unsupported") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileUnreadable(path, "keys.reason.not_ed25519")
    return key


def _cryptography_version() -> tuple[int, ...]:
    return tuple(int(part) for part in cryptography.__version__.split(".")[:1])


def _check_passphrase(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase()


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC so a Korean passphrase typed through different IMEs opens the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


# --- minimal DER encoding (only what the PBES2 header needs) ----------------


def _tlv(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        header = bytes([length])
    else:
        size = length.to_bytes((length.bit_length() + 7) // 8, "big")
        header = bytes([0x80 | len(size)]) + size
    return bytes([tag]) + header + content


def _seq(content: bytes) -> bytes:
    return _tlv(0x30, content)


def _octets(content: bytes) -> bytes:
    return _tlv(0x04, content)


def _integer(value: int) -> bytes:
    # Non-negative only; a leading zero byte keeps the sign bit clear.
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))
