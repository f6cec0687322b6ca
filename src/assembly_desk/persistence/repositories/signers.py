"""Who may sign an assembly's tallies, as stored: public keys and the signature policy."""

from __future__ import annotations

from sqlalchemy import select

from assembly_desk.persistence.models_tally import SignaturePolicyRow, TallySignerRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def key_registered(uow: UnitOfWork, assembly_id: int, public_key: str) -> bool:
    found = uow.session.execute(
        select(TallySignerRow.id).where(
            TallySignerRow.assembly_id == assembly_id,
            TallySignerRow.public_key == public_key,
        )
    ).first()
    return found is not None


def add(uow: UnitOfWork, row: TallySignerRow) -> TallySignerRow:
    """Store a signer and give it its id (flushed, so the policy read next includes it)."""
    uow.session.add(row)
    uow.session.flush()
    return row


def of_assembly(uow: UnitOfWork, assembly_id: int) -> list[TallySignerRow]:
    """Registered signers in registration order."""
    return list(
        uow.session.execute(
            select(TallySignerRow)
            .where(TallySignerRow.assembly_id == assembly_id)
            .order_by(TallySignerRow.id)
        ).scalars()
    )


def policy(uow: UnitOfWork, assembly_id: int) -> SignaturePolicyRow | None:
    return uow.session.get(SignaturePolicyRow, assembly_id)


def save_policy(
    uow: UnitOfWork, assembly_id: int, required_roles_json: str, min_witnesses: int
) -> None:
    """Create or replace the assembly's policy (flushed, so a read right after sees it)."""
    row = uow.session.get(SignaturePolicyRow, assembly_id)
    if row is None:
        row = SignaturePolicyRow(assembly_id=assembly_id)
        uow.session.add(row)
    row.required_roles_json = required_roles_json
    row.min_witnesses = min_witnesses
    uow.session.flush()
