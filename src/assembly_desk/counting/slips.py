"""What a slip on a ranked paper ballot costs: the overvote, skipped-rank and duplicate rules.

A paper ballot can carry, at each rank, one name, several names (an overvote) or none (a
skipped rank), and the same name can appear at two ranks (a duplicate). Whole-ballot
invalidation throws away ranks 1 and 2 for a slip at rank 3, so a contest may instead
choose the rules of the certified US tabulator RCTab (its "Voter Error Rules"):

* overvote ``invalidate`` (the whole ballot is invalid; our original rule), ``exhaust``
  (RCTab "exhaust immediately": the ballot exhausts when the count reaches the overvoted
  rank) or ``skip`` (RCTab "always skip to next rank": the overvoted rank is passed over);
* skipped ranks ``allow`` (any number; our original rule), ``exhaust`` (RCTab 0: any gap
  exhausts the ballot when the count reaches the next marked rank) or ``"N"`` (RCTab
  "how many consecutive skipped ranks are allowed": a run of more than N blank ranks
  exhausts the ballot when the count reaches the mark after it);
* duplicates ``invalidate`` (the whole ballot is invalid; our original rule), ``skip``
  (RCTab default: the repeat is passed over; it names a candidate already out) or
  ``exhaust`` (RCTab "exhaust on multiple ranks for the same candidate": the ballot
  exhausts when the count reaches the repeat).

Every condition is a fact of the paper, not of the count, so each ballot is read once
into the candidates it can count for, in order, and the rule (if any) that stops it
after them. Counting then walks that list exactly as RCTab walks the ranks each round,
because candidates only ever leave the race: the ballot reaches the stop exactly when
every candidate before it is out, and the exhaustion is credited to the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

OVERVOTE_RULES = ("invalidate", "exhaust", "skip")
SKIPPED_RULES = ("allow", "exhaust")  # or a count "1", "2", ...: up to that many in a row
DUPLICATE_RULES = ("invalidate", "skip", "exhaust")

# Why a valid ballot stopped counting early (keys of a round's "exhausted_by" figures).
BY_OVERVOTE = "overvote"
BY_SKIPPED = "skipped_ranks"
BY_DUPLICATE = "duplicate"
STOP_REASONS = (BY_OVERVOTE, BY_SKIPPED, BY_DUPLICATE)

Position = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlipRules:
    """The three rules of one contest, checked; ``max_gap`` None means any gap is allowed."""

    overvote: str = "invalidate"
    skipped: str = "allow"
    duplicates: str = "invalidate"

    def __post_init__(self) -> None:
        if self.overvote not in OVERVOTE_RULES:
            raise ValueError(
                f"overvote rule {self.overvote!r}: use one of {', '.join(OVERVOTE_RULES)}"
            )
        if self.duplicates not in DUPLICATE_RULES:
            raise ValueError(
                f"duplicates rule {self.duplicates!r}: use one of {', '.join(DUPLICATE_RULES)}"
            )
        if self.skipped not in SKIPPED_RULES and not _is_count(self.skipped):
            raise ValueError(
                f"skipped rule {self.skipped!r}: use allow, exhaust or a whole number from 1"
            )

    @property
    def max_gap(self) -> int | None:
        """Blank ranks allowed in a row before the next mark: None = no limit."""
        if self.skipped == "allow":
            return None
        return 0 if self.skipped == "exhaust" else int(self.skipped)

    @property
    def is_default(self) -> bool:
        """Today's whole-ballot rules: results then carry no trace of the rules (compatibility)."""
        return self == SlipRules()

    def describe(self) -> dict[str, str]:
        """The rules as the result's ``params`` show them."""
        return {"overvote": self.overvote, "skipped": self.skipped, "duplicates": self.duplicates}


def _is_count(text: str) -> bool:
    """A whole number from 1 in ASCII digits ("1", "12"; not "+1", "١" or "0": use exhaust)."""
    return text.isascii() and text.isdigit() and int(text) >= 1


def marks_of(position: Position) -> tuple[str, ...]:
    """The names marked at one rank: a name alone, or the tuple (empty = skipped)."""
    return (position,) if isinstance(position, str) else position


def has_overvote(ranking: tuple[Position, ...]) -> bool:
    """Some rank holds two or more names (the common all-names paper is checked in C)."""
    if tuple not in set(map(type, ranking)):
        return False
    return any(isinstance(p, tuple) and len(p) > 1 for p in ranking)


def walk(ranking: tuple[Position, ...], rules: SlipRules) -> tuple[tuple[str, ...], str]:
    """The candidates a ballot can count for, in order, and the rule that stops it ("" = none).

    Per rank, in RCTab's order: a blank rank only lengthens the gap; at the next mark a
    gap longer than allowed stops the ballot; then a name already marked at an earlier
    rank (an overvoted rank included) stops it under ``duplicates=exhaust``; then an
    overvote stops it (``exhaust``) or is passed over (``skip``). Blank ranks at the end
    stop nothing: there is no later mark to reach.
    """
    max_gap = rules.max_gap
    exhaust_dup = rules.duplicates == "exhaust"
    names: list[str] = []
    seen: set[str] = set()
    gap = 0
    for position in ranking:
        marks = marks_of(position)
        if not marks:
            gap += 1
            continue
        if max_gap is not None and gap > max_gap:
            return tuple(names), BY_SKIPPED
        gap = 0
        if exhaust_dup and not seen.isdisjoint(marks):
            return tuple(names), BY_DUPLICATE
        seen.update(marks)
        if len(marks) > 1:
            if rules.overvote == "exhaust":
                return tuple(names), BY_OVERVOTE
            continue
        if marks[0] not in names:  # a skipped repeat names a candidate already out
            names.append(marks[0])
    return tuple(names), ""


def exhausted_figures(by_rule: Mapping[str, int | Fraction], scale: int = 1) -> dict[str, object]:
    """A round's ``figures``: the ballots exhausted so far by each rule (cumulative, like the
    round's ``exhausted``); empty when no rule stopped any, so results counted under the
    default rules keep exactly their old form."""
    shown = {r: Fraction(by_rule[r], scale) for r in STOP_REASONS if by_rule.get(r)}
    return {"exhausted_by": shown} if shown else {}
