"""The station's words for a selection: the review screen and the "not yet" hints.

Qt-free so the review text is tested directly. A voter reads their choices back in
plain sentences ("찬성", "1순위 놀이터"), never the stored JSON.
"""

from __future__ import annotations

from typing import Any

from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.i18n import t


def won(amount: int) -> str:
    """3000000 → "3,000,000원" (Korean) / "₩3,000,000"."""
    return t("gui.station.won", amount=f"{amount:,}")


def review_lines(defn: ContestDefinition, selection: dict[str, Any]) -> list[str]:
    """One line per mark, in the order the voter will recognise."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return [t(f"gui.station.vote.{selection['vote']}")]
        case BallotType.CHOOSE_N:
            return [f"✔ {name}" for name in selection["choices"]]
        case BallotType.RANKED:
            return [
                t("gui.station.rank_line", rank=i, name=name)
                for i, name in enumerate(selection["ranking"], start=1)
            ]
        case BallotType.SCORE:
            lines = []
            for name, score in selection["scores"].items():
                if isinstance(score, dict):
                    parts = ", ".join(f"{c} {v}" for c, v in score.items())
                    total = sum(score.values())
                    lines.append(t("gui.station.score_line", name=name, parts=parts, total=total))
                else:
                    lines.append(t("gui.station.score_plain", name=name, score=score))
            return lines
        case BallotType.BUDGET:
            cost = {o.name: o.cost for o in defn.options}
            lines = [f"✔ {name}  ({won(cost[name])})" for name in selection["choices"]]
            total = sum(cost[n] for n in selection["choices"])
            lines.append(t("gui.station.budget_total", total=won(total), cap=won(defn.budget_cap)))
            return lines
    raise AssertionError(defn.ballot_type)


def invalid_hint(reason: str, defn: ContestDefinition) -> str:
    """Why 다음 does not move on yet, in a voter's words (from validate_selection's reason)."""
    key = f"gui.station.invalid.{reason}"
    text = t(key, n=defn.max_choices, cap=won(defn.budget_cap))
    return text if text != key else t("gui.station.invalid.other")


def instructions(defn: ContestDefinition) -> str:
    """The line under the title that says how to mark this ballot."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return t("gui.station.how.yes_no")
        case BallotType.CHOOSE_N:
            return t("gui.station.how.choose_n", n=defn.max_choices)
        case BallotType.RANKED:
            if defn.max_choices:
                return t("gui.station.how.ranked_n", n=defn.max_choices)
            return t("gui.station.how.ranked")
        case BallotType.SCORE:
            return t("gui.station.how.score")
        case BallotType.BUDGET:
            return t("gui.station.how.budget", cap=won(defn.budget_cap))
    raise AssertionError(defn.ballot_type)
