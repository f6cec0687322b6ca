"""Who may sign an assembly's tallies: the chair's and witnesses' public keys, and the policy.

Keys are registered at set-up, before any count, so the signer list in a bundle's
manifest was fixed before anyone knew the result. Each registration and each policy
change is audited with the *whole* policy as it then stands (required roles, witnesses,
and every signer's name, role, public key and fingerprint) under ``data["policy"]``:
that chain record is the commitment ``assembly-desk verify`` compares a bundle's
manifest with (the last such record before a contest's first count), so keys swapped
into a bundle later are caught. The fingerprint is also read aloud and written in the
minutes: a witness can then check that the key in the bundle is the one announced in
the room, and an auditor passes it to ``verify --trust``. The private key
never enters the database; only the ``.pub.json`` beside a key file (or the public half
of a key generated here) does.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assembly_desk.audit.canonical import canonical_json, nfc
from assembly_desk.audit.keys import PublicKeyInfo, generate_key, save_private_key
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_tally import TallySignerRow
from assembly_desk.persistence.repositories import signers as signer_rows
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly

ROLES = ("chair", "witness")
WITNESS = "witness"
DEFAULT_REQUIRED = ("chair",)
DEFAULT_MIN_WITNESSES = 1


@dataclass(frozen=True, slots=True)
class Signer:
    """A registered signer: what the manifest lists, plus when it was registered."""

    id: int
    assembly_id: int
    info: PublicKeyInfo
    registered_at: datetime


def _checked(info: PublicKeyInfo) -> PublicKeyInfo:
    """Recompute the fingerprint from the key (never trust a file's own claim)."""
    if info.role not in ROLES:
        raise InvalidInput("tally.bad_role", role=info.role)
    name = str(nfc(info.name.strip()))
    if not name:
        raise InvalidInput("tally.signer_name_required")
    try:
        return PublicKeyInfo.from_dict({**info.to_dict(), "name": name})
    except (ValueError, KeyError) as error:
        raise InvalidInput("tally.bad_public_key", detail=str(error)) from None


def register_signer(
    uow: UnitOfWork, assembly_id: int, info: PublicKeyInfo, now: datetime
) -> Signer:
    """Allow this key to sign the assembly's tallies; logs ``signer.registered``."""
    get_assembly(uow, assembly_id)
    checked = _checked(info)
    if signer_rows.key_registered(uow, assembly_id, checked.public_key):
        raise Refused("tally.signer_exists", fingerprint=checked.fingerprint)
    row = signer_rows.add(
        uow,
        TallySignerRow(
            assembly_id=assembly_id,
            name=checked.name,
            role=checked.role,
            public_key=checked.public_key,
            fingerprint=checked.fingerprint,
            registered_at=now,
        ),
    )
    audit_log.append(
        uow,
        "signer.registered",
        {
            "assembly": assembly_id,
            **checked.to_dict(),
            "policy": policy_for(uow, assembly_id).to_dict(),
        },
        now,
    )
    uow.commit()
    return Signer(row.id, assembly_id, checked, now)


def list_signers(uow: UnitOfWork, assembly_id: int) -> list[Signer]:
    """Registered signers in registration order."""
    return [
        Signer(
            r.id,
            r.assembly_id,
            PublicKeyInfo(r.name, r.role, r.public_key, r.fingerprint),
            r.registered_at,
        )
        for r in signer_rows.of_assembly(uow, assembly_id)
    ]


def read_public_key_file(path: str | os.PathLike[str]) -> PublicKeyInfo:
    """The ``.pub.json`` written by ``assembly-desk keys create`` (fingerprint rechecked)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return PublicKeyInfo.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput("tally.bad_public_key", detail=f"{path}: {error}") from None


def create_signer_key(
    uow: UnitOfWork,
    assembly_id: int,
    name: str,
    role: str,
    passphrase: str,
    key_path: str | os.PathLike[str],
    now: datetime,
) -> Signer:
    """Generate a key in-app (encrypted PEM + ``.pub.json`` beside it) and register it.

    The key file goes where the signer says (their USB stick); only the public half is
    stored. Same files as ``assembly-desk keys create``, so ``bundle sign`` takes it.
    """
    target = Path(key_path)
    if target.exists():
        raise Refused("tally.key_exists", path=str(target))
    try:
        pem, info = generate_key(str(nfc(name.strip())), role, passphrase)
    except ValueError as error:
        raise InvalidInput("tally.bad_passphrase", detail=str(error)) from None
    signer = register_signer(uow, assembly_id, info, now)
    save_private_key(target, pem)
    target.with_name(target.stem + ".pub.json").write_bytes(
        canonical_json(signer.info.to_dict()) + b"\n"
    )
    return signer


def set_policy(
    uow: UnitOfWork,
    assembly_id: int,
    required_roles: tuple[str, ...],
    min_witnesses: int,
    now: datetime,
) -> SignaturePolicy:
    """Change who must sign (audited with the whole resulting policy).

    Roles must be known and witnesses cannot be negative; a policy that requires nobody
    is refused here, since ``verify`` would call every bundle under it invalid.
    """
    get_assembly(uow, assembly_id)
    if any(role not in ROLES for role in required_roles) or min_witnesses < 0:
        raise InvalidInput("tally.bad_policy")
    if not required_roles and min_witnesses == 0:
        raise InvalidInput("tally.bad_policy")
    roles = sorted(set(required_roles))
    signer_rows.save_policy(uow, assembly_id, json.dumps(roles), min_witnesses)
    policy = policy_for(uow, assembly_id)
    audit_log.append(
        uow,
        "signature.policy_set",
        {
            "assembly": assembly_id,
            "required_roles": roles,
            "min_witnesses": min_witnesses,
            "policy": policy.to_dict(),
        },
        now,
    )
    uow.commit()
    return policy


def policy_for(uow: UnitOfWork, assembly_id: int) -> SignaturePolicy:
    """The policy with every registered key (default: chair + one witness)."""
    row = signer_rows.policy(uow, assembly_id)
    required = DEFAULT_REQUIRED if row is None else tuple(json.loads(row.required_roles_json))
    witnesses = DEFAULT_MIN_WITNESSES if row is None else row.min_witnesses
    return SignaturePolicy(
        signers=tuple(s.info for s in list_signers(uow, assembly_id)),
        required_roles=required,
        min_witnesses=witnesses,
        witness_role=WITNESS,
    )
