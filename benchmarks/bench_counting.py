"""Benchmark the counting layer against peer libraries on the same input.

A plain script (not a timed unit test): prints our time and the peers' side by side and
checks the winners are identical. Targets: IRV 100,000 ballots x 10 candidates < 1 s,
STV 3 seats on the same < 3 s, MES 10,000 voters x 50 projects < 5 s.

    .venv/bin/python benchmarks/bench_counting.py [--quick]

Peers (pyrankvote, pref_voting, pabutools: the ``bench`` extra) are skipped with a note
when not installed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from assembly_desk.counting import (
    ChoiceBallot,
    RankingBallot,
    TieRule,
    count_irv,
    count_mes,
    count_stv,
)

TIE = TieRule(seed="benchmark")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def make_rankings(voters: int, n: int, seed: int = 1) -> list[RankingBallot]:
    """Plackett-Luce style rankings of random length 1..n (realistic truncation)."""
    rnd = random.Random(seed)
    names = [f"C{i:02d}" for i in range(n)]
    weights = [rnd.uniform(0.2, 1.0) for _ in names]
    ballots = []
    for _ in range(voters):
        keys = sorted(range(n), key=lambda i: -(rnd.random() ** (1 / weights[i])))
        ballots.append(RankingBallot(tuple(names[i] for i in keys[: rnd.randint(1, n)])))
    return ballots


def make_approvals(
    voters: int, projects: int, seed: int = 2
) -> tuple[list[ChoiceBallot], dict[str, int], int]:
    rnd = random.Random(seed)
    names = [f"P{i:02d}" for i in range(projects)]
    popularity = [rnd.uniform(0.1, 1.0) for _ in names]
    costs = {p: rnd.randint(10, 200) * 1000 for p in names}
    budget = sum(costs.values()) // 4
    ballots = []
    for _ in range(voters):
        k = rnd.randint(1, 8)
        chosen = set()
        while len(chosen) < k:
            chosen.add(rnd.choices(names, popularity)[0])
        ballots.append(ChoiceBallot(tuple(sorted(chosen))))
    return ballots, costs, budget


def row(label: str, seconds: float | None, note: str = "") -> None:
    shown = "skipped" if seconds is None else f"{seconds:8.3f} s"
    print(f"  {label:<38} {shown:>10}  {note}")


def bench_ranked(voters: int) -> None:
    ballots = make_rankings(voters, 10)
    print(f"IRV / STV: {voters} ballots, 10 candidates, {len(Counter(ballots))} distinct")
    irv, t_irv = timed(lambda: count_irv(ballots, tie=TIE))
    row("assembly_desk irv", t_irv, f"winner {irv.elected[0]}, {len(irv.rounds)} rounds")
    stv, t_stv = timed(lambda: count_stv(ballots, seats=3, tie=TIE))
    row("assembly_desk stv (3 seats)", t_stv, f"elected {', '.join(stv.elected)}")

    try:
        import pyrankvote
        from pyrankvote import Ballot, Candidate
    except ImportError:
        row("pyrankvote irv", None, "not installed")
    else:
        cands = {n: Candidate(n) for n in irv.candidates}

        def run_prv() -> Any:
            prv_ballots = [Ballot(ranked_candidates=[cands[n] for n in b.ranking]) for b in ballots]
            return pyrankvote.instant_runoff_voting(list(cands.values()), prv_ballots)

        res, t = timed(run_prv)
        winner = res.get_winners()[0].name
        row("pyrankvote irv", t, f"winner {winner} {'OK' if winner == irv.elected[0] else 'DIFF'}")

        def run_prv_stv() -> Any:
            prv_ballots = [Ballot(ranked_candidates=[cands[n] for n in b.ranking]) for b in ballots]
            return pyrankvote.single_transferable_vote(list(cands.values()), prv_ballots, 3)

        res, t = timed(run_prv_stv)
        got = sorted(c.name for c in res.get_winners())
        same = "same set" if got == sorted(stv.elected) else "different set (other rules)"
        row("pyrankvote stv (3 seats)", t, f"elected {', '.join(got)} ({same})")

    try:
        from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
        from pref_voting.profiles_with_ties import ProfileWithTies
    except ImportError:
        row("pref_voting irv", None, "not installed")
    else:
        names = list(irv.candidates)
        index = {n: i for i, n in enumerate(names)}

        def run_pv() -> Any:
            grouped = Counter(b.ranking for b in ballots)
            rankings = [{index[n]: r + 1 for r, n in enumerate(k)} for k in grouped]
            profile = ProfileWithTies(
                rankings, rcounts=list(grouped.values()), candidates=list(range(len(names)))
            )
            return instant_runoff_for_truncated_linear_orders(profile)

        res, t = timed(run_pv)
        winner = names[res[0]] if len(res) == 1 else "tie"
        row(
            "pref_voting irv (truncated)",
            t,
            f"winner {winner} {'OK' if winner == irv.elected[0] else 'DIFF'}",
        )
    ok = "OK" if t_irv < 1 and t_stv < 3 else "MISSED"
    print(f"  targets irv < 1 s, stv < 3 s: {ok}")


def bench_mes(voters: int, projects: int) -> None:
    ballots, costs, budget = make_approvals(voters, projects)
    print(f"MES: {voters} voters, {projects} projects, budget {budget}")
    ours, t_ours = timed(
        lambda: count_mes(ballots, costs=costs, budget=budget, increment=None, tie=TIE)
    )
    row("assembly_desk mes (cardinality)", t_ours, f"{len(ours.elected)} funded")
    try:
        from pabutools.election import (
            ApprovalBallot,
            ApprovalProfile,
            Cardinality_Sat,
            Instance,
            Project,
        )
        from pabutools.rules import method_of_equal_shares
    except ImportError:
        row("pabutools mes", None, "not installed")
    else:

        def run_pab() -> Any:
            projs = {p: Project(p, c) for p, c in costs.items()}
            instance = Instance(projs.values(), budget_limit=budget)
            profile = ApprovalProfile(
                [ApprovalBallot([projs[x] for x in b.choices]) for b in ballots]
            )
            return method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)

        res, t = timed(run_pab)
        same = {p.name for p in res} == set(ours.elected)
        row("pabutools mes (Cardinality_Sat)", t, f"{len(res)} funded {'OK' if same else 'DIFF'}")
    print(f"  target mes < 5 s: {'OK' if t_ours < 5 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    bench_ranked(100_000 // scale)
    bench_mes(10_000 // scale, 50)


if __name__ == "__main__":
    main()
