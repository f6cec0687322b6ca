"""Before the day, as any front asks for it: assemblies, the roll's import, the demo.

The command line used to open units of work for these itself; here each use case opens
its own, so ``assembly create`` typed at a terminal and the set-up page behave alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assembly_desk.domain.assembly import Assembly
from assembly_desk.importers.records import RollPreview
from assembly_desk.services import assemblies, roll
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database

if TYPE_CHECKING:  # the demo (cards, ballots: reportlab, PIL) loads when it runs
    from assembly_desk.services import demo


class SetupService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def assembly_id(self, requested: int | None) -> int:
        """The assembly a command is about: ``requested``, else the newest (``NotFound``)."""
        with self.db.uow() as uow:
            return assemblies.get_assembly(uow, requested).id

    def assembly(self, requested: int | None) -> Assembly:
        with self.db.uow() as uow:
            return assemblies.get_assembly(uow, requested)

    def create_assembly(self, spec: assemblies.AssemblySpec) -> Assembly:
        with self.db.uow() as uow:
            return assemblies.create_assembly(uow, spec, utc_now())

    def list_assemblies(self) -> list[Assembly]:
        with self.db.uow() as uow:
            return assemblies.list_assemblies(uow)

    def preview_import(self, path: Path) -> RollPreview:
        return roll.preview_import(path)

    def import_roll(
        self, assembly_id: int, path: Path, preview: RollPreview | None
    ) -> roll.ImportReport:
        """Import exactly what was previewed (``roll.ImportRejected`` lists the problems)."""
        with self.db.uow() as uow:
            return roll.import_roll(uow, assembly_id, path, utc_now(), preview=preview)

    def run_demo(
        self, out_dir: Path, residents: int, seed: int, say: Callable[[str], None]
    ) -> demo.DemoReport:
        """The sample assembly; refused on a database that already holds one (``Refused``)."""
        from assembly_desk.services import demo

        return demo.run_demo(self.db, out_dir, residents=residents, seed=seed, say=say)
