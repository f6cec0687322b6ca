"""The candidate list a count runs over, fixed before counting.

When the caller gives the list (the ballot paper), names outside it make a ballot
invalid and candidates with no votes still appear with 0. Without a list, the names
found on valid-looking ballots form it (sorted), which suits ad-hoc counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def resolve(
    given: Sequence[str] | None, found: Iterable[str]
) -> tuple[tuple[str, ...], frozenset[str] | None]:
    """Return (candidate order, known set for validation or None when not fixed)."""
    if given is not None:
        names = tuple(dict.fromkeys(given))
        return names, frozenset(names)
    return tuple(sorted(n for n in set(found) if isinstance(n, str))), None
