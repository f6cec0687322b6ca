"""평가표 score sheets: per-candidate totals and means, criteria weights, trimming, panels.

Used for 동장 공모 and similar selections where panels score each candidate.

* A sheet's score for a candidate is the number given, or with criteria the weighted
  sum  sum(weight[c] * score[c])  (every weighted criterion must be scored; unweighted
  criteria are an error on the sheet).
* Per panel (``group``) each candidate gets total, count and mean over the sheets that
  scored them. With ``trim`` the single highest and single lowest score are dropped
  before the mean (only when the candidate has at least 3 scores), a common guard
  against one evaluator's extreme sheet.
* The combined score is  sum(w_g * mean_g) / sum(w_g)  over the panels with weights
  (e.g. residents 50 + judges 50); a candidate no sheet in a panel scored gets 0 there.
  Without panel weights all sheets form one panel.
* Ranking is by combined score, highest first; the ``seats`` best are elected.

Invalid sheets (in this order): empty; bad_score (a score that is not a non-negative
number, or criteria that do not match the weights); unknown_candidate (when the list is
given); unknown_group (a panel without weight when weights are given); wrong_kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from . import candidates as cand
from . import validity
from .ballots import Ballot, Number, ScoreBallot
from .results import Result, Round
from .ties import TieBreaker, TieRule
from .top_by_tally import top


def _is_number(value: object) -> bool:
    return isinstance(value, int | Fraction) and not isinstance(value, bool) and value >= 0


def _sheet_scores(
    ballot: ScoreBallot, weights: Mapping[str, Fraction] | None
) -> dict[str, Fraction] | str:
    """One sheet's score per candidate, or the reason the sheet is invalid."""
    if not ballot.scores:
        return validity.EMPTY
    out: dict[str, Fraction] = {}
    for name, value in ballot.scores:
        if isinstance(value, tuple):
            marks = dict(value)
            if not marks or not all(_is_number(v) for v in marks.values()):
                return validity.BAD_SCORE
            if weights is None:
                out[name] = Fraction(sum(marks.values()))
            elif set(marks) != set(weights):
                return validity.BAD_SCORE
            else:
                out[name] = sum((weights[c] * marks[c] for c in weights), Fraction(0))
        elif _is_number(value):
            out[name] = Fraction(value)
        else:
            return validity.BAD_SCORE
    return out


def trimmed_mean(scores: Sequence[Fraction]) -> Fraction:
    """Mean without the single highest and lowest score (plain mean below 3 scores)."""
    if not scores:
        return Fraction(0)
    if len(scores) < 3:
        return sum(scores, Fraction(0)) / len(scores)
    ordered = sorted(scores)
    return sum(ordered[1:-1], Fraction(0)) / (len(ordered) - 2)


def count_score(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str] | None = None,
    seats: int = 1,
    criteria_weights: Mapping[str, Number] | None = None,
    trim: bool = False,
    group_weights: Mapping[str, Number] | None = None,
    tie: TieRule | None = None,
) -> Result:
    """Rank candidates by (weighted, optionally trimmed) mean scores over weighted panels."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    weights = (
        None
        if criteria_weights is None
        else {k: Fraction(v) for k, v in sorted(criteria_weights.items())}
    )
    panels = None if group_weights is None else {k: Fraction(v) for k, v in group_weights.items()}
    if panels is not None and (not panels or sum(panels.values()) <= 0):
        raise ValueError("panel weights must be positive")

    grouped = Counter(ballots)
    found = (name for b in grouped if isinstance(b, ScoreBallot) for name, _ in b.scores)
    order, known = cand.resolve(candidates, found)
    reasons: Counter[str] = Counter()
    valid = 0
    # per panel, per candidate: the list of scores (a multiset, kept sorted later)
    scores: dict[str, dict[str, list[Fraction]]] = {}
    for ballot, n in grouped.items():
        if not isinstance(ballot, ScoreBallot):
            reasons[validity.WRONG_KIND] += n
            continue
        sheet = _sheet_scores(ballot, weights)
        if isinstance(sheet, str):
            reasons[sheet] += n
            continue
        if known is not None and any(name not in known for name in sheet):
            reasons[validity.UNKNOWN_CANDIDATE] += n
            continue
        group = ballot.group if panels is not None else ""
        if panels is not None and group not in panels:
            reasons[validity.UNKNOWN_GROUP] += n
            continue
        valid += n
        panel = scores.setdefault(group, {})
        for name, value in sheet.items():
            panel.setdefault(name, []).extend([value] * n)

    panel_weights = panels if panels is not None else {"": Fraction(1)}
    weight_sum = sum(panel_weights.values())
    per_candidate: dict[str, object] = {}
    combined: dict[str, Fraction] = {}
    for name in order:
        by_panel: dict[str, dict[str, object]] = {}
        value = Fraction(0)
        for group in sorted(panel_weights):
            marks = scores.get(group, {}).get(name, [])
            total = sum(marks, Fraction(0))
            mean = total / len(marks) if marks else Fraction(0)
            used = trimmed_mean(marks) if trim else mean
            by_panel[group] = {
                "count": len(marks),
                "total": total,
                "mean": mean,
                **({"trimmed_mean": trimmed_mean(marks)} if trim else {}),
            }
            value += panel_weights[group] * used
        combined[name] = value / weight_sum
        per_candidate[name] = by_panel if panels is not None else by_panel[""]

    breaker = TieBreaker(tie)
    elected = top(combined, seats, breaker, order=order)
    ranking = top(combined, None, TieBreaker(tie), order=order)
    rule = tie or TieRule()
    return Result(
        method="score",
        candidates=order,
        seats=seats,
        elected=elected,
        rounds=(Round(1, combined, elected=elected),),
        ties=tuple(breaker.records),
        valid=valid,
        invalid=sum(reasons.values()),
        invalid_reasons=validity.reason_tally(reasons.items()),
        details={"scores": per_candidate, "ranking": list(ranking)},
        params={
            "seats": seats,
            "criteria_weights": weights,
            "trim": trim,
            "group_weights": panels,
            "tie_rule": rule.describe(),
        },
    )
