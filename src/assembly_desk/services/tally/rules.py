"""The counting rule of a contest: method, seats, threshold, weights, tie priority, …

The rule is part of the contest's definition (``domain.contest_rules``): chosen in the
contest form, validated with it, frozen and hashed into the digest logged when the poll
opens. ``configure_count`` (the ``tally rule`` command) sets it on a draft only; once the
poll is open it is refused before anything is written, so the audit chain shows no
attempt that changed nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from assembly_desk.domain.contest_rules import (
    BASES,
    THRESHOLDS,
    CountRule,
    methods_for,
    resolved,
)
from assembly_desk.domain.contest_rules import METHODS_BY_TYPE as _BY_NAME
from assembly_desk.domain.contests import BallotType, ContestDefinition, PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.contests import contest_row, definition_of, update_definition

#: Methods a ballot type may be counted with; the first is the default.
METHODS_BY_TYPE: dict[BallotType, tuple[str, ...]] = {
    BallotType(kind): methods for kind, methods in _BY_NAME.items()
}

__all__ = [
    "BASES",
    "METHODS_BY_TYPE",
    "THRESHOLDS",
    "CountRule",
    "configure_count",
    "contest_key",
    "get_rule",
    "method_for",
]


def contest_key(contest_id: int) -> str:
    """The contest's id inside a bundle (CVR ``contest`` field, results key)."""
    return f"contest-{contest_id}"


def method_for(defn: ContestDefinition, rule: CountRule) -> str:
    """The counting method the rule names for this contest (its default when empty)."""
    method = resolved(defn, rule).method
    allowed = methods_for(defn)
    if method not in allowed:
        raise InvalidInput("tally.bad_method", method=method, allowed=", ".join(allowed))
    return method


def configure_count(uow: UnitOfWork, contest_id: int, rule: CountRule, now: datetime) -> CountRule:
    """Set the counting rule of a draft; refused once its poll has opened.

    The refusal comes before any write, so the audit chain is unchanged by the attempt.
    Returns the rule as stored (method and seats made explicit).
    """
    crow = contest_row(uow, contest_id, lock="update")
    if crow.state != PollState.DRAFT.value:
        raise Refused("tally.rule_frozen")
    defn = replace(definition_of(uow, crow), rules=rule)
    stored = update_definition(uow, crow, defn)
    audit_log.append(
        uow,
        "tally.rule_set",
        {"assembly": crow.assembly_id, "contest": contest_id, **stored.rules.to_dict()},
        now,
    )
    uow.commit()
    return stored.rules


def get_rule(uow: UnitOfWork, contest_id: int) -> CountRule:
    """The contest's rule, method and seats explicit."""
    defn = definition_of(uow, contest_row(uow, contest_id))
    return resolved(defn, defn.rules)
