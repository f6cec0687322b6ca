"""Comparing entry A with entry B, and settling each difference by looking at the paper.

A batch commits only when the two entries agree or every difference has been settled.
Ballots batches are compared paper by paper after alignment; totals batches field by
field. The comparison also yields what the commit would store, so the commit stores
exactly what was shown as agreed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assembly_desk.domain.errors import NotFound
from assembly_desk.persistence.models_count import PaperBatchRow, PaperEntryRow
from assembly_desk.persistence.repositories import count_sheets
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row, definition_of
from assembly_desk.services.count_entry.alignment import aligned
from assembly_desk.services.count_entry.batches import (
    BatchKind,
    Side,
    batch_row,
    open_batch_row,
    volunteer_name,
)
from assembly_desk.services.count_entry.entries import check_count
from assembly_desk.services.count_entry.marks import Mark, mark_key, normalise_mark


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where A and B disagree.

    ``item`` names it for :func:`resolve`: ``"<a>:<b>"`` with 1-based positions in each
    entry (``-`` where that entry has no paper), or a totals field (``option:<name>``,
    ``blank``, ``invalid``, ``papers``). ``resolved`` is True once settled, with the value.
    """

    item: str
    position_a: int | None
    position_b: int | None
    a: Any
    b: Any
    resolved: bool = False
    value: Any = None
    resolved_by: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    batch_id: int
    kind: BatchKind
    volunteers: dict[str, str]
    count_a: int
    count_b: int
    differences: tuple[Difference, ...]
    multiset_equal: bool  # ballots batches: same papers, whatever the order
    expected_size: int | None = None
    missing: tuple[Side, ...] = ()
    result_count: int = 0  # papers the commit would store
    problems: tuple[str, ...] = field(default=())

    @property
    def unresolved(self) -> int:
        return sum(1 for d in self.differences if not d.resolved)

    @property
    def ready(self) -> bool:
        """Both entries exist and every difference is settled: the batch may be committed."""
        return not self.missing and self.unresolved == 0

    @property
    def expected_mismatch(self) -> bool:
        return self.expected_size is not None and self.result_count != self.expected_size


def _item(pa: int | None, pb: int | None) -> str:
    return f"{pa if pa is not None else '-'}:{pb if pb is not None else '-'}"


def _resolutions(uow: UnitOfWork, batch_id: int) -> dict[str, tuple[Any, str]]:
    rows = count_sheets.resolutions_of(uow, batch_id)
    return {r.item: (json.loads(r.value_json), r.resolved_by) for r in rows}


def _entries(uow: UnitOfWork, batch_id: int) -> dict[Side, PaperEntryRow]:
    return {Side(r.side): r for r in count_sheets.entries_of(uow, batch_id)}


def compare_row(uow: UnitOfWork, row: PaperBatchRow) -> tuple[Comparison, list[Any]]:
    """The comparison, and what the commit would store (marks, or totals)."""
    entries = _entries(uow, row.id)
    missing = tuple(s for s in Side if s not in entries)
    volunteers = {s.value: e.volunteer for s, e in entries.items()}
    settled = _resolutions(uow, row.id)
    kind = BatchKind(row.kind)
    pa = json.loads(entries[Side.A].payload_json) if Side.A in entries else None
    pb = json.loads(entries[Side.B].payload_json) if Side.B in entries else None
    diffs: list[Difference] = []
    result: list[Any] = []
    if kind is BatchKind.BALLOTS:
        a: list[Mark] = pa or []
        b: list[Mark] = pb or []
        if not missing:
            for ia, ib in aligned(a, b):
                ma = a[ia - 1] if ia is not None else None
                mb = b[ib - 1] if ib is not None else None
                if mark_key(ma) == mark_key(mb):
                    result.append(ma)
                    continue
                item = _item(ia, ib)
                if item in settled:
                    value, who = settled[item]
                    diffs.append(Difference(item, ia, ib, ma, mb, True, value, who))
                    if value is not None:
                        result.append(value)
                else:
                    diffs.append(Difference(item, ia, ib, ma, mb))
        same = Counter(map(mark_key, a)) == Counter(map(mark_key, b))
        comparison = Comparison(
            row.id,
            kind,
            volunteers,
            len(a),
            len(b),
            tuple(diffs),
            same and not missing,
            row.expected_size,
            missing,
            len(result),
        )
        return comparison, result
    ta = pa or {}
    tb = pb or {}
    merged: dict[str, Any] = {"options": {}}
    if not missing:
        fields = [f"option:{n}" for n in ta["options"]] + ["blank", "invalid", "papers"]
        for item in fields:
            va = ta["options"][item[7:]] if item.startswith("option:") else ta[item]
            vb = tb["options"][item[7:]] if item.startswith("option:") else tb[item]
            value = va
            if va != vb:
                if item in settled:
                    value, who = settled[item]
                    diffs.append(Difference(item, None, None, va, vb, True, value, who))
                else:
                    diffs.append(Difference(item, None, None, va, vb))
            if item.startswith("option:"):
                merged["options"][item[7:]] = value
            else:
                merged[item] = value
    comparison = Comparison(
        row.id,
        kind,
        volunteers,
        int(ta.get("papers", 0)),
        int(tb.get("papers", 0)),
        tuple(diffs),
        not diffs and not missing,
        row.expected_size,
        missing,
        int(merged.get("papers", 0)),
    )
    return comparison, [merged]


def compare(uow: UnitOfWork, batch_id: int) -> Comparison:
    """Entry A against entry B, with the differences and how each was settled."""
    return compare_row(uow, batch_row(uow, batch_id))[0]


def resolve(
    uow: UnitOfWork, batch_id: int, item: str, value: Any, resolved_by: str, now: datetime
) -> Comparison:
    """Settle one difference with the value the paper really shows.

    For a ballots batch ``value`` is a mark, or None where the paper does not exist (one
    entry typed it twice). For a totals batch it is the right count.
    """
    row = open_batch_row(uow, batch_id)
    who = volunteer_name(resolved_by)
    comparison = compare_row(uow, row)[0]
    if item not in {d.item for d in comparison.differences}:
        raise NotFound("count_entry.no_such_difference", item=item)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    clean: Mark | int | None
    if row.kind == BatchKind.BALLOTS.value:
        clean = None if value is None else normalise_mark(defn, value)
    else:
        clean = check_count(value)
    existing = count_sheets.resolution(uow, row.id, item)
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    if existing is None:
        count_sheets.add_resolution(uow, row.id, item, text, who, now)
    else:
        existing.value_json, existing.resolved_by, existing.resolved_at = text, who, now
    uow.commit()
    return compare_row(uow, row)[0]
