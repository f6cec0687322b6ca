"""Tie-breaking fixed before the vote: previous rounds, then a priority list, then a lot.

Why this order: earlier rounds are facts of the same count ("backwards" tie-breaking as
in many STV rules), a priority list is a published rule (e.g. the older candidate first
as in Korean public elections), and only what both leave open is drawn by lot. The lot
is deterministic from a seed taken from a public act (e.g. dice thrown at the meeting),
committed by hash before counting and revealed after, so any witness can recompute
every draw. Each draw is recorded in the result.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .results import TieBreak

_COMMIT_DOMAIN = b"assembly-desk/tie-seed-commitment/v1\x00"
_LOT_DOMAIN = b"assembly-desk/lot/v1\x00"

PREVIOUS_ROUNDS = "previous_rounds"
PRIORITY = "priority"
LOT = "lot"


class TieNeedsLotError(ValueError):
    """A tie survived the published rules and no seed was given for the lot."""

    def __init__(self, tied: Sequence[str], round_no: int, purpose: str) -> None:
        super().__init__(
            f"tie between {', '.join(tied)} (round {round_no}, {purpose}) needs a lot: give a seed"
        )
        self.tied = tuple(tied)
        self.round_no = round_no
        self.purpose = purpose


def _seed_bytes(seed: bytes | str) -> bytes:
    """Typed seeds are normalised (NFC, stripped): the same words give the same bytes."""
    if isinstance(seed, bytes):
        return seed
    return unicodedata.normalize("NFC", seed.strip()).encode("utf-8")


def seed_commitment(seed: bytes | str) -> str:
    """SHA-256 hex of the domain-separated seed, to publish before counting."""
    return hashlib.sha256(_COMMIT_DOMAIN + _seed_bytes(seed)).hexdigest()


def lot_order(seed: bytes | str, context: str, candidates: Sequence[str]) -> tuple[str, ...]:
    """Draw an order of ``candidates`` by lot: HMAC-SHA256(seed, domain | context | name).

    The context names the round, the purpose and the sorted tied set, so each tie gets
    its own independent draw; sorting by digest makes the outcome independent of the
    order the candidates were passed in.
    """
    key = _seed_bytes(seed)
    prefix = _LOT_DOMAIN + context.encode("utf-8") + b"\x00"

    def digest(name: str) -> bytes:
        return hmac.new(key, prefix + name.encode("utf-8"), hashlib.sha256).digest()

    return tuple(sorted(sorted(set(candidates)), key=digest))


@dataclass(frozen=True, slots=True)
class TieRule:
    """The published rule: ``backwards`` look at previous rounds, then ``priority``, then lot."""

    priority: tuple[str, ...] = ()
    seed: bytes | str | None = None
    backwards: bool = True

    def describe(self) -> dict[str, object]:
        """Parameters for the result: the seed only as its commitment."""
        return {
            "backwards": self.backwards,
            "priority": list(self.priority),
            "seed_commitment": None if self.seed is None else seed_commitment(self.seed),
        }


class TieBreaker:
    """Applies a :class:`TieRule` and keeps the record of every tie it broke."""

    def __init__(self, rule: TieRule | None = None) -> None:
        self.rule = rule or TieRule()
        self.records: list[TieBreak] = []
        self._rank = {name: i for i, name in enumerate(self.rule.priority)}

    def pick(
        self,
        tied: Sequence[str],
        count: int,
        *,
        round_no: int,
        purpose: str,
        history: Sequence[Mapping[str, Fraction | int]] = (),
        lowest: bool = False,
    ) -> tuple[str, ...]:
        """Choose ``count`` of ``tied``: the most favoured, or the least when ``lowest``.

        ``history`` holds earlier rounds' tallies, oldest first; a higher earlier tally
        is favoured, looking at the latest earlier round first. The chosen ones are
        returned in rule order (ties within the chosen set: by name).
        """
        names = sorted(set(tied))
        if len(names) <= count or count <= 0:
            return tuple(names[:count])
        sign = 1 if lowest else -1
        history_key: dict[str, tuple[Fraction | int, ...]] = {}
        for name in names:
            if self.rule.backwards:
                history_key[name] = tuple(sign * h.get(name, 0) for h in reversed(history))
            else:
                history_key[name] = ()
        unlisted = len(self._rank)
        prio_sign = -1 if lowest else 1
        prio = {n: prio_sign * self._rank.get(n, unlisted) for n in names}

        # Order by the published rules; equal keys stay tied for the lot.
        ordered = sorted(names, key=lambda n: (history_key[n], prio[n]))
        picked = ordered[:count]
        # A stage is recorded when it separated names the earlier stages left equal.
        rules: list[str] = []
        if len({history_key[n] for n in names}) > 1:
            rules.append(PREVIOUS_ROUNDS)
        hk_groups: dict[tuple[Fraction | int, ...], set[int]] = {}
        for n in names:
            hk_groups.setdefault(history_key[n], set()).add(prio[n])
        if any(len(v) > 1 for v in hk_groups.values()):
            rules.append(PRIORITY)
        lot: tuple[str, ...] = ()
        if _needs_lot(ordered, count, history_key, prio):
            if self.rule.seed is None:
                raise TieNeedsLotError(names, round_no, purpose)
            context = f"{purpose}|round={round_no}|" + "\x1f".join(names)
            lot = lot_order(self.rule.seed, context, names)
            position = {n: i for i, n in enumerate(lot)}
            lot_sign = -1 if lowest else 1
            ordered = sorted(names, key=lambda n: (history_key[n], prio[n], lot_sign * position[n]))
            picked = ordered[:count]
            rules.append(LOT)
        if not rules:  # cannot happen for a real tie, kept for a clear record
            rules.append(PRIORITY)
        chosen = tuple(picked)
        self.records.append(TieBreak(round_no, purpose, tuple(names), tuple(rules), chosen, lot))
        return chosen


def _key(n: str, hk: Mapping[str, tuple[Fraction | int, ...]], prio: Mapping[str, int]) -> tuple:
    return (hk[n], prio[n])


def _needs_lot(
    ordered: Sequence[str],
    count: int,
    hk: Mapping[str, tuple[Fraction | int, ...]],
    prio: Mapping[str, int],
) -> bool:
    """A lot is needed only when the published rules leave the cut undecided.

    Only *who* is chosen is decided by a tie-break; the order among the chosen follows
    the same keys (then the name) and never calls for a draw of its own.
    """
    if count >= len(ordered):
        return False
    return _key(ordered[count - 1], hk, prio) == _key(ordered[count], hk, prio)
