"""Assemblies as stored: one row each, with the eligible count the services keep in step."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update

from assembly_desk.persistence.models import AssemblyRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def add(uow: UnitOfWork, row: AssemblyRow) -> AssemblyRow:
    """Store a new assembly and give it its id (flushed, not committed)."""
    uow.session.add(row)
    uow.session.flush()
    return row


def get(uow: UnitOfWork, assembly_id: int) -> AssemblyRow | None:
    return uow.session.get(AssemblyRow, assembly_id)


def reread(uow: UnitOfWork, assembly_id: int) -> AssemblyRow | None:
    """The row as the database has it now, not as this transaction first loaded it."""
    return uow.session.get(AssemblyRow, assembly_id, populate_existing=True)


def newest(uow: UnitOfWork) -> AssemblyRow | None:
    return uow.session.execute(
        select(AssemblyRow).order_by(AssemblyRow.id.desc()).limit(1)
    ).scalar_one_or_none()


def in_order(uow: UnitOfWork) -> list[AssemblyRow]:
    return list(uow.session.execute(select(AssemblyRow).order_by(AssemblyRow.id)).scalars())


def add_eligible(uow: UnitOfWork, assembly_id: int, n: int) -> None:
    """Move the stored eligible count by ``n`` in the database (no read, no lost update)."""
    if n:
        uow.session.execute(
            update(AssemblyRow)
            .where(AssemblyRow.id == assembly_id)
            .values(eligible_count=AssemblyRow.eligible_count + n)
        )


_ASSEMBLY = cast(Table, AssemblyRow.__table__)
_QUORUM_REACHED_AT = select(_ASSEMBLY.c.quorum_reached_at).where(
    _ASSEMBLY.c.id == bindparam("assembly_id")
)
_SET_QUORUM_REACHED = (
    update(_ASSEMBLY)
    .where(_ASSEMBLY.c.id == bindparam("assembly_id"))
    .values(quorum_reached_at=bindparam("at"))
)


def quorum_reached_at(uow: UnitOfWork, assembly_id: int) -> datetime | None:
    """The stored moment quorum was reached, as the database has it now (None: not yet)."""
    found = uow.session.connection().execute(_QUORUM_REACHED_AT, {"assembly_id": assembly_id})
    return cast(datetime | None, found.scalar_one())


def set_quorum_reached(uow: UnitOfWork, assembly_id: int, at: datetime) -> None:
    """Record the moment quorum was reached (the caller holds the audit-chain lock)."""
    uow.session.connection().execute(_SET_QUORUM_REACHED, {"assembly_id": assembly_id, "at": at})
