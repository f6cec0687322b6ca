"""Kept scans as the database receives them: one ``offline_scan`` row per scan uuid.

The row is written in the same transaction as the check-in it carries, so a resend after a
crash between "sent" and "removed from the laptop's queue" finds its uuid and creates
nothing twice. Conflicts (scans that did not simply check someone in) stay for the chair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assembly_desk.persistence.models import OfflineScanRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork


def received(uow: UnitOfWork, scan_id: str) -> bool:
    return uow.session.get(OfflineScanRow, scan_id) is not None


def add(uow: UnitOfWork, row: OfflineScanRow) -> bool:
    """Write the scan's row now (flushed, in a savepoint); False if its uuid is already there.

    A second process resending the same scan waits on this row and then fails its insert,
    so whatever the caller does next runs once. Any other refusal (the scan's assembly is
    gone) is not a duplicate and is raised (``StorageRefused`` once it leaves the unit of
    work).
    """
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        if received(uow, row.scan_id):
            return False  # another process sent this very scan meanwhile
        raise
    return True


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    scan_id: str
    scanned_at: datetime
    desk: str
    code: str
    outcome: str
    person_name: str | None
    other_desk: str
    other_at: datetime | None


def conflicts(uow: UnitOfWork, assembly_id: int, limit: int = 200) -> list[ConflictRecord]:
    """Kept scans the chair must look at, oldest first (one indexed query)."""
    rows = uow.session.execute(
        select(OfflineScanRow, PersonRow.name)
        .outerjoin(PersonRow, PersonRow.id == OfflineScanRow.person_id)
        .where(OfflineScanRow.assembly_id == assembly_id, OfflineScanRow.conflict.is_(True))
        .order_by(OfflineScanRow.scanned_at, OfflineScanRow.scan_id)
        .limit(limit)
    ).all()
    return [
        ConflictRecord(
            row.scan_id,
            row.scanned_at,
            row.desk,
            row.code,
            row.outcome,
            name,
            row.other_desk,
            row.other_at,
        )
        for row, name in rows
    ]
