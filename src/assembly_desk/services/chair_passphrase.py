"""The chair's passphrase: set, change and check it, per assembly.

Opening and closing a poll, and leaving a voting station, need the chair's passphrase.
It is kept per assembly as a salted scrypt hash whose parameters travel with it, so a
stored hash stays checkable when the cost of new hashes is raised.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from datetime import datetime
from typing import Literal

from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_ballots import ChairPassphraseRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly

MIN_PASSPHRASE = 6
# scrypt cost: 16 MiB and ~50 ms per check, once per open or close.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1

Purpose = Literal["open", "close", "leave_station", "change"]


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_passphrase(passphrase: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(passphrase, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = _scrypt(passphrase, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))


def set_chair_passphrase(
    uow: UnitOfWork,
    assembly_id: int,
    passphrase: str,
    now: datetime,
    current: str | None = None,
) -> None:
    """Set the chair's passphrase; changing an existing one needs the ``current`` one."""
    get_assembly(uow, assembly_id)
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise InvalidInput("poll.passphrase_short", min=MIN_PASSPHRASE)
    row = uow.session.get(ChairPassphraseRow, assembly_id)
    if row is not None:
        if current is None or not passphrase_matches(current, row.scrypt_hash):
            raise Refused("poll.wrong_passphrase")
        row.scrypt_hash = hash_passphrase(passphrase)
    else:
        uow.session.add(
            ChairPassphraseRow(assembly_id=assembly_id, scrypt_hash=hash_passphrase(passphrase))
        )
    audit_log.append(
        uow, "chair.passphrase_set", {"assembly": assembly_id, "changed": row is not None}, now
    )
    uow.commit()


def has_chair_passphrase(uow: UnitOfWork, assembly_id: int) -> bool:
    return uow.session.get(ChairPassphraseRow, assembly_id) is not None


def check_chair(
    uow: UnitOfWork, assembly_id: int, passphrase: str, purpose: Purpose, now: datetime
) -> None:
    """Refuse unless ``passphrase`` is the chair's; ``purpose`` says what it unlocks."""
    row = uow.session.get(ChairPassphraseRow, assembly_id)
    if row is None:
        raise Refused("poll.no_passphrase")
    if not passphrase_matches(passphrase, row.scrypt_hash):
        raise Refused("poll.wrong_passphrase")


def check_chair_passphrase(uow: UnitOfWork, assembly_id: int, passphrase: str) -> bool:
    """Whether ``passphrase`` is the chair's; False when none is set.

    A voting station asks for it before leaving kiosk mode: a yes/no answer is all it
    needs, and no state changes, so nothing is logged.
    """
    row = uow.session.get(ChairPassphraseRow, assembly_id)
    return row is not None and passphrase_matches(passphrase, row.scrypt_hash)
