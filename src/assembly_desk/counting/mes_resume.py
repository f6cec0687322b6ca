"""The exact completion's probes, resumed from the first round that can change.

The exact completion (``mes._Completion.exact``) walks a chain of shares
``s_{k+1} = s_k + reach(s_k)``, running ``run_pass(after=True)`` at each. Every result
of the count depends on that chain (the reported share is the simplest number inside
the last interval, and a tie broken by lot depends on the share it is broken at), so
this module keeps the chain and every probe's ``funded``, ``reach`` and ``tied``
exactly as ``run_pass`` gives them, and only makes a probe cheaper:

* The previous probe (at ``s``) is kept round by round: winner, dropped projects, the
  winner's price (affine), the smallest absolute share at which an affordability or
  "who pays all" comparison of that round changes sign, and, for each rival ``j`` of
  the winner, the tangent root of ``g_j`` (see :mod:`mes_pass`) and the first *kink* of
  ``g_j`` (where one of ``j``'s money levels crosses the winner's price scaled to ``j``).
* The next probe is at ``s' = s + reach(s)``, the smallest of those bounds. Rounds
  before the first round holding a bound equal to ``s'`` make the same comparisons
  with the same signs on ``(s, s']`` and just above ``s'``: same winners, same dropped
  projects, same affine forms (as functions of the share). They are not recomputed:
  their winners are funded again at their (re-based) prices, which is integer work.
  Their afford and pay bounds, absolute, are what ``run_pass`` would find at ``s'``.
  Their tangent bounds are path dependent (the tangent is taken at the probe's share),
  but the tangent at ``s'`` is the tangent at ``s`` unless a kink of ``g_j`` lies in
  ``(s, s']``; only then is that ``g_j`` summed again at ``s'``.
* From that round on, the pass is computed as ``run_pass`` does, with every alive
  project priced again at the first recomputed round (a project last priced in a kept
  round could have passed a kink of its own price; pricing it again gives the
  affine form ``run_pass`` computes at ``s'`` from the same money levels).
* A probe that needed the tie rule is never resumed from (the next probe is computed
  whole), so the tie rule is asked exactly the same questions as before.

Probes built here carry no rounds (the completion reports a plain pass, never a probe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .budget import SELECT
from .mes_pass import ZERO, Aff, Instance, Pass, PassState, _price, _root, _sign
from .ties import TieBreaker


@dataclass(slots=True)
class _Gap:
    """A rival's "as cheap as the winner" test in one round (absolute shares)."""

    levels: list[tuple[Aff, int]]
    levels_base: Fraction
    v: Aff
    v_base: Fraction
    cost: Fraction
    tangent: Fraction | None = None
    kink: Fraction | None = None

    def evaluate(self, share: Fraction) -> None:
        """The tangent root and first kink as ``run_pass`` finds them at ``share``."""
        d = share - self.levels_base
        va, vb = self.v
        if share != self.v_base:
            va = va + vb * (share - self.v_base)
        ga, gb = -self.cost, ZERO
        kink: Fraction | None = None
        for (ma, mb), w in self.levels:
            if d:
                ma = ma + mb * d
            if (ma, mb) <= (va, vb):
                ga += ma * w
                gb += mb * w
                if ma < va and mb > vb:
                    r = (va - ma) / (mb - vb)
                    if kink is None or r < kink:
                        kink = r
            else:
                ga += va * w
                gb += vb * w
                if ma > va and mb < vb:
                    r = (ma - va) / (vb - mb)
                    if kink is None or r < kink:
                        kink = r
        self.tangent = share - ga / gb if gb > 0 and ga < 0 else None
        self.kink = None if kink is None else share + kink


@dataclass(slots=True)
class _Kept:
    """One round of the last probe."""

    x: int | None  # None: the closing check that found nothing affordable
    dropped: list[int]
    pay: Aff
    base: Fraction
    bound: Fraction | None  # smallest afford / pay bound of the round, absolute
    gaps: list[_Gap] = field(default_factory=list)

    def low(self) -> Fraction | None:
        values = [g.tangent for g in self.gaps if g.tangent is not None]
        if self.bound is not None:
            values.append(self.bound)
        return min(values) if values else None


@dataclass(slots=True)
class _Record:
    share: Fraction
    rounds: list[_Kept]
    tied: bool


class Prober:
    """``run_pass(inst, share, breaker, after=True)`` for the chain of the exact walk."""

    def __init__(self, inst: Instance, breaker: TieBreaker) -> None:
        self.inst, self.breaker = inst, breaker
        self.record: _Record | None = None
        self.resumed_rounds = 0  # rounds taken over from the previous probe (for profiling)

    def _start(self, share: Fraction) -> int:
        rec = self.record
        if rec is None or rec.tied or share <= rec.share:
            return 0
        for r, kept in enumerate(rec.rounds):
            if kept.low() == share:
                return r
        return 0

    def probe(self, share: Fraction) -> Pass:
        inst, breaker = self.inst, self.breaker
        projects, cost, util = inst.projects, inst.cost, inst.util
        n = len(projects)
        start = self._start(share)
        kept_rounds = self.record.rounds[:start] if self.record is not None else []
        self.resumed_rounds += start
        low: Fraction | None = None

        def bound_abs(value: Fraction | None) -> None:
            nonlocal low
            if value is not None and (low is None or value < low):
                low = value

        st = PassState(inst, share, True)
        price, pools, alive, dirty, money, fund = (
            st.price,
            st.pools,
            st.alive,
            st.dirty,
            st.money,
            st.fund,
        )
        levels: list[list[tuple[Aff, int]]] = [[] for _ in range(n)]
        rho_of: list[Aff | None] = [None] * n
        tied_any = False
        funded = st.fund_free()

        for kept in kept_rounds:  # the same steps as at the last probe: fund again
            for gap in kept.gaps:
                if gap.kink is not None and gap.kink <= share:
                    gap.evaluate(share)
                bound_abs(gap.tangent)
            bound_abs(kept.bound)
            for i in kept.dropped:
                alive[i] = False
            if kept.x is None:
                break
            pa, pb = kept.pay
            price[kept.x] = (pa + pb * (share - kept.base), pb)
            fund(kept.x)
            funded.append(projects[kept.x])

        rounds: list[_Kept] = list(kept_rounds)
        round_no = start + 1
        while any(alive):
            ap: Fraction | None = None

            def bound(d: Fraction | None) -> None:
                nonlocal ap
                if d is not None:
                    value = share + d
                    if ap is None or value < ap:
                        ap = value

            rho: dict[int, Aff] = {}
            dropped: list[int] = []
            for i in range(n):
                if not alive[i]:
                    continue
                if dirty[i]:
                    dirty[i] = False
                    lv = [(money(key), w) for key, w in pools[i].items()]
                    lv.sort(key=lambda e: e[0])
                    levels[i] = lv
                    ta = sum((m[0] * w for m, w in lv), ZERO) - cost[i]
                    tb = sum((m[1] * w for m, w in lv), ZERO)
                    bound(_root(ta, tb, True))
                    rho_of[i] = (
                        None if _sign(ta, tb, True) < 0 else _price(lv, cost[i], util[i], True)
                    )
                r = rho_of[i]
                if r is None:
                    dropped.append(i)
                else:
                    rho[i] = r
            for i in dropped:
                alive[i] = False
            if not rho:
                rounds.append(_Kept(None, dropped, (ZERO, ZERO), share, ap))
                bound_abs(ap)
                break
            best = min(rho.values())
            tied = [
                i for i in sorted(rho) if _sign(rho[i][0] - best[0], rho[i][1] - best[1], True) == 0
            ]
            x = tied[0]
            if len(tied) > 1:
                tied_any = True
                names = [projects[i] for i in tied]
                (name,) = breaker.pick(names, 1, round_no=round_no, purpose=f"{SELECT}@{share}")
                x = inst.index[name]
            ra, rb = rho[x]
            u = util[x]
            pay: Aff = (ra * u, rb * u)
            for m, _ in levels[x]:
                bound(_root(m[0] - pay[0], m[1] - pay[1], True))
            gaps = []
            for j in rho:
                if j != x:
                    gap = _Gap(levels[j], share, (ra * util[j], rb * util[j]), share, cost[j])
                    gap.evaluate(share)
                    bound_abs(gap.tangent)
                    gaps.append(gap)
            bound_abs(ap)
            rounds.append(_Kept(x, dropped, pay, share, ap, gaps))
            price[x] = pay
            fund(x)
            funded.append(projects[x])
            round_no += 1
        self.record = _Record(share, rounds, tied_any)
        reach = None if low is None else low - share
        return Pass(share, funded, [], reach, tied_any)
