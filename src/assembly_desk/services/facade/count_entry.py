"""The count-entry services as the page calls them, from inside the database thread only.

Each method is one unit of work; the page submits them to ``DbWorker`` and gets plain data
back by signal, so typing never waits on a disk or a network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assembly_desk.domain.contests import Contest, PollState
from assembly_desk.services import contests, count_entry, external_channels, reconciliation
from assembly_desk.services.clock import utc_now
from assembly_desk.services.count_entry import Batch, BatchKind, Comparison, Entry, Side
from assembly_desk.services.database import Database
from assembly_desk.services.external_channels import ExternalTotals
from assembly_desk.services.reconciliation import Reconciliation


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One contest on the reconciliation sheet, with its external channels beside it."""

    reconciliation: Reconciliation
    external: tuple[ExternalTotals, ...]


class CountEntryService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def contests(self, assembly_id: int) -> list[Contest]:
        """Contests past their draft: papers exist only once a poll has opened."""
        with self.db.uow() as uow:
            return [
                c
                for c in contests.list_contests(uow, assembly_id)
                if c.state is not PollState.DRAFT
            ]

    def batches(self, contest_id: int) -> list[Batch]:
        with self.db.uow() as uow:
            return count_entry.list_batches(uow, contest_id)

    def create_batch(
        self, contest_id: int, label: str, expected: int | None, kind: BatchKind
    ) -> Batch:
        with self.db.uow() as uow:
            return count_entry.create_batch(
                uow, contest_id, label, utc_now(), expected_size=expected, kind=kind
            )

    def load_entry(self, batch_id: int, side: Side) -> Entry | None:
        with self.db.uow() as uow:
            return count_entry.get_entry(uow, batch_id, side)

    def save_entry(self, batch_id: int, side: Side, volunteer: str, marks: Sequence[Any]) -> int:
        with self.db.uow() as uow:
            return count_entry.save_entry(uow, batch_id, side, volunteer, marks, utc_now())

    def save_totals(
        self, batch_id: int, side: Side, volunteer: str, totals: dict[str, Any]
    ) -> dict[str, Any]:
        with self.db.uow() as uow:
            return count_entry.save_totals_entry(uow, batch_id, side, volunteer, totals, utc_now())

    def compare(self, batch_id: int) -> Comparison:
        with self.db.uow() as uow:
            return count_entry.compare(uow, batch_id)

    def resolve(self, batch_id: int, item: str, value: Any, who: str) -> Comparison:
        with self.db.uow() as uow:
            return count_entry.resolve(uow, batch_id, item, value, who, utc_now())

    def commit(self, batch_id: int) -> count_entry.Committed:
        with self.db.uow() as uow:
            return count_entry.commit_batch(uow, batch_id, utc_now())

    def sheet(self, assembly_id: int) -> list[SheetRow]:
        with self.db.uow() as uow:
            return [
                SheetRow(r, tuple(external_channels.external_totals(uow, r.contest_id)))
                for r in reconciliation.reconcile_assembly(uow, assembly_id)
            ]

    def enter_spoiled(
        self, contest_id: int, spoiled: int, reason: str, passphrase: str
    ) -> Reconciliation:
        with self.db.uow() as uow:
            return reconciliation.enter_spoiled(
                uow, contest_id, spoiled, reason, passphrase, utc_now()
            )
