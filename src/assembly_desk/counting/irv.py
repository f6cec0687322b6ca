"""Instant-runoff voting (one seat): eliminate the lowest until someone has a majority.

Rule: in each round every valid ballot counts for its highest-ranked continuing
candidate. A candidate with more than half of the continuing (non-exhausted) votes is
elected; when one candidate is left they are elected. Otherwise the candidate with the
fewest votes is eliminated (one per round; ties: previous rounds, then priority, then
lot) and their ballots move to the next continuing preference or are exhausted.
With no valid ballot nobody is elected.

Slips on paper ballots (overvotes, skipped ranks, duplicates) follow the contest's
rules (:mod:`.slips`); a ballot a rule exhausts is counted in ``exhausted`` and, by
rule, in the round's ``figures["exhausted_by"]``.

This is the same sequence of eliminations as :mod:`.stv` with one seat, so both give
the same winner (a tested property).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

from .ballots import Ballot
from .ranking_groups import prepare
from .results import ZERO, Result, Round, Transfer
from .slips import SlipRules, exhausted_figures
from .ties import TieBreaker, TieRule

EXCLUDE = "exclude"


def count_irv(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str] | None = None,
    tie: TieRule | None = None,
    overvote: str = "invalidate",
    skipped: str = "allow",
    duplicates: str = "invalidate",
) -> Result:
    """Count an instant-runoff election; every round and transfer is in the result."""
    rules = SlipRules(overvote, skipped, duplicates)
    prep = prepare(ballots, candidates, rules)
    order, prefs, weights, stops = prep.order, prep.rankings, prep.weights, prep.stops
    breaker = TieBreaker(tie)
    n = len(order)
    continuing = [True] * n
    piles: list[list[int]] = [[] for _ in range(n)]
    tally = [0] * n
    pos = [0] * len(prefs)
    for i, ranking in enumerate(prefs):
        if ranking:
            piles[ranking[0]].append(i)
            tally[ranking[0]] += weights[i]
    by_rule: Counter[str] = Counter(prep.exhausted_at_start)
    exhausted = by_rule.total()
    del by_rule[""]

    rounds: list[Round] = []
    history: list[dict[str, Fraction]] = []
    elected: tuple[str, ...] = ()
    round_no = 1
    while n:
        cont = [c for c in range(n) if continuing[c]]
        tallies = {order[c]: Fraction(tally[c]) for c in cont}
        active = sum(tally[c] for c in cont)
        figures = exhausted_figures(by_rule)
        if prep.valid == 0:
            rounds.append(Round(round_no, tallies, note="no valid ballots"))
            break
        if active == 0:  # every valid ballot stopped by a rule before its first choice
            note = "no ballot counts for a candidate"
            rounds.append(
                Round(round_no, tallies, exhausted=Fraction(exhausted), note=note, figures=figures)
            )
            break
        best = max(tally[c] for c in cont)
        if 2 * best > active or len(cont) == 1:
            winner = next(c for c in cont if tally[c] == best)
            elected = (order[winner],)
            rounds.append(
                Round(
                    round_no,
                    tallies,
                    elected=elected,
                    exhausted=Fraction(exhausted),
                    figures=figures,
                )
            )
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
        # The hot loop: only the eliminated candidate's groups move, each from its own
        # pointer; whole ballots, so integers. A group that runs out is exhausted: what
        # the pile held and did not pass on (credited to the rule that stopped it, if any).
        gained = [0] * n
        for i in piles[x]:
            ranking = prefs[i]
            p = pos[i] + 1
            while p < len(ranking) and not continuing[ranking[p]]:
                p += 1
            if p < len(ranking):
                pos[i] = p
                piles[ranking[p]].append(i)
                gained[ranking[p]] += weights[i]
            elif stops[i]:
                by_rule[stops[i]] += weights[i]
        lost = tally[x] - sum(gained)
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
                figures=figures,
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
        params=_params(rule, rules),
    )


def _params(tie: TieRule, rules: SlipRules) -> dict[str, object]:
    """The count's parameters; the slip rules only when they differ from the original
    whole-ballot rules, so results counted under those keep their exact old form."""
    params: dict[str, object] = {"seats": 1, "tie_rule": tie.describe()}
    if not rules.is_default:
        params["ballot_rules"] = rules.describe()
    return params
