"""A contest's counting rule as one plain sentence ("3명 선출, 1인 3표, 최다 득표순").

The chair reads it in the form before opening the poll, the room reads it on the results
screen: a rule nobody can read back is a rule nobody agreed to. Pure (domain + catalogue),
so the form can show it while the chair types.
"""

from __future__ import annotations

from dataclasses import replace

from assembly_desk.domain.contest_rules import check_rule, resolved
from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t


def _yes_no(defn: ContestDefinition) -> list[str]:
    rule = defn.rules
    if rule.threshold == "simple":
        parts = [t("contest_rules.say.simple")]
    else:
        parts = [
            t(
                f"contest_rules.say.{rule.threshold}",
                base=t(f"contest_rules.base.{rule.base}"),
            )
        ]
    if rule.quorum is not None:
        parts.append(t("contest_rules.say.quorum", quorum=rule.quorum))
    return parts


def _others(defn: ContestDefinition, method: str, seats: int) -> list[str]:
    rule = defn.rules
    kind = defn.ballot_type
    if kind is BallotType.BUDGET:
        return [t(f"contest_rules.say.{method}", budget=f"{defn.budget_cap:,}")]
    parts = [t("contest_rules.say.seats", seats=seats)]
    if kind is BallotType.CHOOSE_N:
        if method == "approval":
            parts.append(t("contest_rules.say.marks_any"))
        else:
            parts.append(t("contest_rules.say.marks", marks=defn.max_choices))
        parts.append(t("contest_rules.say.most_votes"))
    elif kind is BallotType.RANKED:
        parts.append(t(f"contest_rules.say.{method}"))
    elif kind is BallotType.SCORE:
        parts.append(t("contest_rules.say.score"))
        if rule.trim:
            parts.append(t("contest_rules.say.trim"))
    return parts


def rules_sentence(defn: ContestDefinition) -> str:
    """The rule in words; a rule that does not fit the contest reads as the error it is."""
    try:
        check_rule(defn, defn.rules)
    except DeskError as error:
        return error.message()
    rule = resolved(defn, defn.rules)
    shown = replace(defn, rules=rule)
    parts = (
        _yes_no(shown)
        if defn.ballot_type is BallotType.YES_NO
        else _others(shown, rule.method, rule.seats or 1)
    )
    if rule.tie_priority:
        parts.append(t("contest_rules.say.tie_priority", names=", ".join(rule.tie_priority)))
    return t("contest_rules.say.join").join(parts)
