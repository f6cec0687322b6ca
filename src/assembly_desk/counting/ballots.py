"""Typed ballots (cast vote records) as the counting layer sees them.

A ballot carries only its selections: no voter, no time, no sequence number (ballot
secrecy, see DESIGN.md). The dataclasses are frozen and hashable so identical ballots
can be grouped with a ``Counter`` before counting; that grouping is what makes the
counts fast and is also why the result cannot depend on ballot order.

Ballots are *recorded*, not judged, here: a ballot with an overvote, a duplicate or an
unknown name is still a ``RankingBallot`` etc. Each counting method decides validity
with a stated rule (see ``validity``) so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

Number = int | Fraction
"""Exact numbers only: floats never enter a count (JSON floats are read as Fraction)."""

ScoreValue = Number | Mapping[str, Number]
"""A candidate's score on one sheet: a single number, or a number per criterion."""


@dataclass(frozen=True, slots=True)
class YesNoBallot:
    """찬반: ``vote`` is the raw mark ("yes"/"no"/"abstain" or a Korean alias); None is blank."""

    vote: str | None


@dataclass(frozen=True, slots=True)
class ChoiceBallot:
    """Plurality, approval, 1인 N표 and participatory-budget ballots: the marked names."""

    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RankingBallot:
    """Preference ballot, most preferred first.

    A position is a name, or a tuple of names when the voter put several candidates at
    the same rank (an overvote at that rank; the ballot is then invalid).
    """

    ranking: tuple[str | tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class ScoreBallot:
    """평가표: one evaluator's sheet. ``group`` names the panel (e.g. "residents", "judges").

    ``scores`` is stored as sorted pairs so the ballot stays hashable; build it with
    :meth:`of` from a plain mapping.
    """

    scores: tuple[tuple[str, Number | tuple[tuple[str, Number], ...]], ...]
    group: str = ""

    @classmethod
    def of(cls, scores: Mapping[str, ScoreValue], group: str = "") -> ScoreBallot:
        """Build from ``{"A": 4}`` or ``{"A": {"vision": 4, "plan": 5}}``."""
        items: list[tuple[str, Number | tuple[tuple[str, Number], ...]]] = []
        for name, value in scores.items():
            if isinstance(value, Mapping):
                items.append((name, tuple(sorted(value.items()))))
            else:
                items.append((name, value))
        return cls(tuple(sorted(items, key=lambda kv: kv[0])), group)


Ballot = YesNoBallot | ChoiceBallot | RankingBallot | ScoreBallot
