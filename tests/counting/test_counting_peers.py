"""Cross-checks of IRV against pyrankvote and pref_voting (skipped when not installed)."""

from __future__ import annotations

import random

import pytest

from assembly_desk.counting import RankingBallot, TieRule, count_irv

NAMES = ["A", "B", "C", "D", "E", "F"]


def _election(seed: int) -> list[RankingBallot]:
    rnd = random.Random(seed)
    weights = [rnd.random() for _ in NAMES]
    ballots = []
    for _ in range(rnd.randint(300, 900)):
        pool = list(NAMES)
        order = []
        while pool:
            pick = rnd.choices(pool, [weights[NAMES.index(p)] for p in pool])[0]
            pool.remove(pick)
            order.append(pick)
        ballots.append(RankingBallot(tuple(order)))  # full rankings: all tools agree
    return ballots


def _no_ties(ballots: list[RankingBallot]) -> bool:
    return not count_irv(ballots, tie=TieRule(seed="x")).ties


@pytest.mark.parametrize("seed", range(40))
def test_irv_matches_pyrankvote(seed: int) -> None:
    pyrankvote = pytest.importorskip("pyrankvote")
    from pyrankvote import Ballot, Candidate

    ballots = _election(seed)
    if not _no_ties(ballots):
        pytest.skip("tie: peers break ties differently")
    cands = {n: Candidate(n) for n in NAMES}
    peer = pyrankvote.instant_runoff_voting(
        list(cands.values()),
        [Ballot(ranked_candidates=[cands[n] for n in b.ranking]) for b in ballots],
    )
    assert [c.name for c in peer.get_winners()] == list(count_irv(ballots).elected)


@pytest.mark.parametrize("seed", range(40))
def test_irv_matches_pref_voting(seed: int) -> None:
    pytest.importorskip("pref_voting")
    from pref_voting.profiles import Profile
    from pref_voting.voting_methods import instant_runoff

    ballots = _election(seed)
    if not _no_ties(ballots):
        pytest.skip("tie: peers break ties differently")
    index = {n: i for i, n in enumerate(NAMES)}
    profile = Profile([[index[n] for n in b.ranking] for b in ballots])
    winners = instant_runoff(profile)
    assert [NAMES[w] for w in winners] == list(count_irv(ballots).elected)
