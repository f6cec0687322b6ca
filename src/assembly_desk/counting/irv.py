"""Instant-runoff voting (one seat): eliminate the lowest until someone has a majority.

Rule: in each round every valid ballot counts for its highest-ranked continuing
candidate. A candidate with more than half of the continuing (non-exhausted) votes is
elected; when one candidate is left they are elected. Otherwise the candidate with the
fewest votes is eliminated (one per round; ties: previous rounds, then priority, then
lot) and their ballots move to the next continuing preference or are exhausted.
With no valid ballot nobody is elected.

This is the same sequence of eliminations as :mod:`.stv` with one seat, so both give
the same winner (a tested property).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from .ballots import Ballot
from .ranking_groups import prepare
from .results import ZERO, Result, Round, Transfer
from .ties import TieBreaker, TieRule

EXCLUDE = "exclude"


def count_irv(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str] | None = None,
    tie: TieRule | None = None,
) -> Result:
    """Count an instant-runoff election; every round and transfer is in the result."""
    prep = prepare(ballots, candidates)
    order, prefs, weights = prep.order, prep.rankings, prep.weights
    breaker = TieBreaker(tie)
    n = len(order)
    continuing = [True] * n
    piles: list[list[int]] = [[] for _ in range(n)]
    tally = [0] * n
    pos = [0] * len(prefs)
    for i, ranking in enumerate(prefs):
        piles[ranking[0]].append(i)
        tally[ranking[0]] += weights[i]

    rounds: list[Round] = []
    history: list[dict[str, Fraction]] = []
    exhausted = 0
    elected: tuple[str, ...] = ()
    round_no = 1
    while n:
        cont = [c for c in range(n) if continuing[c]]
        tallies = {order[c]: Fraction(tally[c]) for c in cont}
        active = sum(tally[c] for c in cont)
        if prep.valid == 0:
            rounds.append(Round(round_no, tallies, note="no valid ballots"))
            break
        best = max(tally[c] for c in cont)
        if 2 * best > active or len(cont) == 1:
            winner = next(c for c in cont if tally[c] == best)
            elected = (order[winner],)
            rounds.append(Round(round_no, tallies, elected=elected, exhausted=Fraction(exhausted)))
            break
        lowest = min(tally[c] for c in cont)
        tied = [order[c] for c in cont if tally[c] == lowest]
        name = tied[0]
        if len(tied) > 1:
            (name,) = breaker.pick(
                tied, 1, round_no=round_no, purpose=EXCLUDE, history=history, lowest=True
            )
        x = order.index(name)
        continuing[x] = False
        gained = [0] * n
        lost = 0
        for i in piles[x]:
            ranking = prefs[i]
            p = pos[i] + 1
            while p < len(ranking) and not continuing[ranking[p]]:
                p += 1
            if p < len(ranking):
                pos[i] = p
                piles[ranking[p]].append(i)
                gained[ranking[p]] += weights[i]
            else:
                lost += weights[i]
        piles[x] = []
        transfer = Transfer(
            source=name,
            kind="elimination",
            votes=Fraction(tally[x]),
            value=Fraction(1),
            to={order[c]: Fraction(gained[c]) for c in range(n) if gained[c]},
            exhausted=Fraction(lost),
            loss=ZERO,
        )
        rounds.append(
            Round(
                round_no,
                tallies,
                eliminated=(name,),
                transfers=(transfer,),
                exhausted=Fraction(exhausted),
            )
        )
        history.append(tallies)
        tally[x] = 0
        for c in range(n):
            tally[c] += gained[c]
        exhausted += lost
        round_no += 1

    rule = tie or TieRule()
    return Result(
        method="irv",
        candidates=order,
        seats=1,
        elected=elected,
        rounds=tuple(rounds),
        ties=tuple(breaker.records),
        valid=prep.valid,
        invalid=sum(prep.invalid_reasons.values()),
        invalid_reasons=prep.invalid_reasons,
        params={"seats": 1, "tie_rule": rule.describe()},
    )
