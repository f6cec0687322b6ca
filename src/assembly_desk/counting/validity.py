"""Why a ballot is invalid: one fixed vocabulary shared by every method.

Invalid ballots are counted, never dropped: every method returns the number of valid
and invalid ballots and a tally of reasons, so the minutes can say *why* a ballot did
not count. A ballot gets exactly one reason, the first that applies in the order the
method checks (documented per method in docs/counting.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

EMPTY = "empty"
"""No mark at all (백지)."""
OVERVOTE = "overvote"
"""More marks than allowed (plurality > 1, choose-N > N, two names at one rank)."""
DUPLICATE = "duplicate"
"""The same name marked twice (approval list or ranking)."""
UNKNOWN_CANDIDATE = "unknown_candidate"
"""A name that is not on the candidate list (only checked when the list is given)."""
BAD_VOTE = "bad_vote"
"""A yes/no mark that is not yes, no or abstain."""
BAD_SCORE = "bad_score"
"""A score that is not a non-negative number, or criteria that do not match the weights."""
UNKNOWN_GROUP = "unknown_group"
"""A score sheet from a panel that has no weight in the combined ranking."""
WRONG_KIND = "wrong_kind"
"""A ballot of another kind (e.g. a yes/no ballot in a ranked count)."""

REASONS = (
    EMPTY,
    OVERVOTE,
    DUPLICATE,
    UNKNOWN_CANDIDATE,
    BAD_VOTE,
    BAD_SCORE,
    UNKNOWN_GROUP,
    WRONG_KIND,
)


def reason_tally(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum (reason, count) pairs into a dict sorted by reason, so output is canonical."""
    total: Counter[str] = Counter()
    for reason, count in pairs:
        total[reason] += count
    return {reason: total[reason] for reason in sorted(total)}


def check_names(
    names: tuple[str, ...], known: frozenset[str] | None, max_marks: int | None
) -> str | None:
    """Shared check for choice-like ballots; returns the reason or None when valid.

    Order of checks: empty, overvote (more than ``max_marks``), duplicate, unknown name.
    A non-string mark counts as an unknown name.
    """
    if not names:
        return EMPTY
    if max_marks is not None and len(names) > max_marks:
        return OVERVOTE
    distinct = set(names)
    if len(distinct) != len(names):
        return DUPLICATE
    if not set(map(type, names)) <= {str} or (known is not None and not distinct <= known):
        return UNKNOWN_CANDIDATE
    return None
