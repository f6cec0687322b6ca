"""The exact completion with resumed probes against the walk it replaces, on random cases.

``mes_exact_reference`` is a copy of ``mes_pass`` and of ``_Completion.exact`` from before
probes were resumed (every probe a whole pass). The resumed walk must run the same
chain of shares: same funded projects and order, same rounds and figures, same share,
same number of passes and the very same tie records.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from mes_exact_reference import reference_exact
from mes_exact_reference import run_pass as reference_pass

from assembly_desk.counting import ChoiceBallot, TieRule, budget, count_mes, mes_pass, mes_resume
from assembly_desk.counting.mes import _Completion
from assembly_desk.counting.ties import TieBreaker


def _case(seed: int) -> tuple[list[ChoiceBallot], dict[str, int], int, str, bool]:
    rnd = random.Random(seed)
    names = [f"p{i}" for i in range(rnd.randint(3, 10))]
    scale = rnd.choice([1, 1000, 1_000_000])
    costs = {p: rnd.randint(1, 60) * scale for p in names}
    popularity = [rnd.uniform(0.1, 1.0) for _ in names]
    ballots = []
    for _ in range(rnd.randint(5, 40)):
        chosen: set[str] = set()
        for _ in range(rnd.randint(1, len(names))):
            chosen.add(rnd.choices(names, popularity)[0])
        ballots.append(ChoiceBallot(tuple(sorted(chosen))))
    budget_won = rnd.randint(sum(costs.values()) // 5, sum(costs.values()))
    return ballots, costs, budget_won, rnd.choice(["cardinality", "cost"]), rnd.random() < 0.5


SEEDS = range(400)


@pytest.mark.parametrize("seed", SEEDS)
def test_resumed_walk_gives_the_same_count(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    ballots, costs, cap, sat, greedy = _case(seed)
    tie = TieRule(seed="dice 4 1 6")
    options = {"satisfaction": sat, "increment": 0, "greedy": greedy, "tie": tie}
    fast = count_mes(ballots, costs=costs, budget=cap, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(
            mes_resume.Prober,
            "probe",
            lambda self, share: reference_pass(self.inst, share, self.breaker, after=True),
        )
        before = count_mes(ballots, costs=costs, budget=cap, **options)  # type: ignore[arg-type]
    assert fast == before  # funded, rounds, figures, share, passes and tie records


@pytest.mark.parametrize("seed", SEEDS)
def test_resumed_walk_matches_the_reference_walk(seed: int) -> None:
    ballots, costs, cap, sat, _ = _case(seed)
    data = budget.prepare(ballots, costs, None)
    inst = mes_pass.instance(data, sat)
    whole = Fraction(cap)
    share = whole / data.valid
    fast_breaker, ref_breaker = TieBreaker(TieRule(seed="s")), TieBreaker(TieRule(seed="s"))
    completion = _Completion(inst, data, whole, fast_breaker)
    fast = completion.exact(completion.run(share))
    first = reference_pass(inst, share, ref_breaker, after=False)
    ref, runs = reference_exact(inst, data.costs, completion.supported, whole, ref_breaker, first)
    assert (fast.share, fast.funded, fast.rounds) == (ref.share, ref.funded, ref.rounds)
    assert completion.runs == runs
    assert fast_breaker.records == ref_breaker.records


def test_probes_are_resumed_somewhere() -> None:
    """The differential cases do exercise resumed probes, not only whole passes."""
    resumed = 0
    for seed in range(60):
        ballots, costs, cap, sat, _ = _case(seed)
        data = budget.prepare(ballots, costs, None)
        completion = _Completion(
            mes_pass.instance(data, sat), data, Fraction(cap), TieBreaker(TieRule(seed="s"))
        )
        completion.exact(completion.run(Fraction(cap) / data.valid))
        resumed += completion.prober.resumed_rounds
    assert resumed > 0
