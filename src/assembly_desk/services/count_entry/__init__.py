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

The package, by seam: ``marks`` (what a typed mark is and is stored as), ``batches``,
``entries`` (typing A and B), ``alignment`` and ``comparison`` (comparing and settling),
``commit`` (storing a batch as ballots) and ``totals`` (what paper is counted so far).
Callers import from the package; its names are those of the former single module.
"""

from assembly_desk.services.count_entry.batches import (
    MAX_BATCH,
    MAX_LABEL,
    MAX_NAME,
    TOTALS_TYPES,
    Batch,
    BatchKind,
    BatchState,
    Side,
    create_batch,
    get_batch,
    list_batches,
    open_batches,
)
from assembly_desk.services.count_entry.commit import Committed, commit_batch
from assembly_desk.services.count_entry.comparison import (
    Comparison,
    Difference,
    compare,
    resolve,
)
from assembly_desk.services.count_entry.entries import (
    Entry,
    get_entry,
    normalise_totals,
    save_entry,
    save_totals_entry,
)
from assembly_desk.services.count_entry.marks import (
    INVALID_MARK,
    INVALID_REASONS,
    Mark,
    blank,
    blank_selection,
    invalid,
    invalid_reason,
    invalid_selection,
    is_blank,
    mark_key,
    normalise_mark,
    stored_selection,
)
from assembly_desk.services.count_entry.totals import PaperTotals, paper_counted, paper_totals

__all__ = [
    "INVALID_MARK",
    "INVALID_REASONS",
    "MAX_BATCH",
    "MAX_LABEL",
    "MAX_NAME",
    "TOTALS_TYPES",
    "Batch",
    "BatchKind",
    "BatchState",
    "Committed",
    "Comparison",
    "Difference",
    "Entry",
    "Mark",
    "PaperTotals",
    "Side",
    "blank",
    "blank_selection",
    "commit_batch",
    "compare",
    "create_batch",
    "get_batch",
    "get_entry",
    "invalid",
    "invalid_reason",
    "invalid_selection",
    "is_blank",
    "list_batches",
    "mark_key",
    "normalise_mark",
    "normalise_totals",
    "open_batches",
    "paper_counted",
    "paper_totals",
    "resolve",
    "save_entry",
    "save_totals_entry",
    "stored_selection",
]
