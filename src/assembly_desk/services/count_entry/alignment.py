"""Aligning entry A with entry B, so one skipped paper is one difference, not hundreds.

Two volunteers typing the same stack of thousands of papers will now and then skip a
paper or type one twice; comparing position by position would then report every later
paper as different. The alignment is an edit distance kept to a band around the
diagonal, which is fast enough for the largest batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from assembly_desk.services.count_entry.marks import Mark, mark_key

BAND = 32  # how far the two entries may drift apart beyond their length difference


def aligned(a: Sequence[Mark], b: Sequence[Mark]) -> list[tuple[int | None, int | None]]:
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
    lo, hi = min(0, m - n) - BAND, max(0, m - n) + BAND
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
