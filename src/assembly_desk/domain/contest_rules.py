"""How a contest is counted: part of its definition, frozen with it when the poll opens.

The rule used to be set apart from the contest (on the command line only, at any time
before the close). A rule chosen while ballots are being cast is a doubt an auditor
raises, and the defaults counted a 1인 3표 contest as electing one person. So the rule
now belongs to the definition: chosen in the contest form, validated with it, hashed
with it into the digest logged at opening, and unchangeable afterwards.

Stdlib only. Which slip-rule words the counting layer understands is checked by the
services (the counting layer owns those words); everything else is checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from assembly_desk.domain.errors import InvalidInput

if TYPE_CHECKING:
    from assembly_desk.domain.contests import ContestDefinition

#: Methods each ballot type may be counted with (names of the counting registry); the
#: first is the default. A choose_n paper may also be counted by plurality (one mark
#: each) or approval (any number of marks), when its N allows that; see ``methods_for``.
METHODS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "yes_no": ("yesno",),
    "choose_n": ("choose", "plurality", "approval"),
    "ranked": ("irv", "stv"),
    "score": ("score",),
    "budget": ("pb-greedy", "mes"),
}
THRESHOLDS = ("simple", "absolute", "two-thirds", "three-quarters")
BASES = ("cast", "valid", "present", "eligible")
SATISFACTIONS = ("cardinality", "cost")
COMPLETIONS = ("none", "add1", "add1-greedy", "greedy")
MAX_INCREMENT = 10**12

Weights = Mapping[str, int | Fraction]


def _num_json(value: int | Fraction) -> int | str:
    number = Fraction(value)
    return (
        number.numerator if number.denominator == 1 else f"{number.numerator}/{number.denominator}"
    )


def _weights_json(weights: Weights | None) -> list[list[Any]] | None:
    # Pairs, not an object: their order is the paper's, and canonical JSON sorts objects.
    return None if weights is None else [[k, _num_json(v)] for k, v in weights.items()]


def _weights_of(pairs: Any) -> dict[str, Fraction] | None:
    if pairs is None:
        return None
    return {str(k): Fraction(str(v)) for k, v in pairs}


@dataclass(frozen=True, slots=True)
class CountRule:
    """The counting rule of one contest, beyond its ballot paper.

    ``method`` empty and ``seats`` None mean "the ballot type's default" (a 1인 N표
    contest elects N; a ranked one is IRV for one seat, STV above); a stored definition
    always carries them resolved (:func:`resolved`), so what was frozen is explicit.
    ``threshold``/``base``/``quorum``: yes/no. ``criteria_weights``/``group_weights``
    (panel weights)/``trim``: score sheets. ``satisfaction``/``completion``/``increment``:
    the Method of Equal Shares (``increment`` 0, the default, raises the shares exactly
    to each next change of outcome; a positive one steps that many won per rerun, as
    pabutools' ``voter_budget_increment``). ``overvote``/``skipped``/``duplicates``: what one ranked
    paper costs when marked wrongly. ``tie_priority``: most favoured first.
    """

    method: str = ""
    seats: int | None = None
    threshold: str = "simple"
    base: str = "valid"
    quorum: int | None = None
    trim: bool = False
    criteria_weights: Weights | None = None
    group_weights: Weights | None = None
    tie_priority: tuple[str, ...] = ()
    satisfaction: str = "cardinality"
    completion: str = "add1-greedy"
    increment: int = 0  # 0: the exact completion (no currency step); n: n won per rerun
    overvote: str = "invalidate"
    skipped: str = "allow"
    duplicates: str = "invalidate"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (ints and text, no floats) for the digest, the log and the bundle."""
        return {
            "method": self.method,
            "seats": self.seats,
            "threshold": self.threshold,
            "base": self.base,
            "quorum": self.quorum,
            "trim": self.trim,
            "criteria_weights": _weights_json(self.criteria_weights),
            "group_weights": _weights_json(self.group_weights),
            "tie_priority": list(self.tie_priority),
            "satisfaction": self.satisfaction,
            "completion": self.completion,
            "increment": self.increment,
            "overvote": self.overvote,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CountRule:
        """Inverse of :meth:`to_dict`; a missing key takes its default (older rows)."""
        base = cls()
        return cls(
            method=str(data.get("method", base.method) or ""),
            seats=None if data.get("seats") is None else int(data["seats"]),
            threshold=str(data.get("threshold", base.threshold)),
            base=str(data.get("base", base.base)),
            quorum=None if data.get("quorum") is None else int(data["quorum"]),
            trim=bool(data.get("trim", False)),
            criteria_weights=_weights_of(data.get("criteria_weights")),
            group_weights=_weights_of(data.get("group_weights")),
            tie_priority=tuple(str(n) for n in data.get("tie_priority", ())),
            satisfaction=str(data.get("satisfaction", base.satisfaction)),
            completion=str(data.get("completion", base.completion)),
            increment=int(data.get("increment", base.increment)),
            overvote=str(data.get("overvote", base.overvote)),
            skipped=str(data.get("skipped", base.skipped)),
            duplicates=str(data.get("duplicates", base.duplicates)),
        )


def methods_for(defn: ContestDefinition) -> tuple[str, ...]:
    """The methods this contest's paper can be counted with, its default first.

    Plurality needs one mark per paper (N = 1); approval, that a voter may mark every
    name (N = number of names). Otherwise 1인 N표 is counted by ``choose``.
    """
    allowed = METHODS_BY_TYPE[defn.ballot_type.value]
    if defn.ballot_type.value != "choose_n":
        return allowed
    out = ["choose"]
    if defn.max_choices == 1:
        out.append("plurality")
    if len(defn.options) >= 2 and defn.max_choices == len(defn.options):
        out.append("approval")
    return tuple(out)


def default_seats(defn: ContestDefinition) -> int:
    """A 1인 N표 contest elects N unless the chair says otherwise; everything else one."""
    if defn.ballot_type.value == "choose_n":
        return max(1, defn.max_choices)
    return 1


def resolved(defn: ContestDefinition, rule: CountRule) -> CountRule:
    """``rule`` with its method and seats made explicit for ``defn``."""
    seats = default_seats(defn) if rule.seats is None else rule.seats
    method = rule.method
    if not method:
        if defn.ballot_type.value == "ranked":
            method = "irv" if seats == 1 else "stv"
        else:
            method = METHODS_BY_TYPE[defn.ballot_type.value][0]
    if defn.ballot_type.value == "yes_no":
        seats = 1
    return replace(rule, method=method, seats=seats)


def check_rule(defn: ContestDefinition, rule: CountRule) -> None:
    """Raise InvalidInput when ``rule`` (resolved) cannot count ``defn``'s papers."""
    rule = resolved(defn, rule)
    allowed = methods_for(defn)
    if rule.method not in allowed:
        raise InvalidInput("tally.bad_method", method=rule.method, allowed=", ".join(allowed))
    names = defn.names
    seats = rule.seats or 0
    if seats < 1 or (names and seats > len(names)):
        raise InvalidInput("tally.bad_seats", max=max(1, len(names)))
    if rule.method == "irv" and seats != 1:
        raise InvalidInput("tally.bad_seats", max=1)
    if rule.threshold not in THRESHOLDS or rule.base not in BASES:
        raise InvalidInput("tally.bad_threshold")
    if rule.quorum is not None and rule.quorum < 1:
        raise InvalidInput("contest_rules.bad_quorum")
    if rule.criteria_weights is not None:
        criteria = {c.name for c in defn.criteria}
        if set(rule.criteria_weights) != criteria or any(
            Fraction(w) <= 0 for w in rule.criteria_weights.values()
        ):
            raise InvalidInput("tally.bad_weights")
    if rule.group_weights is not None and (
        not rule.group_weights or any(Fraction(w) <= 0 for w in rule.group_weights.values())
    ):
        raise InvalidInput("tally.bad_weights")
    unknown = [n for n in rule.tie_priority if n not in names]
    if unknown or len(set(rule.tie_priority)) != len(rule.tie_priority):
        raise InvalidInput("contest_rules.bad_priority", name=(unknown or [""])[0])
    if rule.satisfaction not in SATISFACTIONS or rule.completion not in COMPLETIONS:
        raise InvalidInput("contest_rules.bad_budget_option")
    if not 0 <= rule.increment <= MAX_INCREMENT:
        raise InvalidInput("contest_rules.bad_budget_option")
