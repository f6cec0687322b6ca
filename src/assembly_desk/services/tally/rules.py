"""The counting rule of a contest: method, seats, threshold, weights, tie priority.

Fixed before the poll closes (``configure_count`` refuses after), so nobody chooses a
rule knowing the ballots; checked against the ballot type so a rule that cannot count
the contest is refused when set, not at the count.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from assembly_desk.audit.canonical import nfc
from assembly_desk.counting import fraction_from_json, fraction_to_json
from assembly_desk.domain.contests import BallotType, ContestDefinition, PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.repositories import tallies
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.contests import contest_row, definition_of

#: Methods a ballot type may be counted with; the first is the default.
METHODS_BY_TYPE: dict[BallotType, tuple[str, ...]] = {
    BallotType.YES_NO: ("yesno",),
    BallotType.CHOOSE_N: ("choose",),
    BallotType.RANKED: ("irv", "stv"),
    BallotType.SCORE: ("score",),
    BallotType.BUDGET: ("pb-greedy", "mes"),
}
THRESHOLDS = ("simple", "absolute", "two-thirds", "three-quarters")
BASES = ("cast", "valid", "present", "eligible")


def contest_key(contest_id: int) -> str:
    """The contest's id inside a bundle (CVR ``contest`` field, results key)."""
    return f"contest-{contest_id}"


# --- the counting rule -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountRule:
    """How a contest is counted, beyond its ballot paper.

    ``method`` empty = the ballot type's default (ranked: IRV for one seat, STV above).
    ``seats``: winners for choose_n / ranked / score. ``threshold`` / ``base``: yes/no.
    ``criteria_weights``: score sheets (default: every criterion weighs 1).
    ``tie_priority``: the published priority list, most favoured first.
    """

    method: str = ""
    seats: int = 1
    threshold: str = "simple"
    base: str = "valid"
    trim: bool = False
    criteria_weights: Mapping[str, int | Fraction] | None = None
    tie_priority: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        weights = self.criteria_weights
        return {
            "method": self.method,
            "seats": self.seats,
            "threshold": self.threshold,
            "base": self.base,
            "trim": self.trim,
            "criteria_weights": None
            if weights is None
            else [[k, fraction_to_json(Fraction(v))] for k, v in weights.items()],
            "tie_priority": list(self.tie_priority),
        }


def rule_of(row: ContestTallyRow | None) -> CountRule:
    if row is None:
        return CountRule()
    pairs = json.loads(row.criteria_weights_json or "null")
    return CountRule(
        method=row.method or "",
        seats=row.seats,
        threshold=row.threshold,
        base=row.base,
        trim=bool(row.trim),
        criteria_weights=None
        if pairs is None
        else {str(k): fraction_from_json(v) for k, v in pairs},
        tie_priority=tuple(json.loads(row.tie_priority_json or "[]")),
    )


def method_for(defn: ContestDefinition, rule: CountRule) -> str:
    allowed = METHODS_BY_TYPE[defn.ballot_type]
    method = rule.method
    if not method:
        if defn.ballot_type is BallotType.RANKED:
            method = "irv" if rule.seats == 1 else "stv"
        else:
            method = allowed[0]
    if method not in allowed:
        raise InvalidInput("tally.bad_method", method=method, allowed=", ".join(allowed))
    return method


def check_rule(defn: ContestDefinition, rule: CountRule) -> None:
    method = method_for(defn, rule)
    if rule.seats < 1 or (defn.names and rule.seats > len(defn.names)):
        raise InvalidInput("tally.bad_seats", max=max(1, len(defn.names)))
    if method == "irv" and rule.seats != 1:
        raise InvalidInput("tally.bad_seats", max=1)
    if rule.threshold not in THRESHOLDS or rule.base not in BASES:
        raise InvalidInput("tally.bad_threshold")
    if rule.criteria_weights is not None:
        names = {c.name for c in defn.criteria}
        if set(rule.criteria_weights) != names or any(
            Fraction(w) <= 0 for w in rule.criteria_weights.values()
        ):
            raise InvalidInput("tally.bad_weights")


def configure_count(uow: UnitOfWork, contest_id: int, rule: CountRule, now: datetime) -> CountRule:
    """Set the counting rule; refused once the poll has closed (the rule precedes the ballots)."""
    crow = contest_row(uow, contest_id, lock="update")
    if crow.state == PollState.CLOSED.value:
        raise Refused("tally.rule_frozen")
    clean = CountRule(
        method=rule.method,
        seats=rule.seats,
        threshold=rule.threshold,
        base=rule.base,
        trim=rule.trim,
        criteria_weights=None
        if rule.criteria_weights is None
        else {str(nfc(k)): Fraction(v) for k, v in rule.criteria_weights.items()},
        tie_priority=tuple(str(nfc(n.strip())) for n in rule.tie_priority),
    )
    check_rule(definition_of(uow, crow), clean)
    row = tallies.get_or_create(uow, contest_id)
    data = clean.to_dict()
    row.method = clean.method
    row.seats = clean.seats
    row.threshold = clean.threshold
    row.base = clean.base
    row.trim = clean.trim
    row.criteria_weights_json = json.dumps(data["criteria_weights"], ensure_ascii=False)
    row.tie_priority_json = json.dumps(data["tie_priority"], ensure_ascii=False)
    audit_log.append(
        uow, "tally.rule_set", {"assembly": crow.assembly_id, "contest": contest_id, **data}, now
    )
    uow.commit()
    return clean


def get_rule(uow: UnitOfWork, contest_id: int) -> CountRule:
    contest_row(uow, contest_id)
    return rule_of(tallies.get(uow, contest_id))
