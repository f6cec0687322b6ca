"""The chair's passphrase hash as stored: one row per assembly (its parameters inside)."""

from __future__ import annotations

from assembly_desk.persistence.models_ballots import ChairPassphraseRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def get(uow: UnitOfWork, assembly_id: int) -> ChairPassphraseRow | None:
    return uow.session.get(ChairPassphraseRow, assembly_id)


def add(uow: UnitOfWork, assembly_id: int, scrypt_hash: str) -> None:
    uow.session.add(ChairPassphraseRow(assembly_id=assembly_id, scrypt_hash=scrypt_hash))
