"""Creating an assembly and changing its rules (both audited)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from assembly_desk.domain import text_rules
from assembly_desk.domain.assembly import (
    Assembly,
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.eligibility import judge
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.persistence.models import AssemblyRow
from assembly_desk.persistence.repositories import assemblies as assembly_rows
from assembly_desk.persistence.repositories import people
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.clock import as_utc


@dataclass(frozen=True, slots=True)
class AssemblySpec:
    """What the set-up form or ``assembly create`` asks for."""

    kind: AssemblyKind
    title: str
    held_on: date
    venue: str = ""
    district: str = ""
    rules: EligibilityRules = field(default_factory=EligibilityRules)
    quorum: QuorumRule = field(default_factory=QuorumRule)

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidInput("error.empty_title")
        text_rules.check_text(self.title.strip(), text_rules.TITLE_MAX, "field.assembly_title")
        text_rules.check_text(self.venue.strip(), text_rules.TITLE_MAX, "field.venue")
        text_rules.check_text(self.district.strip(), text_rules.DISTRICT_MAX, "field.district")
        self.rules.validate()
        if not self.rules.allowed:
            raise InvalidInput("error.no_category")
        self.quorum.validate()


def parse_date(text: str) -> date:
    """Accept 2026-11-28, 2026.11.28 and 2026/11/28; anything else is a clear error."""
    cleaned = text.strip().replace(".", "-").replace("/", "-")
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        parts = cleaned.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        raise InvalidInput("error.bad_date", value=text) from None


def to_domain(row: AssemblyRow) -> Assembly:
    return Assembly(
        id=row.id,
        kind=AssemblyKind(row.kind),
        title=row.title,
        held_on=row.held_on,
        venue=row.venue,
        district=row.district,
        rules=EligibilityRules.from_dict(json.loads(row.rules_json)),
        quorum=QuorumRule(QuorumKind(row.quorum_kind), row.quorum_value, row.council_members),
        quorum_reached_at=as_utc(row.quorum_reached_at) if row.quorum_reached_at else None,
    )


def _settings(spec_rules: EligibilityRules, quorum: QuorumRule) -> dict[str, object]:
    return {
        "rules": spec_rules.to_dict(),
        "quorum": {
            "kind": quorum.kind.value,
            "value": quorum.value,
            "council_members": quorum.council_members,
        },
    }


def create_assembly(uow: UnitOfWork, spec: AssemblySpec, now: datetime) -> Assembly:
    spec.validate()
    row = AssemblyRow(
        kind=spec.kind.value,
        title=spec.title.strip(),
        held_on=spec.held_on,
        venue=spec.venue.strip(),
        district=spec.district.strip(),
        rules_json=json.dumps(spec.rules.to_dict()),
        quorum_kind=spec.quorum.kind.value,
        quorum_value=spec.quorum.value,
        council_members=spec.quorum.council_members,
        eligible_count=0,
        created_at=now,
    )
    assembly_rows.add(uow, row)
    audit_log.append(
        uow,
        "assembly.created",
        {
            "assembly": row.id,
            "kind": row.kind,
            "title": row.title,
            "held_on": row.held_on.isoformat(),
            **_settings(spec.rules, spec.quorum),
        },
        now,
    )
    uow.commit()
    return to_domain(row)


def get_assembly(uow: UnitOfWork, assembly_id: int | None = None) -> Assembly:
    """The assembly with this id, or the most recently created one when ``None``."""
    if assembly_id is None:
        row = assembly_rows.newest(uow)
        if row is None:
            raise NotFound("error.no_assembly")
        return to_domain(row)
    found = assembly_rows.get(uow, assembly_id)
    if found is None:
        raise NotFound("error.assembly_not_found", id=assembly_id)
    return to_domain(found)


def list_assemblies(uow: UnitOfWork) -> list[Assembly]:
    return [to_domain(r) for r in assembly_rows.in_order(uow)]


def update_rules(
    uow: UnitOfWork,
    assembly_id: int,
    rules: EligibilityRules,
    quorum: QuorumRule,
    now: datetime,
) -> Assembly:
    """Change eligibility and quorum; every person's verdict is recomputed and the change logged."""
    row = assembly_rows.get(uow, assembly_id)
    if row is None:
        raise NotFound("error.assembly_not_found", id=assembly_id)
    AssemblySpec(
        AssemblyKind(row.kind), row.title, row.held_on, rules=rules, quorum=quorum
    ).validate()
    before = to_domain(row)
    row.rules_json = json.dumps(rules.to_dict())
    row.quorum_kind = quorum.kind.value
    row.quorum_value = quorum.value
    row.council_members = quorum.council_members
    eligible = 0
    for person in people.of_assembly(uow, assembly_id):
        verdict = judge(
            rules,
            person.birth_date,
            Category(person.category),
            row.held_on,
            person.guardian_consent,
        )
        person.eligible = verdict.eligible
        person.ineligible_reason = verdict.reason
        eligible += verdict.eligible
    row.eligible_count = eligible
    audit_log.append(
        uow,
        "settings.changed",
        {
            "assembly": assembly_id,
            "before": _settings(before.rules, before.quorum),
            "after": _settings(rules, quorum),
        },
        now,
    )
    uow.commit()
    return to_domain(row)
