"""The floor for ranked counting: bare grouped IRV and STV loops, no validation, no record.

What a competent hand-written count over already-valid ballots costs in this Python:
group identical rankings (a ``Counter`` over the raw tuples), map names to indices,
then one pass per round over the piles of the eliminated (or elected) candidate only,
with a pointer per group to its current preference. IRV counts in integers; STV in
integer units of 1/100,000 with the Scottish truncation, exactly as the product. Ties
go to the lowest index (the benchmark's ballots have none). It returns what the product
must also find (winners and per-round tallies) so both can be checked against each
other; it builds no rounds, transfers, figures or tie records, and checks nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain, repeat
from operator import attrgetter

from assembly_desk.counting import RankingBallot

SCALE = 100_000


def _grouped(
    ballots: Sequence[RankingBallot],
) -> tuple[list[str], list[tuple[int, ...]], list[int]]:
    grouped = Counter(map(attrgetter("ranking"), ballots))
    names = sorted(set(chain.from_iterable(grouped)))
    index = {name: i for i, name in enumerate(names)}.__getitem__
    return names, list(map(tuple, map(map, repeat(index), grouped))), list(grouped.values())


def floor_irv(ballots: Sequence[RankingBallot]) -> tuple[str, list[list[int]]]:
    """The IRV winner and every round's tallies (eliminated candidates at 0)."""
    names, prefs, weights = _grouped(ballots)
    n = len(names)
    continuing = [True] * n
    piles: list[list[int]] = [[] for _ in range(n)]
    tally = [0] * n
    pos = [0] * len(prefs)
    for i, ranking in enumerate(prefs):
        piles[ranking[0]].append(i)
        tally[ranking[0]] += weights[i]
    rounds: list[list[int]] = []
    while True:
        rounds.append(tally[:])
        cont = [c for c in range(n) if continuing[c]]
        active = sum(tally[c] for c in cont)
        best = max(cont, key=tally.__getitem__)
        if 2 * tally[best] > active or len(cont) == 1:
            return names[best], rounds
        x = min(cont, key=tally.__getitem__)
        continuing[x] = False
        for i in piles[x]:
            ranking = prefs[i]
            p = pos[i] + 1
            while p < len(ranking) and not continuing[ranking[p]]:
                p += 1
            if p < len(ranking):
                pos[i] = p
                piles[ranking[p]].append(i)
                tally[ranking[p]] += weights[i]
        piles[x] = []
        tally[x] = 0


def floor_stv(ballots: Sequence[RankingBallot], seats: int) -> list[str]:
    """Scottish STV (Droop quota, largest surplus first, values truncated to 5 decimals)."""
    names, prefs, weights = _grouped(ballots)
    n = len(names)
    quota = (sum(weights) // (seats + 1) + 1) * SCALE
    continuing = [True] * n
    elected: list[int] = []
    pending: list[int] = []
    piles: list[list[int]] = [[] for _ in range(n)]
    value = [SCALE] * len(prefs)
    pos = [0] * len(prefs)
    total = [0] * n
    for i, ranking in enumerate(prefs):
        piles[ranking[0]].append(i)
        total[ranking[0]] += weights[i] * SCALE

    def move(x: int, surplus: int | None) -> None:
        cand_total = total[x]
        for i in piles[x]:
            v = value[i] if surplus is None else value[i] * surplus // cand_total
            ranking = prefs[i]
            p = pos[i] + 1
            while p < len(ranking) and not continuing[ranking[p]]:
                p += 1
            if p < len(ranking):
                value[i] = v
                pos[i] = p
                piles[ranking[p]].append(i)
                total[ranking[p]] += weights[i] * v
        piles[x] = []

    while True:
        newly = sorted(
            (c for c in range(n) if continuing[c] and total[c] >= quota), key=lambda c: -total[c]
        )
        for c in newly:
            continuing[c] = False
        elected += newly
        pending += newly
        cont = [c for c in range(n) if continuing[c]]
        left = seats - len(elected)
        if left <= 0 or len(cont) <= left:
            if left > 0:
                elected += sorted(cont, key=lambda c: -total[c])
            return [names[c] for c in elected]
        pending = [c for c in pending if total[c] > quota]
        if pending:
            x = max(pending, key=total.__getitem__)
            pending.remove(x)
            move(x, total[x] - quota)
            total[x] = quota
        else:
            x = min(cont, key=total.__getitem__)
            continuing[x] = False
            move(x, None)
            total[x] = 0
