"""The unit-step MES completion as it was before the exact completion: a slow reference.

Kept in the tests only, to check that the fast completion in ``counting.mes`` gives the
very same results (rounds, figures, shares, ties) wherever this one finishes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from assembly_desk.counting.ballots import Ballot, Number
from assembly_desk.counting.budget import SELECT, Approvals, greedy_fill, prepare
from assembly_desk.counting.results import Result, Round
from assembly_desk.counting.ties import TieBreaker, TieRule

SATISFACTIONS = ("cardinality", "cost")


def _run(
    data: Approvals,
    share: Fraction,
    satisfaction: str,
    breaker: TieBreaker,
) -> tuple[list[str], list[Round]]:
    """One MES pass at a given per-voter share; returns (funded in order, rounds).

    Each project keeps ``pool``: the weight of its supporters per *key* (the set of
    funded projects they approved, as a bit mask); a key determines a voter's money.
    Funding a project re-keys only its own supporters.
    """
    projects = data.projects
    index = {p: i for i, p in enumerate(projects)}
    members = [sorted(index[p] for p in approved) for approved, _ in data.groups]
    weights = [n for _, n in data.groups]
    supporters: list[list[int]] = [[] for _ in projects]
    for g, approved in enumerate(members):
        for i in approved:
            supporters[i].append(g)
    cost = [data.costs[p] for p in projects]
    util = [Fraction(1) if satisfaction == "cardinality" else c for c in cost]
    price = [Fraction(0)] * len(projects)  # what each supporter of a funded project owed
    keys = [0] * len(members)
    pools: list[dict[int, int]] = [
        {0: sum(weights[g] for g in supporters[i])} if supporters[i] else {}
        for i in range(len(cost))
    ]
    funded: list[str] = []
    rounds: list[Round] = []
    alive = [bool(supporters[i]) for i in range(len(projects))]
    money_cache: dict[int, Fraction] = {0: share}

    def money(key: int) -> Fraction:
        value = money_cache.get(key)
        if value is None:
            spent = Fraction(0)
            k = key
            while k:
                low = k & -k
                spent += price[low.bit_length() - 1]
                k ^= low
            value = max(Fraction(0), share - spent)
            money_cache[key] = value
        return value

    def fund(x: int) -> None:
        bit = 1 << x
        alive[x] = False
        funded.append(projects[x])
        for g in supporters[x]:
            old = keys[g]
            new = old | bit
            keys[g] = new
            w = weights[g]
            for p in members[g]:
                if alive[p]:
                    pool = pools[p]
                    left = pool[old] - w
                    if left:
                        pool[old] = left
                    else:
                        del pool[old]
                    pool[new] = pool.get(new, 0) + w

    for i in range(len(projects)):
        if alive[i] and cost[i] == 0:
            fund(i)

    round_no = 1
    while any(alive):
        rho: dict[int, Fraction] = {}
        dropped: list[int] = []
        for i in range(len(projects)):
            if not alive[i]:
                continue
            by_money: dict[Fraction, int] = {}
            for key, w in pools[i].items():
                b = money(key)
                by_money[b] = by_money.get(b, 0) + w
            if sum(b * w for b, w in by_money.items()) < cost[i]:
                dropped.append(i)
                continue
            rho[i] = _affordability(by_money, cost[i], util[i])
        for i in dropped:
            alive[i] = False
        if not rho:
            if dropped and rounds:
                rounds[-1] = _with_dropped(rounds[-1], dropped, projects)
            break
        best = min(rho.values())
        tied = [projects[i] for i in sorted(rho) if rho[i] == best]
        name = tied[0]
        if len(tied) > 1:
            (name,) = breaker.pick(tied, 1, round_no=round_no, purpose=f"{SELECT}@{share}")
        x = index[name]
        price[x] = best * util[x]
        paid = sum((min(money(key), price[x]) * w for key, w in pools[x].items()), Fraction(0))
        fund(x)
        rounds.append(
            Round(
                round_no,
                {projects[i]: rho[i] for i in sorted(rho)},
                elected=(name,),
                eliminated=tuple(projects[i] for i in dropped),
                figures={"rho": best, "paid": paid, "cost": cost[x]},
            )
        )
        round_no += 1
    return funded, rounds


def _with_dropped(last: Round, dropped: list[int], projects: tuple[str, ...]) -> Round:
    """Projects found unaffordable after the last purchase are reported on that round."""
    extra = tuple(projects[i] for i in dropped)
    return Round(
        last.number,
        last.tallies,
        elected=last.elected,
        eliminated=last.eliminated + extra,
        figures=last.figures,
    )


def _affordability(pool: Mapping[Fraction, int], cost: Fraction, util: Fraction) -> Fraction:
    """Lowest rho with  sum(w * min(b, rho * util)) >= cost  (the pool can afford cost)."""
    paid = Fraction(0)
    weight = sum(pool.values())
    for b in sorted(pool):
        rho = (cost - paid) / (weight * util)
        if rho * util <= b:
            return rho
        paid += b * pool[b]
        weight -= pool[b]
    raise AssertionError("unaffordable project reached _affordability")


def reference_mes(
    ballots: Iterable[Ballot],
    *,
    costs: Mapping[str, Number],
    budget: Number,
    satisfaction: str = "cardinality",
    increment: Number | None = None,
    greedy: bool = False,
    max_choices: int | None = None,
    tie: TieRule | None = None,
) -> Result:
    """MES with the completion raising each share by ``increment`` per rerun."""
    if satisfaction not in SATISFACTIONS:
        raise ValueError(f"satisfaction must be one of {', '.join(SATISFACTIONS)}")
    if increment is not None and Fraction(increment) <= 0:
        raise ValueError("increment must be positive")
    data = prepare(ballots, costs, max_choices)
    cap = Fraction(budget)
    breaker = TieBreaker(tie)
    rounds: list[Round] = []
    funded: list[str] = []
    share = cap / data.valid if data.valid else Fraction(0)
    runs = 0
    if data.valid:
        supported = [p for p in data.projects if data.votes[p] > 0 and data.costs[p] > 0]
        funded, rounds = _run(data, share, satisfaction, breaker)
        runs = 1
        while increment is not None:
            spent = sum((data.costs[p] for p in funded), Fraction(0))
            if not any(p not in funded and spent + data.costs[p] <= cap for p in supported):
                break
            trial_share = share + Fraction(increment)
            trial, trial_rounds = _run(data, trial_share, satisfaction, breaker)
            runs += 1
            if sum((data.costs[p] for p in trial), Fraction(0)) > cap:
                break
            share, funded, rounds = trial_share, trial, trial_rounds
    mes_funded = tuple(funded)
    if greedy and data.valid:
        extra = greedy_fill(
            data.votes,
            data.costs,
            cap,
            funded,
            breaker,
            data.projects,
            round_start=len(rounds) + 1,
            purpose=f"{SELECT}-greedy",
        )
        rounds.extend(
            Round(
                r.number,
                r.tallies,
                r.elected,
                r.eliminated,
                note="greedy completion",
                figures=r.figures,
            )
            for r in extra
        )
        funded = [*funded, *(p for r in extra for p in r.elected)]
    spent = sum((data.costs[p] for p in funded), Fraction(0))
    rule = tie or TieRule()
    return Result(
        method="mes",
        candidates=data.projects,
        seats=0,
        elected=tuple(funded),
        rounds=tuple(rounds)
        or (Round(1, {p: Fraction(v) for p, v in data.votes.items()}, note="nothing funded"),),
        ties=tuple(breaker.records),
        valid=data.valid,
        invalid=sum(data.invalid_reasons.values()),
        invalid_reasons=data.invalid_reasons,
        details={
            "votes": {p: data.votes[p] for p in data.projects},
            "share_per_voter": share,
            "mes_runs": runs,
            "funded_by_mes": list(mes_funded),
            "spent": spent,
            "left": cap - spent,
        },
        params={
            "budget": cap,
            "costs": data.costs,
            "satisfaction": satisfaction,
            "increment": None if increment is None else Fraction(increment),
            "greedy": greedy,
            "max_choices": max_choices,
            "tie_rule": rule.describe(),
        },
    )
