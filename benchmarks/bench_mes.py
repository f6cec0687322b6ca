"""Benchmark equal shares (MES) as the product runs it, at a budget in won, beside pabutools.

A plain script (not a timed unit test). The product's call is the one the window makes
(services/tally: ``counting.count("mes", ballots, CountOptions(costs=..., budget=...,
tie=...))`` with every other option at its default: the exact completion, then greedy
fill). The instance is a 주민참여예산 of 500,000,000 won with 20-60 projects costing
5,000,000-80,000,000 won, for 200 and 10,000 voters. Printed, per size:

* ours with the product's defaults (target: 10,000 voters in under 2 s);
* ours with ``increment=1`` (the unit-step completion that older bundles recorded);
* pabutools ``method_of_equal_shares`` with its completion (``voter_budget_increment=1``,
  one won per rerun);
* one plain MES pass each (no completion): ours against pabutools, the per-pass ratio.

Each completion runs in a child process stopped after ``--timeout`` seconds. Where both
finish, the projects funded by MES (before the greedy fill, which pabutools'
completion does not do) must be the same; the script fails otherwise.

    .venv/bin/python benchmarks/bench_mes.py [--quick] [--timeout 300]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from assembly_desk.counting import ChoiceBallot, CountOptions, TieRule, count, count_mes

BUDGET = 500_000_000
TIE = TieRule(seed="benchmark")


def make_instance(voters: int, seed: int) -> tuple[list[ChoiceBallot], dict[str, int]]:
    """Projects of 5-80 million won; each voter approves 1-8, the popular ones more often."""
    rnd = random.Random(seed)
    names = [f"사업{i:02d}" for i in range(rnd.randint(20, 60))]
    costs = {p: rnd.randint(5, 80) * 1_000_000 for p in names}
    popularity = [rnd.uniform(0.1, 1.0) for _ in names]
    ballots = []
    for _ in range(voters):
        k = rnd.randint(1, 8)
        chosen: set[str] = set()
        while len(chosen) < k:
            chosen.add(rnd.choices(names, popularity)[0])
        ballots.append(ChoiceBallot(tuple(sorted(chosen))))
    return ballots, costs


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def row(label: str, seconds: float | None, note: str = "") -> None:
    shown = "did not finish" if seconds is None else f"{seconds:8.3f} s"
    print(f"  {label:<44} {shown:>14}  {note}")


def pabutools_mes(
    ballots: list[ChoiceBallot], costs: dict[str, int], increment: int | None
) -> tuple[set[str], float]:
    """pabutools' MES (Cardinality_Sat) on the same instance; (funded, seconds)."""
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Instance,
        Project,
    )
    from pabutools.rules import method_of_equal_shares

    start = time.perf_counter()
    projects = {p: Project(p, c) for p, c in costs.items()}
    instance = Instance(projects.values(), budget_limit=BUDGET)
    profile = ApprovalProfile([ApprovalBallot([projects[x] for x in b.choices]) for b in ballots])
    funded = method_of_equal_shares(
        instance, profile, sat_class=Cardinality_Sat, voter_budget_increment=increment
    )
    return {p.name for p in funded}, time.perf_counter() - start


def in_child(fn: Callable[[], Any], timeout: float) -> tuple[Any, float] | None:
    """(value, seconds) of ``fn()`` run in a child process, or None if it ran out of time."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child() -> None:
        value, seconds = timed(fn)
        queue.put((value, seconds))

    process = context.Process(target=child)
    process.start()
    try:
        result: tuple[Any, float] = queue.get(timeout=timeout)
    except Empty:
        process.terminate()
        return None
    finally:
        process.join()
    return result


def bench(voters: int, seed: int, timeout: float) -> float | None:
    ballots, costs = make_instance(voters, seed)
    print(f"MES: {voters} voters, {len(costs)} projects, budget {BUDGET:,} won")
    options = CountOptions(candidates=tuple(costs), costs=costs, budget=BUDGET, tie=TIE)

    def product() -> tuple[list[str], list[str], int, float]:
        r = count("mes", ballots, options)
        d = r.details
        return list(r.elected), list(d["funded_by_mes"]), d["mes_runs"], float(d["left"])

    done = in_child(product, timeout)
    mes_part: set[str] | None = None
    t_ours: float | None = None
    if done is None:
        row("assembly_desk mes, product defaults", None, f"stopped after {timeout:g} s")
    else:
        (elected, by_mes, runs, left), t_ours = done
        mes_part = set(by_mes)
        row(
            "assembly_desk mes, product defaults",
            t_ours,
            f"{len(elected)} funded ({len(mes_part)} by MES), {runs} passes, {left:,.0f} won left",
        )

    def recorded() -> tuple[set[str], int]:
        r = count_mes(ballots, costs=costs, budget=BUDGET, increment=1, tie=TIE)
        return set(r.details["funded_by_mes"]), r.details["mes_runs"]

    done = in_child(recorded, timeout)
    if done is None:
        row("assembly_desk mes, increment=1 (recorded)", None, f"stopped after {timeout:g} s")
    else:
        (step_part, step_runs), t_step = done
        same = mes_part is None or step_part == mes_part
        row(
            "assembly_desk mes, increment=1 (recorded)",
            t_step,
            f"{'same' if same else 'DIFFERENT'} MES part, as if {step_runs:,} unit passes",
        )
        assert same, "unit-step and exact completion differ"
    try:
        import pabutools  # noqa: F401
    except ImportError:
        row("pabutools", None, "not installed")
        return t_ours
    peer = in_child(lambda: pabutools_mes(ballots, costs, 1)[0], timeout)
    if peer is None:
        row("pabutools mes, voter_budget_increment=1", None, f"stopped after {timeout:g} s")
    else:
        funded, t_peer = peer
        same = mes_part is None or funded == mes_part
        ratio = "" if t_ours is None else f"; ours {t_peer / t_ours:.1f}x faster"
        row(
            "pabutools mes, voter_budget_increment=1",
            t_peer,
            f"{len(funded)} funded {'same' if same else 'DIFFERENT'}{ratio}",
        )
        assert same, "pabutools' completion funds other projects"
    plain, t_plain = timed(
        lambda: count_mes(ballots, costs=costs, budget=BUDGET, increment=None, tie=TIE)
    )
    (peer_plain, t_peer_plain) = pabutools_mes(ballots, costs, None)
    row("assembly_desk mes, one plain pass", t_plain, f"{len(plain.elected)} funded")
    row(
        "pabutools mes, one plain pass",
        t_peer_plain,
        f"{'same' if peer_plain == set(plain.elected) else 'DIFFERENT'}; "
        f"ours {t_peer_plain / t_plain:.1f}x faster per pass",
    )
    assert peer_plain == set(plain.elected), "plain MES differs from pabutools"
    return t_ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 voters instead of 10,000")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per completion")
    args = parser.parse_args()
    bench(200, 3, args.timeout)
    t_big = bench(1_000 if args.quick else 10_000, 4, args.timeout)
    print(f"  target 10,000 voters < 2 s: {'OK' if t_big is not None and t_big < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
