"""Order candidates by a tally and take the top ones, breaking only the ties that decide.

Plurality, approval, choose-N, score rankings and the participatory-budget greedy all
need "highest first, K of them"; keeping it in one place keeps their tie handling the
same and documented once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .ties import TieBreaker


def top(
    tallies: Mapping[str, Fraction | int],
    seats: int | None,
    breaker: TieBreaker,
    *,
    round_no: int = 1,
    purpose: str = "elect",
    order: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Return the ``seats`` highest candidates (all when None), highest first.

    Equal tallies that straddle the last seat are broken by ``breaker`` (recorded).
    Equal tallies wholly inside the chosen part keep ``order`` (the candidate list
    order): nothing is decided by their order, so no draw is made.
    """
    position = {name: i for i, name in enumerate(order or sorted(tallies))}
    limit = len(tallies) if seats is None else min(seats, len(tallies))
    groups: dict[Fraction | int, list[str]] = {}
    for name, value in tallies.items():
        groups.setdefault(value, []).append(name)
    chosen: list[str] = []
    for value in sorted(groups, reverse=True):
        if len(chosen) >= limit:
            break
        group = sorted(groups[value], key=lambda n: position.get(n, len(position)))
        need = limit - len(chosen)
        if len(group) <= need:
            chosen.extend(group)
        else:
            picked = breaker.pick(group, need, round_no=round_no, purpose=purpose)
            chosen.extend(sorted(picked, key=lambda n: position.get(n, len(position))))
    return tuple(chosen)
