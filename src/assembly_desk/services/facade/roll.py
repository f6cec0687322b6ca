"""The roll over time, as any front asks for it: import, merge, list, correct, export, a card.

The roll page and the ``roll`` commands call these same methods, so a correction typed at a
terminal is checked, audited and refused exactly as one made in the window. Each call opens
its own unit of work.
"""

from __future__ import annotations

from pathlib import Path

from assembly_desk.importers.records import RollPreview
from assembly_desk.services import cards, roll, roll_edit, roll_merge
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database


class RollService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def preview_import(self, assembly_id: int | None, path: Path) -> RollPreview:
        """The preview, with how many of its people are eligible once an assembly is open."""
        if assembly_id is None:
            return roll.preview_import(path)
        with self.db.uow() as uow:
            return roll_merge.preview_for_assembly(uow, assembly_id, path)

    def import_roll(
        self, assembly_id: int, path: Path, preview: RollPreview | None
    ) -> roll.ImportReport:
        """Import exactly what was previewed (``roll.ImportRejected`` lists the problems)."""
        with self.db.uow() as uow:
            return roll.import_roll(uow, assembly_id, path, utc_now(), preview=preview)

    def preview_merge(self, assembly_id: int, path: Path) -> roll_merge.MergePlan:
        with self.db.uow() as uow:
            return roll_merge.preview_merge(uow, assembly_id, path)

    def merge_roll(
        self, assembly_id: int, path: Path, plan: roll_merge.MergePlan
    ) -> roll_merge.MergeReport:
        with self.db.uow() as uow:
            return roll_merge.merge_roll(uow, assembly_id, path, utc_now(), plan)

    def list_roll(self, assembly_id: int, flt: roll_edit.RollFilter) -> list[roll_edit.RollEntry]:
        with self.db.uow() as uow:
            return roll_edit.list_roll(uow, assembly_id, flt)

    def correct_person(
        self, assembly_id: int, person_id: int, correction: roll_edit.Correction, desk: str
    ) -> roll_edit.Corrected:
        with self.db.uow() as uow:
            return roll_edit.correct_person(
                uow, assembly_id, person_id, correction, desk, utc_now()
            )

    def export_roll(self, assembly_id: int, path: Path) -> int:
        with self.db.uow() as uow:
            return roll_edit.export_roll(uow, assembly_id, path)

    def write_card(
        self, assembly_id: int, person_id: int, path: Path, desk: str
    ) -> cards.CardsResult:
        with self.db.uow() as uow:
            return cards.write_card(uow, assembly_id, person_id, path, desk, utc_now())
