"""Live counts for the desk and the chair: who is in, per category, and the quorum.

Also the kept scans that arrived from desks after an outage and need the chair (someone
checked in elsewhere meanwhile, an unknown card, not eligible): one indexed query, so the
chair sees them on the status page and ``assembly-desk status`` without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assembly_desk.persistence.repositories import attendance
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
    roll = attendance.roll_groups(uow, assembly.id)
    present_by_cat = attendance.present_by_category(uow, assembly.id)
    desks = attendance.per_desk(uow, assembly.id)
    eligible_by_cat: dict[str, int] = {}
    total = 0
    for category, is_eligible, count in roll:
        total += count
        if is_eligible:
            eligible_by_cat[category] = eligible_by_cat.get(category, 0) + count
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
        per_desk=desks,
        conflicts=conflicts(uow, assembly.id),
    )
