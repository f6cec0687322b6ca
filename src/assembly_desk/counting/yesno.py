"""찬반 votes: yes / no / abstain against a threshold over a chosen base, with quorum.

The threshold and the base are separate choices because assembly bylaws combine them
freely ("two-thirds of those present", "a majority of valid votes"). Definitions (also
in docs/counting.md):

* base ``cast`` = every ballot in the box (valid + invalid, abstentions included);
  ``valid`` = yes + no + abstain (explicit abstention is a valid ballot);
  ``present`` and ``eligible`` are the numbers given by the caller.
* ``simple``: yes > no (the base is not used);
  ``absolute``: yes > 1/2 of base; ``two-thirds``: yes >= 2/3 of base;
  ``three-quarters``: yes >= 3/4 of base.
* quorum (when given): present >= quorum, else the motion fails whatever the votes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

from . import validity
from .ballots import Ballot, YesNoBallot
from .results import Result, Round

YES, NO, ABSTAIN = "yes", "no", "abstain"

ALIASES = {
    "yes": YES,
    "y": YES,
    "찬성": YES,
    "no": NO,
    "n": NO,
    "반대": NO,
    "abstain": ABSTAIN,
    "기권": ABSTAIN,
}
"""Marks accepted for each option (case-insensitive); anything else is ``bad_vote``."""

THRESHOLDS = ("simple", "absolute", "two-thirds", "three-quarters")
BASES = ("cast", "valid", "present", "eligible")

_FRACTION = {
    "absolute": Fraction(1, 2),
    "two-thirds": Fraction(2, 3),
    "three-quarters": Fraction(3, 4),
}


def classify(ballot: Ballot) -> str:
    """Return "yes", "no", "abstain" or an invalid reason for one ballot."""
    if not isinstance(ballot, YesNoBallot):
        return validity.WRONG_KIND
    if ballot.vote is None or (isinstance(ballot.vote, str) and not ballot.vote.strip()):
        return validity.EMPTY
    if not isinstance(ballot.vote, str):
        return validity.BAD_VOTE
    return ALIASES.get(ballot.vote.strip().lower(), validity.BAD_VOTE)


def count_yesno(
    ballots: Iterable[Ballot],
    *,
    threshold: str = "simple",
    base: str = "valid",
    present: int | None = None,
    eligible: int | None = None,
    quorum: int | None = None,
) -> Result:
    """Count a yes/no motion; ``passed`` is the outcome, ``details`` the totals."""
    if threshold not in THRESHOLDS:
        raise ValueError(f"unknown threshold {threshold!r}; use one of {', '.join(THRESHOLDS)}")
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}; use one of {', '.join(BASES)}")
    if threshold != "simple" and base == "present" and present is None:
        raise ValueError("base 'present' needs the number present")
    if threshold != "simple" and base == "eligible" and eligible is None:
        raise ValueError("base 'eligible' needs the number eligible")
    if quorum is not None and present is None:
        raise ValueError("a quorum check needs the number present")

    marks: Counter[str] = Counter()
    for ballot, n in Counter(ballots).items():
        marks[classify(ballot)] += n
    yes, no, abstain = marks[YES], marks[NO], marks[ABSTAIN]
    valid = yes + no + abstain
    invalid_reasons = validity.reason_tally(
        (k, v) for k, v in marks.items() if k not in (YES, NO, ABSTAIN)
    )
    invalid = sum(invalid_reasons.values())
    cast = valid + invalid
    base_value = {"cast": cast, "valid": valid, "present": present, "eligible": eligible}[base]

    required: Fraction | None
    if threshold == "simple":
        required = None
        threshold_met = yes > no
    else:
        assert base_value is not None
        required = _FRACTION[threshold] * base_value
        threshold_met = yes > required if threshold == "absolute" else yes >= required
    quorum_met = None if quorum is None else present is not None and present >= quorum
    passed = threshold_met and quorum_met is not False

    details = {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "invalid": invalid,
        "cast": cast,
        "valid": valid,
        "present": present,
        "eligible": eligible,
        "base": base,
        "base_value": None if threshold == "simple" else base_value,
        "threshold": threshold,
        "required": required,
        "threshold_met": threshold_met,
        "quorum": quorum,
        "quorum_met": quorum_met,
    }
    tallies = {YES: Fraction(yes), NO: Fraction(no), ABSTAIN: Fraction(abstain)}
    return Result(
        method="yesno",
        candidates=(YES, NO, ABSTAIN),
        seats=0,
        elected=(),
        rounds=(Round(1, tallies),),
        ties=(),
        valid=valid,
        invalid=invalid,
        invalid_reasons=invalid_reasons,
        passed=passed,
        details=details,
        params={
            "threshold": threshold,
            "base": base,
            "present": present,
            "eligible": eligible,
            "quorum": quorum,
        },
    )
