"""Signing keys and the signed tally bundle, one way for the window and the command line.

Both fronts read a signer's key file with its passphrase, say what is wrong with it in
the user's language, name the folder a bundle goes into and hand the keys to
``tally.export_bundle``. They used to do each step their own way (the window mapped
key-file errors to its own messages and named the folder; the command line printed the
exceptions' English text); this module is the one way.

Key-file problems are ``KeyFileError``s, which are ``DeskError``s: a catalogue key plus
parameters, translated where they are shown (``error.message()``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.keys import (
    PublicKeyInfo,
    fingerprint,
    load_private_key,
    public_key_hex,
)
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.services import signers, tally
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database

#: A bundle folder made for the user is named ``tally-bundle-<assembly>-<UTC time>``.
FOLDER_PREFIX = "tally-bundle"


@dataclass(frozen=True, slots=True)
class KeyFile:
    """A signer's key file and the passphrase the user gave for it."""

    path: str
    passphrase: str


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The first line of a passphrase file (trailing newline and a BOM dropped)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return text.splitlines()[0] if text else ""


def sidecar_path(key_path: str | os.PathLike[str]) -> Path:
    """``chair.pem`` -> ``chair.pub.json``: the public part with name and role."""
    path = Path(key_path)
    return path.with_name(path.stem + ".pub.json")


def read_public_info(path: str | os.PathLike[str]) -> PublicKeyInfo:
    """A ``.pub.json`` file (name, role, public key; the fingerprint is recomputed)."""
    return PublicKeyInfo.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def load_signing_key(key: KeyFile) -> Ed25519PrivateKey:
    """Open the key file; a wrong passphrase or an unusable file raises a ``KeyFileError``."""
    return load_private_key(key.path, key.passphrase)


def load_with_sidecar(key: KeyFile) -> tuple[Ed25519PrivateKey, PublicKeyInfo | None]:
    """The key and, when its ``.pub.json`` is beside it, the public info it must match."""
    private = load_signing_key(key)
    side = sidecar_path(key.path)
    info = read_public_info(side) if side.exists() else None
    if info is not None and info.public_key != public_key_hex(private):
        raise InvalidInput("bundle.sidecar_mismatch", sidecar=str(side), path=key.path)
    return private, info


def load_listed_signer(key: KeyFile) -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    """A key whose ``.pub.json`` (made by ``keys create``) names the signer in a manifest."""
    private, info = load_with_sidecar(key)
    if info is None:
        raise InvalidInput("bundle.sidecar_missing", sidecar=str(sidecar_path(key.path)))
    return private, info


def bundle_folder(parent: str | os.PathLike[str], assembly_id: int, now: datetime) -> Path:
    """A new folder inside ``parent`` for one export: ``tally-bundle-3-20260314-101500``.

    A bundle is written only into an empty folder, so each export gets its own; the user
    picks where (a USB stick), not a name to get right. A second export in the same second
    gets ``-2``, ``-3``, …
    """
    stamp = now.strftime("%Y%m%d-%H%M%S")
    base = f"{FOLDER_PREFIX}-{assembly_id}-{stamp}"
    target = Path(parent) / base
    suffix = 1
    while target.exists():
        suffix += 1
        target = target.with_name(f"{base}-{suffix}")
    return target


def export_signed(
    db: Database,
    assembly_id: int,
    keys: Sequence[KeyFile],
    *,
    out: str | os.PathLike[str] | None = None,
    into: str | os.PathLike[str] | None = None,
    contest_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> Path:
    """Sign the counted contests (all when ``contest_ids`` is None) with ``keys``.

    ``out`` is the bundle folder itself (the command line's ``--out``); ``into`` is a
    folder to make a fresh :func:`bundle_folder` in (the window's choice of a place).
    Every key is opened before anything is written, and each must belong to a signer
    registered for the assembly (``InvalidInput("tally.key_not_registered")``): the
    registered name and role are what the bundle lists.
    """
    if (out is None) == (into is None):
        raise ValueError("give exactly one of out and into")
    moment = now or utc_now()
    loaded = [(key, load_signing_key(key)) for key in keys]
    with db.uow() as uow:
        registered = {s.info.public_key: s.info for s in signers.list_signers(uow, assembly_id)}
    signed: list[tuple[Ed25519PrivateKey, PublicKeyInfo]] = []
    for key, private in loaded:
        public = public_key_hex(private)
        info = registered.get(public)
        if info is None:
            raise InvalidInput(
                "tally.key_not_registered", path=key.path, fingerprint=fingerprint(public)
            )
        signed.append((private, info))
    if into is not None:
        os.makedirs(into, exist_ok=True)
        target = bundle_folder(into, assembly_id, moment)
    else:
        assert out is not None
        target = Path(out)
    with db.uow() as uow:
        return tally.export_bundle(uow, assembly_id, contest_ids, target, signed, moment)
