"""Method of Equal Shares (MES) for participatory budgets, with optional completion.

Rule (as on equalshares.net and in pabutools' ``method_of_equal_shares``):

* every valid voter gets an equal share ``budget / voters`` of the budget;
* a project is affordable at price rho when its supporters, each paying
  ``min(own money, rho * u)``, can together pay its cost; ``u`` is the voter's
  satisfaction from the project: 1 ("cardinality", approval utilities, the default) or
  the project's cost ("cost" utilities);
* in each round the affordable project with the lowest rho is funded and its
  supporters pay; projects their supporters can no longer afford drop out;
* projects nobody approved are never funded; zero-cost projects with support are
  funded first.

Completion, because plain MES usually leaves money unspent:

* ``increment`` (equalshares.net "add1"): rerun MES with each voter's share raised by
  ``increment`` while the outcome still fits the real budget and is not exhaustive
  (some supported project still fits); the last outcome that fit is kept. This is
  pabutools' ``voter_budget_increment``.
* ``greedy``: then fund remaining projects by votes while they fit (``budget.greedy_fill``).

Round tallies are each affordable project's rho (lower is better). Ties for the lowest
rho are broken by the tie rule (priority, then lot); pabutools breaks them by project
name, so outcomes are identical whenever no such tie occurs.

Speed: a voter's money is  max(0, share - sum of the prices of funded projects they
approve),  so voters are grouped by (approved set & funded set) and each round works
on those few groups, not on every voter.

The exact completion's probes (``run(share, after=True)``) are resumed from the last
probe (:mod:`mes_resume`): the chain of shares, every probe's outcome and bound, and so
the reported share, rounds, tie records and ``mes_runs`` (still one per pass, a resumed
probe counting as one) are exactly those of whole passes; only the rounds before the
first one that can change at the new share are not recomputed. The chain itself cannot
be shortened without changing results: the reported share is the simplest number of
the last interval, and a tie broken by lot depends on the share it is broken at.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

from .ballots import Ballot, Number
from .budget import SELECT, Approvals, greedy_fill, prepare
from .mes_pass import Instance, Pass, instance, plain_pass, run_pass
from .mes_resume import Prober
from .results import Result, Round
from .ties import TieBreaker, TieRule

SATISFACTIONS = ("cardinality", "cost")


def _simplest(lo: Fraction, hi: Fraction | None) -> Fraction:
    """The number with the smallest denominator (then the smallest) strictly between."""
    whole = math.floor(lo) + 1
    if hi is None or whole < hi:
        return Fraction(whole)
    floor = whole - 1  # lo >= floor and hi <= floor + 1: go by continued fractions
    return floor + 1 / _simplest(1 / (hi - floor), None if lo == floor else 1 / (lo - floor))


class _Completion:
    """The two completions: today's fixed steps, and the exact one (``increment`` 0)."""

    def __init__(self, inst: Instance, data: Approvals, cap: Fraction, breaker: TieBreaker):
        self.inst, self.cap, self.breaker = inst, cap, breaker
        self.costs = data.costs
        self.supported = [p for p in data.projects if data.votes[p] > 0 and data.costs[p] > 0]
        self.runs = 0
        self.prober = Prober(inst, breaker)

    def run(self, share: Fraction, *, after: bool = False, analyse: bool = True) -> Pass:
        self.runs += 1
        if not (after or analyse):
            return plain_pass(self.inst, share, self.breaker)
        if after:  # a probe of the exact walk: resumed from the last one (mes_resume)
            return self.prober.probe(share)
        return run_pass(self.inst, share, self.breaker, after=after)

    def spent(self, funded: list[str]) -> Fraction:
        return sum((self.costs[p] for p in funded), Fraction(0))

    def exhaustive(self, funded: list[str]) -> bool:
        spent = self.spent(funded)
        return not any(
            p not in funded and spent + self.costs[p] <= self.cap for p in self.supported
        )

    def steps(self, first: Pass, step: Fraction) -> Pass:
        """Shares  first + k*step  for k = 1, 2, ... as before, skipping the k at which
        the pass provably repeats the last outcome (below ``reach``): same result, runs
        counted as if every k had been tried."""
        current, k = first, 0
        while not self.exhaustive(current.funded):
            if current.reach is None and not current.tied:
                break  # no larger share changes the outcome
            nxt = k + 1
            if current.reach and not current.tied:
                nxt = max(nxt, math.ceil((current.share + current.reach - first.share) / step))
            trial = self.run(first.share + nxt * step)
            if self.spent(trial.funded) > self.cap:
                if nxt > k + 1:  # the outcome at k, with the figures of share nxt - 1
                    current = self.run(first.share + (nxt - 1) * step, analyse=False)
                k = nxt
                break
            current, k = trial, nxt
        self.runs = k + 1
        return current

    def exact(self, first: Pass) -> Pass:
        """Raise the share from one possible change to the next (module docstring)."""
        funded, base, reach = first.funded, first.share, first.reach
        kept: tuple[Fraction, Fraction | None] | None = None
        while reach is not None and not self.exhaustive(funded):
            start = base + reach
            probe = self.run(start, after=True)
            end = None if probe.reach is None else start + probe.reach
            outcome = probe.funded
            if probe.tied:  # the tie rule decides at an actual share
                outcome = self.run(_simplest(start, end), analyse=False).funded
            if self.spent(outcome) > self.cap:
                break
            funded, base, reach, kept = outcome, start, probe.reach, (start, end)
        if kept is None:
            return first
        return self.run(_simplest(*kept), analyse=False)


def count_mes(
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
    """Method of Equal Shares, optionally completed (see the module docstring)."""
    if satisfaction not in SATISFACTIONS:
        raise ValueError(f"satisfaction must be one of {', '.join(SATISFACTIONS)}")
    if increment is not None and Fraction(increment) < 0:
        raise ValueError("increment must be 0 (exact completion) or positive")
    data = prepare(ballots, costs, max_choices)
    cap = Fraction(budget)
    breaker = TieBreaker(tie)
    rounds: list[Round] = []
    funded: list[str] = []
    share = cap / data.valid if data.valid else Fraction(0)
    runs = 0
    if data.valid:
        completion = _Completion(instance(data, satisfaction), data, cap, breaker)
        final = completion.run(share, analyse=increment is not None)
        if increment is not None:
            step = Fraction(increment)
            final = completion.steps(final, step) if step else completion.exact(final)
        share, funded, rounds, runs = final.share, final.funded, final.rounds, completion.runs
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
