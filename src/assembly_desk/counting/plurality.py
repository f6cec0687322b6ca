"""Single-round counts: plurality, approval and choose-up-to-N (1인 N표) with top K.

All three count one vote per valid mark and elect the ``seats`` highest; they differ
only in how many marks a valid ballot may carry:

* plurality: exactly one mark (two or more is an overvote);
* approval: any number of distinct marks;
* choose: 1 to ``max_choices`` distinct marks.

Invalid (checked in this order): empty, overvote, duplicate, unknown candidate (only
when the candidate list is given), and any non-choice ballot is ``wrong_kind``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

from . import candidates as cand
from . import validity
from .ballots import Ballot, ChoiceBallot
from .results import Result, Round
from .ties import TieBreaker, TieRule
from .top_by_tally import top


def count_marks(
    ballots: Iterable[Ballot],
    *,
    method: str,
    candidates: Sequence[str] | None,
    max_marks: int | None,
) -> tuple[tuple[str, ...], Counter[str], int, dict[str, int]]:
    """Shared tally: (candidate order, votes per candidate, valid count, invalid reasons).

    Ballots are grouped first so each distinct ballot is checked once.
    """
    grouped = Counter(ballots)
    found = (name for b in grouped if isinstance(b, ChoiceBallot) for name in b.choices)
    order, known = cand.resolve(candidates, found)
    votes: Counter[str] = Counter({name: 0 for name in order})
    reasons: Counter[str] = Counter()
    valid = 0
    for ballot, n in grouped.items():
        if not isinstance(ballot, ChoiceBallot):
            reasons[validity.WRONG_KIND] += n
            continue
        reason = validity.check_names(ballot.choices, known, max_marks)
        if reason is not None:
            reasons[reason] += n
            continue
        valid += n
        for name in ballot.choices:
            votes[name] += n
    return order, votes, valid, validity.reason_tally(reasons.items())


def _single_round(
    method: str,
    ballots: Iterable[Ballot],
    candidates: Sequence[str] | None,
    seats: int,
    max_marks: int | None,
    tie: TieRule | None,
    extra_params: dict[str, object],
) -> Result:
    if seats < 1:
        raise ValueError("seats must be at least 1")
    order, votes, valid, reasons = count_marks(
        ballots, method=method, candidates=candidates, max_marks=max_marks
    )
    breaker = TieBreaker(tie)
    tallies = {name: Fraction(votes[name]) for name in order}
    elected = top(tallies, seats, breaker, order=order)
    rule = tie or TieRule()
    return Result(
        method=method,
        candidates=order,
        seats=seats,
        elected=elected,
        rounds=(Round(1, tallies, elected=elected),),
        ties=tuple(breaker.records),
        valid=valid,
        invalid=sum(reasons.values()),
        invalid_reasons=reasons,
        params={"seats": seats, **extra_params, "tie_rule": rule.describe()},
    )


def count_plurality(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str] | None = None,
    seats: int = 1,
    tie: TieRule | None = None,
) -> Result:
    """One mark per ballot; the ``seats`` candidates with most votes are elected."""
    return _single_round("plurality", ballots, candidates, seats, 1, tie, {})


def count_approval(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str] | None = None,
    seats: int = 1,
    tie: TieRule | None = None,
) -> Result:
    """Any number of distinct marks; each mark is one vote."""
    return _single_round("approval", ballots, candidates, seats, None, tie, {})


def count_choose(
    ballots: Iterable[Ballot],
    *,
    max_choices: int,
    candidates: Sequence[str] | None = None,
    seats: int = 1,
    tie: TieRule | None = None,
) -> Result:
    """1인 N표: up to ``max_choices`` distinct marks, the ``seats`` highest elected."""
    if max_choices < 1:
        raise ValueError("max_choices must be at least 1")
    return _single_round(
        "choose", ballots, candidates, seats, max_choices, tie, {"max_choices": max_choices}
    )
