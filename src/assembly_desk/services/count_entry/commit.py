"""Committing a batch: its papers become ballots, and how they were typed is forgotten.

The rules are those of ``voting.record_paper_ballot`` — poll closed, form checked, never
more paper than was issued, random 128-bit ids, no person — applied to the whole batch
in ONE transaction: the ballots are shuffled before they are stored, the typed entries
(which keep the stack order) are deleted, and the audit event, with counts only, is
appended in the same transaction.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assembly_desk.domain.contests import PollState, selection_json
from assembly_desk.domain.errors import Refused
from assembly_desk.persistence.repositories import ballots as ballot_rows
from assembly_desk.persistence.repositories import count_sheets
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.contests import contest_row, definition_of, poll_counts
from assembly_desk.services.count_entry.batches import BatchKind, BatchState, open_batch_row
from assembly_desk.services.count_entry.comparison import compare_row
from assembly_desk.services.count_entry.entries import normalise_totals
from assembly_desk.services.count_entry.marks import (
    Mark,
    blank_selection,
    invalid_reason,
    invalid_selection,
    is_blank,
    stored_selection,
)
from assembly_desk.services.count_entry.totals import paper_counted


@dataclass(frozen=True, slots=True)
class Committed:
    """What a commit stored: counts only (no selections leave this function)."""

    batch_id: int
    label: str
    papers: int
    blank: int
    invalid: int
    invalid_reasons: dict[str, int]


def commit_batch(uow: UnitOfWork, batch_id: int, now: datetime) -> Committed:
    """Store an agreed (or settled) batch in one transaction, then forget how it was typed.

    Refused unless the poll is closed, both entries exist, every difference is settled,
    and the contest's paper count stays within the paper ballots issued. A totals batch
    (찬반 only) is stored as one ballot per paper, exactly as if typed paper by paper.
    """
    row = open_batch_row(uow, batch_id)
    contest = contest_row(uow, row.contest_id, lock="update")
    count_sheets.reread(uow, row)  # under the lock: another desk may have committed it
    row = open_batch_row(uow, batch_id)
    if contest.state != PollState.CLOSED.value:
        raise Refused("poll.not_closed")
    comparison, result = compare_row(uow, row)
    if comparison.missing:
        raise Refused("count_entry.needs_both", side=comparison.missing[0].value)
    if comparison.unresolved:
        raise Refused("count_entry.unresolved", count=comparison.unresolved)
    defn = definition_of(uow, contest)
    issued = poll_counts(uow, contest.id).issued_paper
    ballots, totals = paper_counted(uow, contest.id)
    entered_by = sorted(set(comparison.volunteers.values()))
    resolved_by = sorted({d.resolved_by for d in comparison.differences})
    if row.kind == BatchKind.BALLOTS.value:
        marks: list[Mark] = result
        papers = len(marks)
        n_blank = sum(1 for m in marks if is_blank(m))
        reasons = Counter(r for m in marks if (r := invalid_reason(m)) is not None)
        n_invalid = sum(reasons.values())
    else:
        merged = normalise_totals(defn, result[0])  # settled values must still add up
        papers, n_blank, n_invalid = merged["papers"], merged["blank"], merged["invalid"]
        reasons = Counter()
    if ballots + totals + papers > issued:
        raise Refused("vote.paper_excess", issued=issued)
    if row.kind == BatchKind.BALLOTS.value:
        selections = [stored_selection(defn, m) for m in marks]
    else:
        # One paper, one mark: the totals are the papers. Kept in paper_totals as the
        # record of what was tallied, and stored as ballots to be counted and recounted.
        selections = [{"vote": v} for v, n in merged["options"].items() for _ in range(n)]
        selections += [blank_selection(defn)] * n_blank
        selections += [invalid_selection(defn)] * n_invalid
        count_sheets.add_totals(uow, row.id, contest.id, merged["options"])
    rows: list[dict[str, object]] = [
        {"id": secrets.token_hex(16), "contest_id": contest.id, "selection_json": selection_json(s)}
        for s in selections
    ]
    # Neither typing order nor stack order may reach storage: shuffle, and on SQLite the
    # WITHOUT ROWID table stores by random id anyway.
    secrets.SystemRandom().shuffle(rows)
    ballot_rows.insert_ballots(uow, rows)
    count_sheets.forget_typing(uow, row.id)
    row.state = BatchState.COMMITTED.value
    row.committed_at = now
    row.papers, row.blank, row.invalid = papers, n_blank, n_invalid
    data: dict[str, Any] = {
        "contest": contest.id,
        "batch": row.label,
        "kind": row.kind,
        "ballots": papers,
        "blank": n_blank,
        "invalid": n_invalid,
        "invalid_reasons": dict(sorted(reasons.items())),
        "entrants": len(entered_by),
        "resolved": len(comparison.differences),
    }
    # The volunteers' names are sealed (officials only); the published log shows that two
    # people entered the batch and how many differences were resolved.
    private = {"entered_by": entered_by, "resolved_by": resolved_by}
    if row.kind == BatchKind.TOTALS.value:
        data["totals"] = dict(merged["options"])
    kind = (
        "paper.batch_committed" if row.kind == BatchKind.BALLOTS.value else "paper.totals_committed"
    )
    audit_log.append(uow, kind, data, now, private)
    uow.commit()
    return Committed(row.id, row.label, papers, n_blank, n_invalid, dict(sorted(reasons.items())))
