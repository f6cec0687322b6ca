"""Paper ballots at the count table: batches typed twice, compared, then committed.

A batch (one box or stack, "상자 1") of one contest is typed by two volunteers
independently (entry A and entry B). Each entry is saved as it is typed, in tables of its
own, so a laptop that dies loses nothing. The two entries are compared position by
position (aligned, so one skipped paper shows as one difference, not as every paper after
it); the batch commits only when they agree or every difference has been settled by
someone who looked at the paper. Committing stores the papers as ballots with the same
rules as ``voting.record_paper_ballot`` — poll closed, form checked, never more paper than
was issued, random 128-bit ids, no person — but all in ONE transaction and shuffled, and
deletes the typed entries, because their stack order must not survive next to the
ballots. The audit event carries counts only.

A mark, as typed and stored in an entry, is plain JSON:

* a selection in the contest's shape (``{"vote": "yes"}``, ``{"choices": ["A"]}``, …);
* ``{"blank": true}`` — an unmarked paper (백지);
* ``{"invalid": "<reason>"}`` — a paper that cannot be read as a selection (무효).

Blank and invalid papers are ballots too: they are stored, and every counting method
counts them as invalid (``blank_selection`` → ``empty``; ``invalid_selection`` → a
duplicate or unknown mark, see there). They are never dropped.

Committees that count 찬반 by tally marks may enter per-option *totals* for a batch
instead (``BatchKind.TOTALS``): entered twice and compared the same way. A 찬반 paper
carries exactly one mark (yes, no, abstain) or is blank or invalid, so the agreed totals
give the papers exactly: the commit stores one ballot per paper, like a ballots batch
(random ids, shuffled, no person, same transaction), so the count and the signed bundle
recount them like any other ballot. The totals are kept in ``paper_totals`` as the record
of what was tallied; they are never counted on top of the ballots. Other ballot types
cannot be rebuilt from totals (which marks shared a paper is lost), so they are refused.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, insert, select

from assembly_desk.domain.contests import (
    YES_NO_VOTES,
    BallotType,
    ContestDefinition,
    PollState,
    check_shape,
    selection_json,
)
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence.models_ballots import BallotRow
from assembly_desk.persistence.models_count import (
    PaperBatchRow,
    PaperEntryRow,
    PaperResolutionRow,
    PaperTotalsRow,
)
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.contests import contest_row, definition_of, poll_counts

Mark = dict[str, Any]

MAX_LABEL = 60
MAX_NAME = 100
MAX_BATCH = 20_000
_BAND = 32  # how far the two entries may drift apart beyond their length difference

INVALID_REASONS = ("unclear", "marked", "damaged", "unofficial", "other")
"""Why a paper is invalid: intent unclear, identifying mark, damaged, not an official
paper, other. Kept as counts in the audit event; the stored ballot is invalid either way."""

INVALID_MARK = "무효"
"""The name written into an invalid paper's stored selection. For choice-like ballots it
appears twice: a duplicate (or, with N=1, an overvote) is invalid under every method,
whether or not the count is given the candidate list, so no count can take it for a vote.
For 찬반 it is not one of yes/no/abstain (``bad_vote``); for a score sheet it carries a
negative score (``bad_score``)."""


class Side(StrEnum):
    A = "A"
    B = "B"


class BatchKind(StrEnum):
    BALLOTS = "ballots"  # paper by paper
    TOTALS = "totals"  # per-option totals from tally marks (찬반 only)


class BatchState(StrEnum):
    OPEN = "open"
    COMMITTED = "committed"


TOTALS_TYPES = frozenset({BallotType.YES_NO})
"""Ballot types whose totals turn into ballots exactly: one mark per paper."""


# --- marks ------------------------------------------------------------------------------


def blank() -> Mark:
    return {"blank": True}


def invalid(reason: str = "unclear") -> Mark:
    return {"invalid": reason}


def is_blank(mark: Mark) -> bool:
    return mark.get("blank") is True


def invalid_reason(mark: Mark) -> str | None:
    value = mark.get("invalid")
    return value if isinstance(value, str) else None


def blank_selection(defn: ContestDefinition) -> dict[str, Any]:
    """What a blank paper is stored as: the empty selection (counted ``empty``)."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return {"vote": None}
        case BallotType.CHOOSE_N | BallotType.BUDGET:
            return {"choices": []}
        case BallotType.RANKED:
            return {"ranking": []}
        case BallotType.SCORE:
            return {"scores": {}}
    raise AssertionError(defn.ballot_type)


def invalid_selection(defn: ContestDefinition) -> dict[str, Any]:
    """What an invalid paper is stored as: a selection every method rejects (see INVALID_MARK)."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return {"vote": INVALID_MARK}
        case BallotType.CHOOSE_N | BallotType.BUDGET:
            return {"choices": [INVALID_MARK, INVALID_MARK]}
        case BallotType.RANKED:
            return {"ranking": [INVALID_MARK, INVALID_MARK]}
        case BallotType.SCORE:
            return {"scores": {INVALID_MARK: -1}}
    raise AssertionError(defn.ballot_type)


def _is_empty(selection: dict[str, Any]) -> bool:
    (value,) = selection.values()
    return value is None or value == "" or value == [] or value == {}


def normalise_mark(defn: ContestDefinition, mark: Any) -> Mark:
    """A mark in its one stored form; an empty selection becomes ``blank``.

    Raises ``InvalidInput("count_entry.bad_mark")`` for anything else, so an entry never
    holds something the commit would refuse.
    """
    if isinstance(mark, dict) and set(mark) == {"blank"}:
        if mark["blank"] is not True:
            raise InvalidInput("count_entry.bad_mark")
        return blank()
    if isinstance(mark, dict) and set(mark) == {"invalid"}:
        if mark["invalid"] not in INVALID_REASONS:
            raise InvalidInput("count_entry.bad_reason")
        return invalid(mark["invalid"])
    try:
        sel = check_shape(defn, mark)
    except InvalidInput:
        raise InvalidInput("count_entry.bad_mark") from None
    if _is_empty(sel):
        return blank()
    if defn.ballot_type in (BallotType.CHOOSE_N, BallotType.BUDGET):
        # A paper cannot carry the same mark twice: a repeated name is a typing slip.
        sel = {"choices": list(dict.fromkeys(sel["choices"]))}
    return sel


def mark_key(mark: Mark | None) -> str:
    """Canonical text of a mark, for comparing entries (None: no paper at this position)."""
    return "-" if mark is None else selection_json(mark)


def stored_selection(defn: ContestDefinition, mark: Mark) -> dict[str, Any]:
    if is_blank(mark):
        return blank_selection(defn)
    if invalid_reason(mark) is not None:
        return invalid_selection(defn)
    return check_shape(defn, mark)


# --- batches ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    contest_id: int
    label: str
    kind: BatchKind
    expected_size: int | None
    state: BatchState
    papers: int
    blank: int
    invalid: int
    entered: tuple[Side, ...] = ()  # which entries exist (open batches)


def _batch_row(uow: UnitOfWork, batch_id: int) -> PaperBatchRow:
    row = uow.session.get(PaperBatchRow, batch_id)
    if row is None:
        raise NotFound("count_entry.batch_not_found", id=batch_id)
    return row


def _to_batch(uow: UnitOfWork, row: PaperBatchRow) -> Batch:
    sides = uow.session.execute(
        select(PaperEntryRow.side)
        .where(PaperEntryRow.batch_id == row.id)
        .order_by(PaperEntryRow.side)
    ).scalars()
    return Batch(
        row.id,
        row.contest_id,
        row.label,
        BatchKind(row.kind),
        row.expected_size,
        BatchState(row.state),
        row.papers,
        row.blank,
        row.invalid,
        tuple(Side(s) for s in sides),
    )


def create_batch(
    uow: UnitOfWork,
    contest_id: int,
    label: str,
    now: datetime,
    *,
    expected_size: int | None = None,
    kind: BatchKind = BatchKind.BALLOTS,
) -> Batch:
    """A new batch to type; the label is unique within the contest."""
    row = contest_row(uow, contest_id)
    label = " ".join(label.split())
    if not label:
        raise InvalidInput("count_entry.label_required")
    if len(label) > MAX_LABEL:
        raise InvalidInput("count_entry.label_too_long", max=MAX_LABEL)
    if expected_size is not None and not 0 < expected_size <= MAX_BATCH:
        raise InvalidInput("count_entry.bad_expected", max=MAX_BATCH)
    if kind is BatchKind.TOTALS and BallotType(row.ballot_type) not in TOTALS_TYPES:
        raise Refused("count_entry.totals_yes_no_only")
    taken = uow.session.execute(
        select(PaperBatchRow.id).where(
            PaperBatchRow.contest_id == contest_id, PaperBatchRow.label == label
        )
    ).first()
    if taken is not None:
        raise Refused("count_entry.label_taken", label=label)
    batch = PaperBatchRow(
        contest_id=contest_id,
        label=label,
        kind=kind.value,
        expected_size=expected_size,
        state=BatchState.OPEN.value,
        created_at=now,
        papers=0,
        blank=0,
        invalid=0,
    )
    uow.session.add(batch)
    uow.session.flush()
    uow.commit()
    return _to_batch(uow, batch)


def list_batches(uow: UnitOfWork, contest_id: int) -> list[Batch]:
    rows = uow.session.execute(
        select(PaperBatchRow)
        .where(PaperBatchRow.contest_id == contest_id)
        .order_by(PaperBatchRow.id)
    ).scalars()
    return [_to_batch(uow, r) for r in rows]


def get_batch(uow: UnitOfWork, batch_id: int) -> Batch:
    return _to_batch(uow, _batch_row(uow, batch_id))


def _open_batch(uow: UnitOfWork, batch_id: int) -> PaperBatchRow:
    row = _batch_row(uow, batch_id)
    if row.state != BatchState.OPEN.value:
        raise Refused("count_entry.batch_committed", label=row.label)
    return row


def _volunteer(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("count_entry.name_required")
    if len(name) > MAX_NAME:
        raise InvalidInput("count_entry.name_too_long", max=MAX_NAME)
    return name


# --- entries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    batch_id: int
    side: Side
    volunteer: str
    marks: tuple[Mark, ...] = ()  # ballots batches
    totals: Mapping[str, Any] | None = None  # totals batches
    updated_at: datetime | None = None


def _write_entry(
    uow: UnitOfWork, row: PaperBatchRow, side: Side, volunteer: str, payload: Any, now: datetime
) -> None:
    existing = uow.session.get(PaperEntryRow, (row.id, side.value))
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if existing is None:
        uow.session.add(
            PaperEntryRow(
                batch_id=row.id,
                side=side.value,
                volunteer=volunteer,
                payload_json=text,
                updated_at=now,
            )
        )
    else:
        changed = existing.payload_json != text
        existing.volunteer = volunteer
        existing.payload_json = text
        existing.updated_at = now
        if changed:  # a settled difference may no longer be the same difference
            uow.session.execute(
                delete(PaperResolutionRow).where(PaperResolutionRow.batch_id == row.id)
            )
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
    row = _open_batch(uow, batch_id)
    if row.kind != BatchKind.BALLOTS.value:
        raise Refused("count_entry.wrong_kind")
    name = _volunteer(volunteer)
    if len(marks) > MAX_BATCH:
        raise InvalidInput("count_entry.batch_too_big", max=MAX_BATCH)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    clean = [normalise_mark(defn, m) for m in marks]
    _write_entry(uow, row, Side(side), name, clean, now)
    return len(clean)


def _check_count(value: Any) -> int:
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
    options = {n: _check_count(given.get(n, 0)) for n in YES_NO_VOTES}
    blank_n = _check_count(totals.get("blank", 0))
    invalid_n = _check_count(totals.get("invalid", 0))
    papers = sum(options.values()) + blank_n + invalid_n
    if totals.get("papers") is not None and _check_count(totals["papers"]) != papers:
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
    row = _open_batch(uow, batch_id)
    if row.kind != BatchKind.TOTALS.value:
        raise Refused("count_entry.wrong_kind")
    name = _volunteer(volunteer)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    clean = normalise_totals(defn, totals)
    _write_entry(uow, row, Side(side), name, clean, now)
    return clean


def get_entry(uow: UnitOfWork, batch_id: int, side: Side) -> Entry | None:
    """A saved entry, to resume typing after a restart; None when nothing was typed yet."""
    row = _batch_row(uow, batch_id)
    entry = uow.session.get(PaperEntryRow, (batch_id, Side(side).value))
    if entry is None:
        return None
    payload = json.loads(entry.payload_json)
    if row.kind == BatchKind.TOTALS.value:
        return Entry(batch_id, Side(side), entry.volunteer, (), payload, entry.updated_at)
    return Entry(batch_id, Side(side), entry.volunteer, tuple(payload), None, entry.updated_at)


# --- comparing and settling -------------------------------------------------------------


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


def _aligned(a: Sequence[Mark], b: Sequence[Mark]) -> list[tuple[int | None, int | None]]:
    """Pairs of 1-based positions to compare (a paper only in one entry pairs with None).

    Same length: paper i of A against paper i of B, the natural reading of a stack typed
    twice. Different lengths (a paper skipped or typed twice): the alignment with the
    fewest differences (edit distance), so one missing paper is one difference rather
    than a shift of every later paper. The search keeps to a band around the diagonal,
    so a batch of thousands of papers aligns in well under a second.
    """
    n, m = len(a), len(b)
    if n == m:
        return [(i + 1, i + 1) for i in range(n)]
    ka = [mark_key(x) for x in a]
    kb = [mark_key(x) for x in b]
    lo, hi = min(0, m - n) - _BAND, max(0, m - n) + _BAND
    inf = n + m + 1
    cost = [[inf] * (hi - lo + 1) for _ in range(n + 1)]

    def at(i: int, j: int) -> int:
        return cost[i][j - i - lo] if 0 <= j <= m and lo <= j - i <= hi else inf

    for i in range(n + 1):
        for j in range(max(0, i + lo), min(m, i + hi) + 1):
            if i == 0 and j == 0:
                cost[0][-lo] = 0
                continue
            best = inf
            if i and j:
                best = at(i - 1, j - 1) + (ka[i - 1] != kb[j - 1])
            if i:
                best = min(best, at(i - 1, j) + 1)
            if j:
                best = min(best, at(i, j - 1) + 1)
            cost[i][j - i - lo] = best
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        here = at(i, j)
        if i and j and at(i - 1, j - 1) + (ka[i - 1] != kb[j - 1]) == here:
            pairs.append((i, j))
            i, j = i - 1, j - 1
        elif i and at(i - 1, j) + 1 == here:
            pairs.append((i, None))
            i -= 1
        else:
            pairs.append((None, j))
            j -= 1
    pairs.reverse()
    return pairs


def _item(pa: int | None, pb: int | None) -> str:
    return f"{pa if pa is not None else '-'}:{pb if pb is not None else '-'}"


def _resolutions(uow: UnitOfWork, batch_id: int) -> dict[str, tuple[Any, str]]:
    rows = uow.session.execute(
        select(PaperResolutionRow).where(PaperResolutionRow.batch_id == batch_id)
    ).scalars()
    return {r.item: (json.loads(r.value_json), r.resolved_by) for r in rows}


def _entries(uow: UnitOfWork, batch_id: int) -> dict[Side, PaperEntryRow]:
    rows = uow.session.execute(
        select(PaperEntryRow).where(PaperEntryRow.batch_id == batch_id)
    ).scalars()
    return {Side(r.side): r for r in rows}


def _compare(uow: UnitOfWork, row: PaperBatchRow) -> tuple[Comparison, list[Any]]:
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
            for ia, ib in _aligned(a, b):
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
    return _compare(uow, _batch_row(uow, batch_id))[0]


def resolve(
    uow: UnitOfWork, batch_id: int, item: str, value: Any, resolved_by: str, now: datetime
) -> Comparison:
    """Settle one difference with the value the paper really shows.

    For a ballots batch ``value`` is a mark, or None where the paper does not exist (one
    entry typed it twice). For a totals batch it is the right count.
    """
    row = _open_batch(uow, batch_id)
    who = _volunteer(resolved_by)
    comparison = _compare(uow, row)[0]
    if item not in {d.item for d in comparison.differences}:
        raise NotFound("count_entry.no_such_difference", item=item)
    defn = definition_of(uow, contest_row(uow, row.contest_id))
    if row.kind == BatchKind.BALLOTS.value:
        clean = None if value is None else normalise_mark(defn, value)
    else:
        clean = _check_count(value)
    existing = uow.session.get(PaperResolutionRow, (row.id, item))
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    if existing is None:
        uow.session.add(
            PaperResolutionRow(
                batch_id=row.id, item=item, value_json=text, resolved_by=who, resolved_at=now
            )
        )
    else:
        existing.value_json, existing.resolved_by, existing.resolved_at = text, who, now
    uow.commit()
    return _compare(uow, row)[0]


# --- committing -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Committed:
    """What a commit stored: counts only (no selections leave this function)."""

    batch_id: int
    label: str
    papers: int
    blank: int
    invalid: int
    invalid_reasons: dict[str, int]


def paper_counted(uow: UnitOfWork, contest_id: int) -> tuple[int, int]:
    """(paper ballots typed or recorded one by one, papers committed as tally totals).

    Both are stored as ballots (a totals batch is turned into ballots at commit), so the
    two add up to the paper ballots stored: papers counted, each once.
    """
    counts = poll_counts(uow, contest_id)
    totals = uow.session.execute(
        select(func.coalesce(func.sum(PaperBatchRow.papers), 0)).where(
            PaperBatchRow.contest_id == contest_id,
            PaperBatchRow.kind == BatchKind.TOTALS.value,
            PaperBatchRow.state == BatchState.COMMITTED.value,
        )
    ).scalar_one()
    return counts.paper_recorded - int(totals), int(totals)


def commit_batch(uow: UnitOfWork, batch_id: int, now: datetime) -> Committed:
    """Store an agreed (or settled) batch in one transaction, then forget how it was typed.

    Refused unless the poll is closed, both entries exist, every difference is settled,
    and the contest's paper count stays within the paper ballots issued. A totals batch
    (찬반 only) is stored as one ballot per paper, exactly as if typed paper by paper.
    """
    row = _open_batch(uow, batch_id)
    contest = contest_row(uow, row.contest_id, lock="update")
    uow.session.refresh(row)  # re-read under the lock: another desk may have committed it
    row = _open_batch(uow, batch_id)
    if contest.state != PollState.CLOSED.value:
        raise Refused("poll.not_closed")
    comparison, result = _compare(uow, row)
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
        uow.session.execute(
            insert(PaperTotalsRow),
            [
                {"batch_id": row.id, "option": name, "contest_id": contest.id, "votes": n}
                for name, n in merged["options"].items()
            ],
        )
    rows = [
        {"id": secrets.token_hex(16), "contest_id": contest.id, "selection_json": selection_json(s)}
        for s in selections
    ]
    # Neither typing order nor stack order may reach storage: shuffle, and on SQLite the
    # WITHOUT ROWID table stores by random id anyway.
    secrets.SystemRandom().shuffle(rows)
    if rows:
        uow.session.execute(insert(BallotRow), rows)
    uow.session.execute(delete(PaperEntryRow).where(PaperEntryRow.batch_id == row.id))
    uow.session.execute(delete(PaperResolutionRow).where(PaperResolutionRow.batch_id == row.id))
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


@dataclass(frozen=True, slots=True)
class PaperTotals:
    """The committed totals batches of a contest, summed: the record of what was tallied.

    The same papers are stored as ballots (and counted as such); never add these to them.
    """

    options: dict[str, int]
    blank: int
    invalid: int
    papers: int
    batches: int


def paper_totals(uow: UnitOfWork, contest_id: int) -> PaperTotals:
    defn = definition_of(uow, contest_row(uow, contest_id))
    names = YES_NO_VOTES if defn.ballot_type is BallotType.YES_NO else defn.names
    votes = dict(
        uow.session.execute(
            select(PaperTotalsRow.option, func.sum(PaperTotalsRow.votes))
            .where(PaperTotalsRow.contest_id == contest_id)
            .group_by(PaperTotalsRow.option)
        ).all()
    )
    agg = uow.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(PaperBatchRow.papers), 0),
            func.coalesce(func.sum(PaperBatchRow.blank), 0),
            func.coalesce(func.sum(PaperBatchRow.invalid), 0),
        ).where(
            PaperBatchRow.contest_id == contest_id,
            PaperBatchRow.kind == BatchKind.TOTALS.value,
            PaperBatchRow.state == BatchState.COMMITTED.value,
        )
    ).one()
    return PaperTotals(
        {n: int(votes.get(n, 0)) for n in names}, int(agg[2]), int(agg[3]), int(agg[1]), agg[0]
    )


def open_batches(uow: UnitOfWork, contest_id: int) -> int:
    return int(
        uow.session.execute(
            select(func.count()).where(
                PaperBatchRow.contest_id == contest_id,
                PaperBatchRow.state == BatchState.OPEN.value,
            )
        ).scalar_one()
    )
