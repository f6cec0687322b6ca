"""The result records: what a count decided and every step that led there.

A result is a frozen value. It holds each round's tallies (exact ``Fraction``), who was
elected or eliminated in that round, the vote transfers, and every tie-break draw. An
auditor recounts the published ballots and compares ``to_json_dict`` of both results
for equality, so everything needed to explain the outcome, and nothing that depends on
ballot order or on the machine, lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

ZERO = Fraction(0)


@dataclass(frozen=True, slots=True)
class Transfer:
    """Votes moved out of one candidate's pile after a round.

    ``kind`` is "elimination" (papers move at their current value) or "surplus" (papers
    move at ``value`` = the transfer value applied to a paper of value 1). ``to`` maps
    receiving candidates to the votes they gained; ``exhausted`` is the value of papers
    with no further continuing preference; ``loss`` is value lost to truncation.
    """

    source: str
    kind: str
    votes: Fraction
    value: Fraction
    to: Mapping[str, Fraction]
    exhausted: Fraction = ZERO
    loss: Fraction = ZERO


@dataclass(frozen=True, slots=True)
class Round:
    """One stage of a count.

    ``tallies`` are the standings *in* this round (candidates in candidate-list order).
    ``elected`` / ``eliminated`` are decided on these tallies; ``transfers`` are the
    moves made after this round that produce the next round's tallies. ``exhausted`` is
    the cumulative non-transferable value at this round.
    """

    number: int
    tallies: Mapping[str, Fraction]
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    exhausted: Fraction = ZERO
    note: str = ""
    figures: Mapping[str, Any] = field(default_factory=dict)
    """Method-specific figures of the round (e.g. MES money spent and left)."""


@dataclass(frozen=True, slots=True)
class TieBreak:
    """A recorded tie-break: which candidates tied, where, which rule decided, and how.

    ``rules`` lists the stages that were needed, in order ("previous_rounds",
    "priority", "lot"). ``chosen`` is what the count took from the tie (e.g. the one to
    eliminate, or the ones to elect in order). ``lot_order`` is the full draw order when
    a lot was drawn, so a witness can recompute it from the revealed seed.
    """

    round: int
    purpose: str
    tied: tuple[str, ...]
    rules: tuple[str, ...]
    chosen: tuple[str, ...]
    lot_order: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """What a count decided, with every round, for display, signing and re-verification.

    ``elected`` is in order of election (for yes/no it is empty and ``passed`` says the
    outcome). ``details`` holds method-specific figures (yes/no totals, score means,
    MES budgets); ``params`` echoes the parameters the count ran with, including the
    tie-break rule and the seed commitment (never the seed itself).
    """

    method: str
    candidates: tuple[str, ...]
    seats: int
    elected: tuple[str, ...]
    rounds: tuple[Round, ...]
    ties: tuple[TieBreak, ...]
    valid: int
    invalid: int
    invalid_reasons: Mapping[str, int]
    quota: Fraction | None = None
    passed: bool | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cast(self) -> int:
        """Ballots counted in total (valid + invalid)."""
        return self.valid + self.invalid
