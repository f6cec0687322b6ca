"""An assembly and its rules: who may take part, and how many make a quorum."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from assembly_desk.domain.errors import InvalidInput


class AssemblyKind(StrEnum):
    """What kind of meeting this is; it changes wording and defaults, not the mechanics."""

    VILLAGE_ASSEMBLY = "village_assembly"  # 주민총회 / 마을총회
    HEAD_SELECTION = "head_selection"  # 동장 공모 (주민추천)


class Category(StrEnum):
    """Why a person belongs to the community; each category is allowed or not per assembly."""

    RESIDENT = "resident"  # 주민등록 주민
    FOREIGN_RESIDENT = "foreign_resident"  # 영주 외국인
    WORKER = "worker"  # 관내 직장인
    STUDENT = "student"  # 관내 학교 학생·교직원


class QuorumKind(StrEnum):
    """How the quorum (성원/정족수) is stated in the bylaws."""

    NUMBER = "number"  # a fixed head count
    PERCENT_OF_ROLL = "percent"  # a percentage of the eligible roll
    COUNCIL_MULTIPLE = "council_multiple"  # N times the council members (주민자치회 위원 수의 N배)


@dataclass(frozen=True, slots=True)
class QuorumRule:
    """A quorum rule; ``value`` is a head count, a percentage, or a multiple."""

    kind: QuorumKind = QuorumKind.NUMBER
    value: int = 0
    council_members: int = 0

    def required(self, eligible_count: int) -> int:
        """How many eligible people must be checked in (rounded up: 10% of 95 needs 10)."""
        match self.kind:
            case QuorumKind.NUMBER:
                return self.value
            case QuorumKind.PERCENT_OF_ROLL:
                return math.ceil(eligible_count * self.value / 100)
            case QuorumKind.COUNCIL_MULTIPLE:
                return self.value * self.council_members
        raise AssertionError(self.kind)

    def validate(self) -> None:
        if self.value < 0 or self.council_members < 0:
            raise InvalidInput("error.quorum_negative")
        if self.value < 1:  # a quorum of nobody is never "met": the status would say so forever
            raise InvalidInput("error.quorum_zero")
        if self.kind is QuorumKind.PERCENT_OF_ROLL and self.value > 100:
            raise InvalidInput("error.quorum_percent")
        if self.kind is QuorumKind.COUNCIL_MULTIPLE and self.council_members == 0:
            raise InvalidInput("error.quorum_council")


#: The age below which guardian consent is asked when a rule does not say (the long-standing 14).
DEFAULT_CONSENT_UNDER = 14


@dataclass(frozen=True, slots=True)
class EligibilityRules:
    """Who may take part: a minimum age on the assembly date and the allowed categories.

    Guardian consent is an age range of its own: ``min_age`` is the youngest who may take
    part at all, and when ``guardian_consent_under_14`` is set, those from ``min_age`` up
    to (not including) ``consent_under`` take part only with a guardian's consent. "From
    12, under-14s with consent" is ``min_age=12, consent_under=14``. The switch keeps its
    historical name because rules JSON written before ``consent_under`` existed carries it
    (meaning "under 14"), and such rules must keep their meaning when read back.
    """

    min_age: int = 14
    allowed: frozenset[Category] = field(default_factory=lambda: frozenset({Category.RESIDENT}))
    guardian_consent_under_14: bool = False
    consent_under: int = DEFAULT_CONSENT_UNDER

    @property
    def guardian_consent(self) -> bool:
        """True when some ages take part only with a guardian's consent."""
        return self.guardian_consent_under_14

    def needs_consent(self, age: int) -> bool:
        """True when a person of ``age`` (already old enough to take part) needs consent."""
        return self.guardian_consent_under_14 and age < self.consent_under

    def validate(self) -> None:
        """Refuse a consent range that admits nobody (consent age at or below the minimum)."""
        if not 0 <= self.min_age <= 120:
            raise InvalidInput("error.min_age")
        if self.guardian_consent_under_14 and not self.min_age < self.consent_under <= 120:
            raise InvalidInput(
                "error.consent_range",
                min_age=self.min_age,
                consent_under=self.consent_under,
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "min_age": self.min_age,
            "allowed": sorted(c.value for c in self.allowed),
            "guardian_consent_under_14": self.guardian_consent_under_14,
            "consent_under": self.consent_under,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> EligibilityRules:
        """Read stored rules; JSON without ``consent_under`` means consent under 14, as before."""
        allowed = data.get("allowed", [Category.RESIDENT.value])
        assert isinstance(allowed, list)
        min_age = data.get("min_age", 14)
        assert isinstance(min_age, int)
        consent_under = data.get("consent_under", DEFAULT_CONSENT_UNDER)
        assert isinstance(consent_under, int)
        return cls(
            min_age=min_age,
            allowed=frozenset(Category(c) for c in allowed),
            guardian_consent_under_14=bool(data.get("guardian_consent_under_14", False)),
            consent_under=consent_under,
        )


@dataclass(frozen=True, slots=True)
class Assembly:
    """One assembly (a meeting on one day), as the services hand it to the fronts."""

    id: int
    kind: AssemblyKind
    title: str
    held_on: date
    venue: str
    district: str  # 읍·면·동
    rules: EligibilityRules
    quorum: QuorumRule
    quorum_reached_at: datetime | None = None
