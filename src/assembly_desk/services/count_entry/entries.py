"""The two entries of a batch, saved as they are typed so a laptop that dies loses nothing.

Entry A and entry B are typed by two volunteers independently. Each save replaces the
whole entry (one row, one JSON text: cheap enough after every paper), and a changed
entry clears the batch's settled differences, which may no longer be the same ones.
A totals entry (찬반 counted by tally marks) is checked here to add up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assembly_desk.domain.contests import YES_NO_VOTES, ContestDefinition
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_count import PaperBatchRow
from assembly_desk.persistence.repositories import count_sheets
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row, definition_of
from assembly_desk.services.count_entry.batches import (
    MAX_BATCH,
    TOTALS_TYPES,
    BatchKind,
    Side,
    batch_row,
    open_batch_row,
    volunteer_name,
)
from assembly_desk.services.count_entry.marks import Mark, normalise_mark


@dataclass(frozen=True, slots=True)
class Entry:
    batch_id: int
    side: Side
    volunteer: str
    marks: tuple[Mark, ...] = ()  # ballots batches
    totals: Mapping[str, Any] | None = None  # totals batches
    updated_at: datetime | None = None


def write_entry(
    uow: UnitOfWork, row: PaperBatchRow, side: Side, volunteer: str, payload: Any, now: datetime
) -> None:
    """Replace the entry and commit at once: what was typed survives a laptop that dies."""
    existing = count_sheets.entry(uow, row.id, side.value)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if existing is None:
        count_sheets.add_entry(uow, row.id, side.value, volunteer, text, now)
    else:
        changed = existing.payload_json != text
        existing.volunteer = volunteer
        existing.payload_json = text
        existing.updated_at = now
        if changed:  # a settled difference may no longer be the same difference
            count_sheets.clear_resolutions(uow, row.id)
    uow.commit()


def save_entry(
    uow: UnitOfWork,
    batch_id: int,
    side: Side,
    volunteer: str,
    marks: Sequence[Any],
    now: datetime,
) -> int:
    """Save (replace) entry ``side`` of a ballots batch; returns the number of papers.

    Called after every typed paper (from the GUI's worker), so it must stay cheap: one
    row, one JSON text. Changing an entry clears the batch's resolutions.
    """
    row = open_batch_row(uow, batch_id)
    if row.kind != BatchKind.BALLOTS.value:
        raise Refused("count_entry.wrong_kind")
    name = volunteer_name(volunteer)
    if len(marks) > MAX_BATCH:
        raise InvalidInput("count_entry.batch_too_big", max=MAX_BATCH)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    clean = [normalise_mark(defn, m) for m in marks]
    write_entry(uow, row, Side(side), name, clean, now)
    return len(clean)


def check_count(value: Any) -> int:
    """A count as typed: a whole number from 0 to 10**9 (a bool is not a count)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**9:
        raise InvalidInput("count_entry.bad_total")
    return value


def normalise_totals(defn: ContestDefinition, totals: Mapping[str, Any]) -> dict[str, Any]:
    """``{"options": {name: n}, "blank": n, "invalid": n, "papers": n}`` checked and filled.

    Only for 찬반 (``Refused("count_entry.totals_yes_no_only")`` otherwise): the options
    are ``yes``, ``no``, ``abstain`` and every paper carries one mark, so ``papers`` is
    their sum plus blank and invalid (given or not, it must match).
    """
    if defn.ballot_type not in TOTALS_TYPES:
        raise Refused("count_entry.totals_yes_no_only")
    if not isinstance(totals, Mapping) or not set(totals) <= {
        "options",
        "blank",
        "invalid",
        "papers",
    }:
        raise InvalidInput("count_entry.bad_total")
    given = totals.get("options") or {}
    if not isinstance(given, Mapping) or not set(given) <= set(YES_NO_VOTES):
        raise InvalidInput("count_entry.unknown_option")
    options = {n: check_count(given.get(n, 0)) for n in YES_NO_VOTES}
    blank_n = check_count(totals.get("blank", 0))
    invalid_n = check_count(totals.get("invalid", 0))
    papers = sum(options.values()) + blank_n + invalid_n
    if totals.get("papers") is not None and check_count(totals["papers"]) != papers:
        raise InvalidInput("count_entry.papers_mismatch", papers=papers)
    return {"options": options, "blank": blank_n, "invalid": invalid_n, "papers": papers}


def save_totals_entry(
    uow: UnitOfWork,
    batch_id: int,
    side: Side,
    volunteer: str,
    totals: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Save entry ``side`` of a totals batch; returns the checked totals."""
    row = open_batch_row(uow, batch_id)
    if row.kind != BatchKind.TOTALS.value:
        raise Refused("count_entry.wrong_kind")
    name = volunteer_name(volunteer)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    clean = normalise_totals(defn, totals)
    write_entry(uow, row, Side(side), name, clean, now)
    return clean


def get_entry(uow: UnitOfWork, batch_id: int, side: Side) -> Entry | None:
    """A saved entry, to resume typing after a restart; None when nothing was typed yet."""
    row = batch_row(uow, batch_id)
    entry = count_sheets.entry(uow, batch_id, Side(side).value)
    if entry is None:
        return None
    payload = json.loads(entry.payload_json)
    if row.kind == BatchKind.TOTALS.value:
        return Entry(batch_id, Side(side), entry.volunteer, (), payload, entry.updated_at)
    return Entry(batch_id, Side(side), entry.volunteer, tuple(payload), None, entry.updated_at)
