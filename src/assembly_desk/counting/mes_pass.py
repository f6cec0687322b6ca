"""One pass of the Method of Equal Shares, and how far the share may rise before it changes.

The completion reruns MES with a larger share per voter. To know which larger share is
worth a rerun, a pass computes every amount as an *affine function of the raise* ``d``
of each voter's share: a pair ``(a, b)`` meaning ``a + b*d`` (exact Fractions). While
every comparison the pass makes keeps its sign, the pass takes the same steps, so it
funds the same projects in the same order; the pass therefore also returns ``reach``,
the smallest raise at which one of its comparisons could change sign:

* a project's affordability: its supporters' money (affine) against its cost;
* the winner's price against each supporter's money: whether they pay ``rho * u`` or
  all they have (this fixes the affine form of rho and of everyone's money after);
* each other affordable project against the winner: ``g(d) = sum w * min(money, rho_w
  * u) - cost``  is >= 0 exactly when that project would be as cheap as the winner.
  ``g`` is a sum of minima of affine functions, hence concave, so its tangent at
  ``d = 0`` lies above it and the tangent's root is a safe lower bound on ``g``'s root
  (no need to follow the kinks of projects that are not bought).

``after=True`` compares at ``d = 0+`` (lexicographically on ``(a, b)``): the pass then
describes the outcome just above the share, on the open interval up to ``reach``.
With ``after=False`` comparisons are at the share itself (the plain MES pass, same
figures as always); a comparison that is tight there and moves gives ``reach = 0``.

Speed: a voter's money depends only on *key*, the set of funded projects they approved
(a bit mask), so each project keeps a pool ``key -> weight`` of its supporters; funding
a project re-keys only its supporters, and only projects whose pool changed are priced
again. Supporter lists, costs and utilities are built once per count (:class:`Instance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .budget import SELECT, Approvals
from .results import Round
from .ties import TieBreaker

Aff = tuple[Fraction, Fraction]
ZERO = Fraction(0)
ONE = Fraction(1)


@dataclass(frozen=True, slots=True)
class Instance:
    """What every pass of one count shares: the grouped ballots as project indices."""

    projects: tuple[str, ...]
    index: dict[str, int]
    members: list[list[int]]  # per ballot group: the projects it approves
    weights: list[int]  # per ballot group: how many voters
    supporters: list[list[int]]  # per project: the ballot groups approving it
    support: list[int]  # per project: number of supporters
    cost: list[Fraction]
    util: list[Fraction]


def instance(data: Approvals, satisfaction: str) -> Instance:
    projects = data.projects
    index = {p: i for i, p in enumerate(projects)}
    members = [sorted(index[p] for p in approved) for approved, _ in data.groups]
    weights = [n for _, n in data.groups]
    supporters: list[list[int]] = [[] for _ in projects]
    for g, approved in enumerate(members):
        for i in approved:
            supporters[i].append(g)
    cost = [data.costs[p] for p in projects]
    util = [ONE if satisfaction == "cardinality" else c for c in cost]
    support = [sum(weights[g] for g in groups) for groups in supporters]
    return Instance(projects, index, members, weights, supporters, support, cost, util)


@dataclass(frozen=True, slots=True)
class Pass:
    share: Fraction
    funded: list[str]
    rounds: list[Round]
    reach: Fraction | None  # raise at which the outcome could first change; None: never
    tied: bool  # the tie rule was needed


def _sign(a: Fraction, b: Fraction, after: bool) -> int:
    if a:
        return 1 if a > 0 else -1
    if after and b:
        return 1 if b > 0 else -1
    return 0


def _root(a: Fraction, b: Fraction, after: bool) -> Fraction | None:
    """Smallest d > 0 (or 0 for "at once") where  a + b*d  leaves the sign it has now."""
    if not a:
        return ZERO if b and not after else None
    if b and (a > 0) != (b > 0):
        return -a / b
    return None


def _min_lex(x: Aff, y: Aff) -> Aff:
    """The smaller at d = 0, with the slope it has just above 0 (a concave minimum)."""
    return x if (x[0], x[1]) <= (y[0], y[1]) else y


class PassState:
    """What one analysed pass keeps while it funds projects, shared by :func:`run_pass`
    and the resumed probes of :mod:`.mes_resume`.

    ``price[x]``: what each supporter of a funded ``x`` paid, as an affine function;
    ``pools[p]``: project ``p``'s supporters as ``key -> weight`` (key: the bit mask of
    funded projects they approve); ``dirty[p]``: ``p``'s pool changed since it was priced.
    ``money`` and ``fund`` are closures over these lists, not methods: they run in the
    pass's innermost loops.
    """

    def __init__(self, inst: Instance, share: Fraction, after: bool) -> None:
        n = len(inst.projects)
        weights, members, supporters = inst.weights, inst.members, inst.supporters
        self.inst = inst
        self.price: list[Aff] = [(ZERO, ZERO)] * n
        keys = [0] * len(weights)
        self.pools: list[dict[int, int]] = [{0: s} if s else {} for s in inst.support]
        self.alive = [s > 0 for s in inst.support]
        self.dirty = [True] * n
        price, pools, alive, dirty = self.price, self.pools, self.alive, self.dirty
        money_cache: dict[int, Aff] = {0: (share, ONE)}

        def money(key: int) -> Aff:
            value = money_cache.get(key)
            if value is None:
                a, b, k = share, ONE, key
                while k:
                    low = k & -k
                    pa, pb = price[low.bit_length() - 1]
                    a -= pa
                    b -= pb
                    k ^= low
                value = (a, b) if _sign(a, b, after) > 0 else (ZERO, ZERO)
                money_cache[key] = value
            return value

        def fund(x: int) -> None:
            bit = 1 << x
            alive[x] = False
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
                        dirty[p] = True

        self.money = money
        self.fund = fund

    def fund_free(self) -> list[str]:
        """Fund every supported project that costs nothing (they come first); their names."""
        inst, funded = self.inst, []
        for i in range(len(inst.projects)):
            if self.alive[i] and inst.cost[i] == 0:
                self.fund(i)
                funded.append(inst.projects[i])
        return funded


def run_pass(
    inst: Instance, share: Fraction, breaker: TieBreaker, *, after: bool, analyse: bool = True
) -> Pass:
    """MES at ``share`` per voter (at ``share + 0`` when ``after``); see the module docstring.

    ``analyse=False`` skips finding ``reach`` (None then), for passes whose outcome is all
    that is asked (plain MES, the pass whose figures are reported).
    """
    projects, cost, util = inst.projects, inst.cost, inst.util
    n = len(projects)
    st = PassState(inst, share, after)
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
    reach: Fraction | None = None
    tied_any = False

    def bound(d: Fraction | None) -> None:
        nonlocal reach
        if analyse and d is not None and (reach is None or d < reach):
            reach = d

    funded = st.fund_free()

    rounds: list[Round] = []
    round_no = 1
    while any(alive):
        rho: dict[int, Aff] = {}
        dropped: list[int] = []
        for i in range(n):
            if not alive[i]:
                continue
            if dirty[i]:
                dirty[i] = False
                lv = [(money(key), w) for key, w in pools[i].items()]
                lv.sort(key=(lambda e: e[0]) if after else (lambda e: e[0][0]))
                levels[i] = lv
                ta = sum((m[0] * w for m, w in lv), ZERO) - cost[i]
                tb = sum((m[1] * w for m, w in lv), ZERO)
                bound(_root(ta, tb, after))
                rho_of[i] = (
                    None if _sign(ta, tb, after) < 0 else _price(lv, cost[i], util[i], after)
                )
            r = rho_of[i]
            if r is None:
                dropped.append(i)
            else:
                rho[i] = r
        for i in dropped:
            alive[i] = False
        if not rho:
            if dropped and rounds:
                rounds[-1] = _with_dropped(rounds[-1], dropped, projects)
            break
        best = min(rho.values(), key=(lambda r: r) if after else (lambda r: r[0]))
        tied = [
            i for i in sorted(rho) if _sign(rho[i][0] - best[0], rho[i][1] - best[1], after) == 0
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
        for m, _ in levels[x] if analyse else ():  # who pays the price, who pays all
            bound(_root(m[0] - pay[0], m[1] - pay[1], after))
        for j in rho if analyse else ():  # could another project become as cheap?
            if j != x:
                v: Aff = (ra * util[j], rb * util[j])
                ga, gb = -cost[j], ZERO
                for m, w in levels[j]:
                    lo = _min_lex(m, v)
                    ga += lo[0] * w
                    gb += lo[1] * w
                if gb > 0:
                    bound(ZERO if ga == 0 and not after else (-ga / gb if ga < 0 else None))
        paid = sum((min(m[0], pay[0]) * w for m, w in levels[x]), ZERO)
        price[x] = pay
        fund(x)
        funded.append(projects[x])
        rounds.append(
            Round(
                round_no,
                {projects[i]: rho[i][0] for i in sorted(rho)},
                elected=(projects[x],),
                eliminated=tuple(projects[i] for i in dropped),
                figures={"rho": ra, "paid": paid, "cost": cost[x]},
            )
        )
        round_no += 1
    return Pass(share, funded, rounds, reach, tied_any)


def plain_pass(inst: Instance, share: Fraction, breaker: TieBreaker) -> Pass:
    """The same pass as ``run_pass(..., after=False, analyse=False)`` on plain numbers.

    Twice the speed when only the outcome and its figures are asked: no slopes, no
    ``reach``; a project is priced again only when its supporters' money changed.
    """
    projects, cost, util, weights, members = (
        inst.projects,
        inst.cost,
        inst.util,
        inst.weights,
        inst.members,
    )
    n = len(projects)
    price = [ZERO] * n
    keys = [0] * len(weights)
    pools: list[dict[int, int]] = [{0: s} if s else {} for s in inst.support]
    alive = [s > 0 for s in inst.support]
    dirty = [True] * n
    rho_of: list[Fraction | None] = [None] * n
    money_cache: dict[int, Fraction] = {0: share}
    tied_any = False

    def money(key: int) -> Fraction:
        value = money_cache.get(key)
        if value is None:
            value, k = share, key
            while k:
                low = k & -k
                value -= price[low.bit_length() - 1]
                k ^= low
            value = value if value > 0 else ZERO
            money_cache[key] = value
        return value

    def fund(x: int) -> None:
        bit = 1 << x
        alive[x] = False
        funded.append(projects[x])
        for g in inst.supporters[x]:
            old = keys[g]
            new = keys[g] = old | bit
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
                    dirty[p] = True

    funded: list[str] = []
    for i in range(n):
        if alive[i] and cost[i] == 0:
            fund(i)
    rounds: list[Round] = []
    round_no = 1
    while any(alive):
        rho: dict[int, Fraction] = {}
        dropped: list[int] = []
        for i in range(n):
            if not alive[i]:
                continue
            if dirty[i]:
                dirty[i] = False
                by_money: dict[Fraction, int] = {}
                for key, w in pools[i].items():
                    b = money(key)
                    by_money[b] = by_money.get(b, 0) + w
                total = sum((b * w for b, w in by_money.items()), ZERO)
                rho_of[i] = None if total < cost[i] else _plain_price(by_money, cost[i], util[i])
            r = rho_of[i]
            if r is None:
                dropped.append(i)
            else:
                rho[i] = r
        for i in dropped:
            alive[i] = False
        if not rho:
            if dropped and rounds:
                rounds[-1] = _with_dropped(rounds[-1], dropped, projects)
            break
        best = min(rho.values())
        tied = [i for i in sorted(rho) if rho[i] == best]
        x = tied[0]
        if len(tied) > 1:
            tied_any = True
            names = [projects[i] for i in tied]
            (name,) = breaker.pick(names, 1, round_no=round_no, purpose=f"{SELECT}@{share}")
            x = inst.index[name]
        pay = best * util[x]
        paid = sum((min(money(key), pay) * w for key, w in pools[x].items()), ZERO)
        price[x] = pay
        fund(x)
        rounds.append(
            Round(
                round_no,
                {projects[i]: rho[i] for i in sorted(rho)},
                elected=(projects[x],),
                eliminated=tuple(projects[i] for i in dropped),
                figures={"rho": best, "paid": paid, "cost": cost[x]},
            )
        )
        round_no += 1
    return Pass(share, funded, rounds, None, tied_any)


def _plain_price(pool: dict[Fraction, int], cost: Fraction, util: Fraction) -> Fraction:
    """Lowest rho with  sum(w * min(b, rho * util)) >= cost  (the pool can afford cost)."""
    paid = ZERO
    weight = sum(pool.values())
    for b in sorted(pool):
        rho = (cost - paid) / (weight * util)
        if rho * util <= b:
            return rho
        paid += b * pool[b]
        weight -= pool[b]
    raise AssertionError("unaffordable project reached _plain_price")


def _price(lv: list[tuple[Aff, int]], cost: Fraction, util: Fraction, after: bool) -> Aff:
    """Lowest rho with  sum(w * min(money, rho * util)) >= cost, as an affine function."""
    paid_a, paid_b = ZERO, ZERO
    weight = sum(w for _, w in lv)
    for (ma, mb), w in lv:
        scale = weight * util
        ra, rb = (cost - paid_a) / scale, -paid_b / scale
        if _sign(ma - ra * util, mb - rb * util, after) >= 0:
            return ra, rb
        paid_a += ma * w
        paid_b += mb * w
        weight -= w
    raise AssertionError("unaffordable project reached _price")


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
