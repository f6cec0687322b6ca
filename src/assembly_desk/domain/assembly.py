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
        if self.kind is QuorumKind.PERCENT_OF_ROLL and self.value > 100:
            raise InvalidInput("error.quorum_percent")
        if self.kind is QuorumKind.COUNCIL_MULTIPLE and self.council_members == 0:
            raise InvalidInput("error.quorum_council")


@dataclass(frozen=True, slots=True)
class EligibilityRules:
    """Who may take part: a minimum age on the assembly date and the allowed categories."""

    min_age: int = 14
    allowed: frozenset[Category] = field(default_factory=lambda: frozenset({Category.RESIDENT}))
    guardian_consent_under_14: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "min_age": self.min_age,
            "allowed": sorted(c.value for c in self.allowed),
            "guardian_consent_under_14": self.guardian_consent_under_14,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> EligibilityRules:
        allowed = data.get("allowed", [Category.RESIDENT.value])
        assert isinstance(allowed, list)
        min_age = data.get("min_age", 14)
        assert isinstance(min_age, int)
        return cls(
            min_age=min_age,
            allowed=frozenset(Category(c) for c in allowed),
            guardian_consent_under_14=bool(data.get("guardian_consent_under_14", False)),
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
