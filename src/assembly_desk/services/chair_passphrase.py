"""The chair's passphrase: set, change and check it, per assembly, and slow down guessing.

Opening and closing a poll, and leaving a voting station, need the chair's passphrase.
It is kept per assembly as a salted scrypt hash whose parameters travel with it, so a
stored hash stays checkable when the cost of new hashes is raised.

Guessing is slowed twice. The hash costs what the signing key files cost (scrypt
N=2**17, r=8: 128 MiB and about half a second per try), so a copied database does not
give the passphrase away cheaply. And at the app, after ``FREE_FAILURES`` wrong tries in a
row, each further try must wait ``2**k`` seconds (capped at ``MAX_WAIT_S``), counted from
the last failure. The count is not kept in memory or in a table of its own: every failure
is an audit-chain event (``chair.passphrase_failed``: the assembly, what the passphrase
was to unlock, and the running count; never the text tried), so the delay survives a
restart of the app, holds across desks sharing a database, and the officials see each
failed try. A right passphrase after failures appends ``chair.passphrase_accepted``,
which starts the count again; a right passphrase with no failures pending logs nothing.
The time is always the caller's ``now``, never the wall clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.repositories import audit_entries, passphrases
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.clock import as_utc

MIN_PASSPHRASE = 6
# scrypt cost of new hashes, the key files' (audit/keys.py): 128 MiB and ~440 ms per
# check on a 2-core laptop, once per open, close or leaving a station. Hashes stored
# with the earlier 2**14 still verify: each carries its own parameters.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**17, 8, 1
_MAX_N = 2**20  # a stored hash asking for more is refused, not computed
_MAXMEM = 256 * 1024 * 1024

FREE_FAILURES = 3  # wrong tries in a row before any wait
MAX_WAIT_S = 300
FAILED = "chair.passphrase_failed"
ACCEPTED = "chair.passphrase_accepted"
_RESET = (ACCEPTED, "chair.passphrase_set")  # a right passphrase starts the count again

Purpose = Literal["open", "close", "leave_station", "change", "spoiled"]


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong tries in a row: 0, 0, 2, 4, 8 … 256, 300."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES + 1), MAX_WAIT_S)


@dataclass(frozen=True, slots=True)
class Attempts:
    """The wrong tries since the last right one, for one assembly."""

    failures: int
    last_failure: datetime | None

    def wait_s(self, now: datetime) -> int:
        """Whole seconds still to wait at ``now`` (0: a try is allowed)."""
        wait = wait_after(self.failures)
        if not wait or self.last_failure is None:
            return 0
        remaining = (self.last_failure + timedelta(seconds=wait) - as_utc(now)).total_seconds()
        return max(0, min(wait, math.ceil(remaining)))  # a clock set back waits the full delay


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_passphrase(passphrase: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(passphrase, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not 2 <= int(n) <= _MAX_N:
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
    row = passphrases.get(uow, assembly_id)
    if row is not None:
        check_chair(uow, assembly_id, current or "", "change", now, reset=False)
        row.scrypt_hash = hash_passphrase(passphrase)
    else:
        passphrases.add(uow, assembly_id, hash_passphrase(passphrase))
    audit_log.append(
        uow, "chair.passphrase_set", {"assembly": assembly_id, "changed": row is not None}, now
    )
    uow.commit()


def has_chair_passphrase(uow: UnitOfWork, assembly_id: int) -> bool:
    return passphrases.get(uow, assembly_id) is not None


def attempts(uow: UnitOfWork, assembly_id: int) -> Attempts:
    """Wrong tries since the last right one, read back from the audit chain."""
    failures, last = 0, None
    for kind, at, data_json in audit_entries.of_kinds_newest_first(uow, (FAILED, *_RESET)):
        if json.loads(data_json).get("assembly") != assembly_id:
            continue
        if kind != FAILED:
            break
        if last is None:
            last = as_utc(datetime.fromisoformat(at))
        failures += 1
    return Attempts(failures, last)


def check_chair(
    uow: UnitOfWork,
    assembly_id: int,
    passphrase: str,
    purpose: Purpose,
    now: datetime,
    *,
    reset: bool = True,
) -> None:
    """Refuse unless ``passphrase`` is the chair's; ``purpose`` says what it unlocks.

    ``Refused("chair.wait", seconds=…)`` while a delay runs: the passphrase is then not
    even hashed, and the try is not counted. A wrong passphrase is audited and committed
    before ``Refused("poll.wrong_passphrase")`` is raised (so it counts even though the
    caller's action rolls back). A right one after failures is audited too, unless
    ``reset`` is False because the caller's own event (a new passphrase) restarts the count.
    """
    row = passphrases.get(uow, assembly_id)
    if row is None:
        raise Refused("poll.no_passphrase")
    tried = attempts(uow, assembly_id)
    wait = tried.wait_s(now)
    if wait:
        raise Refused("chair.wait", seconds=wait)
    if passphrase_matches(passphrase, row.scrypt_hash):
        if tried.failures and reset:
            audit_log.append(
                uow,
                ACCEPTED,
                {"assembly": assembly_id, "purpose": purpose, "after_failures": tried.failures},
                now,
            )
        return
    uow.rollback()  # nothing of the refused action may ride along with the audit event
    failures = tried.failures + 1
    audit_log.append(
        uow, FAILED, {"assembly": assembly_id, "purpose": purpose, "failures": failures}, now
    )
    uow.commit()
    raise Refused("poll.wrong_passphrase", wait=wait_after(failures))


def check_chair_passphrase(
    uow: UnitOfWork,
    assembly_id: int,
    passphrase: str,
    now: datetime,
    purpose: Purpose = "leave_station",
) -> bool:
    """Whether ``passphrase`` is the chair's; False when none is set or it is wrong.

    A voting station asks before leaving kiosk mode. A wrong try is audited and counted
    like any other; ``Refused("chair.wait")`` comes through while a delay runs. A right
    one after failures commits the event that restarts the count.
    """
    try:
        check_chair(uow, assembly_id, passphrase, purpose, now)
    except Refused as refusal:
        if refusal.key == "chair.wait":
            raise
        return False
    uow.commit()
    return True
