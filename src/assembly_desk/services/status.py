"""Live counts for the desk and the chair: who is in, per category, and the quorum.

Also the kept scans that arrived from desks after an outage and need the chair (someone
checked in elsewhere meanwhile, an unknown card, not eligible): one indexed query, so the
chair sees them on the status page and ``assembly-desk status`` without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.clock import iso_utc
from assembly_desk.services.offline_queue import Conflict, conflicts


@dataclass(frozen=True, slots=True)
class CategoryCount:
    category: str
    eligible: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class Status:
    assembly_id: int
    title: str
    roll_total: int
    eligible: int
    checked_in: int  # eligible people checked in: the number that counts for quorum
    quorum_required: int
    quorum_met: bool
    quorum_reached_at: datetime | None
    per_category: tuple[CategoryCount, ...]
    per_desk: dict[str, int]
    conflicts: tuple[Conflict, ...] = ()

    @property
    def quorum_missing(self) -> int:
        return max(0, self.quorum_required - self.checked_in)

    def to_json(self) -> dict[str, Any]:
        return {
            "assembly": self.assembly_id,
            "title": self.title,
            "roll_total": self.roll_total,
            "eligible": self.eligible,
            "checked_in": self.checked_in,
            "quorum": {
                "required": self.quorum_required,
                "met": self.quorum_met,
                "missing": self.quorum_missing,
                "reached_at": iso_utc(self.quorum_reached_at) if self.quorum_reached_at else None,
            },
            "per_category": {
                c.category: {"eligible": c.eligible, "checked_in": c.checked_in}
                for c in self.per_category
            },
            "per_desk": self.per_desk,
            "offline_conflicts": [c.to_json() for c in self.conflicts],
        }


def status(uow: UnitOfWork, assembly_id: int | None = None) -> Status:
    """Three grouped queries, so the numbers stay cheap to refresh every second."""
    assembly = get_assembly(uow, assembly_id)
    session = uow.session
    roll = session.execute(
        select(PersonRow.category, PersonRow.eligible, func.count())
        .where(PersonRow.assembly_id == assembly.id)
        .group_by(PersonRow.category, PersonRow.eligible)
    ).all()
    present = session.execute(
        select(PersonRow.category, func.count())
        .select_from(CheckInRow)
        .join(PersonRow, PersonRow.id == CheckInRow.person_id)
        .where(CheckInRow.assembly_id == assembly.id, PersonRow.eligible.is_(True))
        .group_by(PersonRow.category)
    ).all()
    desks = session.execute(
        select(CheckInRow.desk, func.count())
        .where(CheckInRow.assembly_id == assembly.id)
        .group_by(CheckInRow.desk)
    ).all()
    eligible_by_cat: dict[str, int] = {}
    total = 0
    for category, eligible, count in roll:
        total += count
        if eligible:
            eligible_by_cat[category] = eligible_by_cat.get(category, 0) + count
    present_by_cat = {category: count for category, count in present}
    categories = sorted(set(eligible_by_cat) | set(present_by_cat))
    eligible = sum(eligible_by_cat.values())
    checked_in = sum(present_by_cat.values())
    required = assembly.quorum.required(eligible)
    return Status(
        assembly_id=assembly.id,
        title=assembly.title,
        roll_total=total,
        eligible=eligible,
        checked_in=checked_in,
        quorum_required=required,
        quorum_met=required > 0 and checked_in >= required,
        quorum_reached_at=assembly.quorum_reached_at,
        per_category=tuple(
            CategoryCount(c, eligible_by_cat.get(c, 0), present_by_cat.get(c, 0))
            for c in categories
        ),
        per_desk={desk: count for desk, count in desks},
        conflicts=conflicts(uow, assembly.id),
    )
