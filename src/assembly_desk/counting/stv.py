"""Single transferable vote, following the Scottish STV rules.

Rule set: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
counting rules 45-52 ("Scottish STV", weighted inclusive Gregory method):

* quota (Droop) = floor(valid / (seats + 1)) + 1;
* a candidate whose votes reach the quota is elected; the largest surplus is transferred
  first, one surplus per stage, before any exclusion;
* a surplus moves *all* the elected candidate's papers; each paper's new value is
  surplus x its current value / the candidate's total, truncated to five decimal places
  (the remainder is lost and recorded as ``loss``); the elected candidate keeps the quota;
* when no surplus remains, the candidate with fewest votes is excluded and all their
  papers move at their current value;
* papers skip elected and excluded candidates; a paper with no further continuing
  preference is non-transferable (exhausted);
* when the continuing candidates are no more than the vacancies left, they are elected.

Values are exact: all figures live in integer units of 1/100,000 (the Order's five
decimals), reported as ``Fraction``. One deliberate difference from the Order: ties
(for the largest surplus, or for exclusion) are broken by our published rule (previous
rounds latest first, then the priority list, then the lot), not the Order's "earliest
stage" comparison and lot by the returning officer.

Slips on paper ballots follow the contest's rules (:mod:`.slips`). A ballot a rule
stops before its first preference counts for nobody (the Order rejects a paper with no
clear first preference), so the quota is taken over the ballots that count in stage 1:
floor((valid - exhausted at stage 1) / (seats + 1)) + 1, which is the Order's quota
whenever no rule stops a ballot at its first rank (always, under the default rules).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

from .ballots import Ballot
from .irv import EXCLUDE
from .ranking_groups import prepare
from .results import Result, Round, Transfer
from .slips import SlipRules, exhausted_figures
from .ties import TieBreaker, TieRule

SCALE = 100_000
"""Five decimal places, as in the Scottish Order."""

SURPLUS = "surplus"


def droop_quota(valid: int, seats: int) -> int:
    """floor(valid / (seats + 1)) + 1 votes."""
    return valid // (seats + 1) + 1


def _frac(units: int) -> Fraction:
    return Fraction(units, SCALE)


def count_stv(
    ballots: Iterable[Ballot],
    *,
    seats: int,
    candidates: Sequence[str] | None = None,
    tie: TieRule | None = None,
    overvote: str = "invalidate",
    skipped: str = "allow",
    duplicates: str = "invalidate",
) -> Result:
    """Count a multi-seat STV election (Scottish rules, see the module docstring)."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    rules = SlipRules(overvote, skipped, duplicates)
    prep = prepare(ballots, candidates, rules)
    order, prefs, weights, stops = prep.order, prep.rankings, prep.weights, prep.stops
    breaker = TieBreaker(tie)
    n = len(order)
    at_start: Counter[str] = Counter(prep.exhausted_at_start)
    quota_votes = droop_quota(prep.valid - at_start.total(), seats)
    quota = quota_votes * SCALE
    # Candidate state: continuing, elected (holding papers until its surplus moves), out.
    continuing = [True] * n
    excluded = [False] * n
    elected: list[int] = []
    pending: list[int] = []  # elected, surplus not yet transferred
    piles: list[list[int]] = [[] for _ in range(n)]
    value = [SCALE] * len(prefs)  # per distinct ranking, in units
    pos = [0] * len(prefs)
    total = [0] * n
    for i, ranking in enumerate(prefs):
        if ranking:
            piles[ranking[0]].append(i)
            total[ranking[0]] += weights[i] * SCALE
    exhausted = at_start.total() * SCALE
    by_rule: Counter[str] = Counter({r: w * SCALE for r, w in at_start.items() if r})

    rounds: list[Round] = []
    history: list[dict[str, Fraction]] = []
    round_no = 1

    def snapshot() -> dict[str, Fraction]:
        return {order[c]: _frac(total[c]) for c in range(n) if not excluded[c]}

    def by_total(cands: list[int]) -> list[int]:
        return sorted(cands, key=lambda c: (-total[c], c))

    def move(x: int, surplus: int | None, kind: str) -> tuple[Transfer, int]:
        """Move all of ``x``'s papers to their next continuing preference.

        With a surplus each paper's value becomes value * surplus / total, truncated
        to 1/SCALE; on exclusion papers keep their value.
        """
        cand_total = total[x]
        gained = [0] * n
        lost = 0
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
                gained[ranking[p]] += weights[i] * v
            else:
                lost += weights[i] * v
                if stops[i]:
                    by_rule[stops[i]] += weights[i] * v
        piles[x] = []
        for c in range(n):
            total[c] += gained[c]
        sent = cand_total if surplus is None else surplus
        tv = SCALE if surplus is None else surplus * SCALE // cand_total
        transfer = Transfer(
            source=order[x],
            kind=kind,
            votes=_frac(sent),
            value=_frac(tv),
            to={order[c]: _frac(gained[c]) for c in range(n) if gained[c]},
            exhausted=_frac(lost),
            loss=_frac(sent - sum(gained) - lost),
        )
        return transfer, lost

    while n:
        tallies = snapshot()
        figures = exhausted_figures(by_rule, SCALE)
        if prep.valid == 0:
            rounds.append(Round(round_no, tallies, note="no valid ballots"))
            break
        if exhausted == prep.valid * SCALE:  # every valid ballot stopped before a first choice
            note = "no ballot counts for a candidate"
            rounds.append(
                Round(round_no, tallies, exhausted=_frac(exhausted), note=note, figures=figures)
            )
            break
        newly = by_total([c for c in range(n) if continuing[c] and total[c] >= quota])
        for c in newly:
            continuing[c] = False
            elected.append(c)
            pending.append(c)
        cont = [c for c in range(n) if continuing[c]]
        left = seats - len(elected)
        if left <= 0 or len(cont) <= left:
            rest = by_total(cont) if left > 0 else []
            elected.extend(rest)
            rounds.append(
                Round(
                    round_no,
                    tallies,
                    elected=tuple(order[c] for c in [*newly, *rest]),
                    exhausted=_frac(exhausted),
                    note="" if not rest else "continuing candidates fill the vacancies",
                    figures=figures,
                )
            )
            break
        pending = [c for c in pending if total[c] > quota]
        if pending:
            largest = max(total[c] for c in pending)
            tied = [order[c] for c in pending if total[c] == largest]
            name = tied[0]
            if len(tied) > 1:
                (name,) = breaker.pick(tied, 1, round_no=round_no, purpose=SURPLUS, history=history)
            x = order.index(name)
            pending.remove(x)
            surplus = total[x] - quota
            transfer, lost = move(x, surplus, SURPLUS)
            total[x] = quota
            eliminated: tuple[str, ...] = ()
        else:
            lowest = min(total[c] for c in cont)
            tied = [order[c] for c in cont if total[c] == lowest]
            name = tied[0]
            if len(tied) > 1:
                (name,) = breaker.pick(
                    tied, 1, round_no=round_no, purpose=EXCLUDE, history=history, lowest=True
                )
            x = order.index(name)
            continuing[x] = False
            excluded[x] = True
            transfer, lost = move(x, None, "elimination")
            total[x] = 0
            eliminated = (name,)
        rounds.append(
            Round(
                round_no,
                tallies,
                elected=tuple(order[c] for c in newly),
                eliminated=eliminated,
                transfers=(transfer,),
                exhausted=_frac(exhausted),
                note=f"surplus of {name}" if not eliminated else "",
                figures=figures,
            )
        )
        exhausted += lost
        history.append(tallies)
        round_no += 1

    rule = tie or TieRule()
    return Result(
        method="stv",
        candidates=order,
        seats=seats,
        elected=tuple(order[c] for c in elected),
        rounds=tuple(rounds),
        ties=tuple(breaker.records),
        valid=prep.valid,
        invalid=sum(prep.invalid_reasons.values()),
        invalid_reasons=prep.invalid_reasons,
        quota=Fraction(quota_votes),
        params={
            "seats": seats,
            "rules": "scottish-stv-2007",
            "decimals": 5,
            "tie_rule": rule.describe(),
            **({} if rules.is_default else {"ballot_rules": rules.describe()}),
        },
    )
