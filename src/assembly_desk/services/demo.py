"""A whole sample assembly, headless: the same services a volunteer's clicks call.

Used by ``assembly-desk demo`` (to show the product without a screen), by the screenshot
script, and by the end-to-end test.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.models import PersonRow
from assembly_desk.services import assemblies, audit_log, cards, roll, status
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession


@dataclass
class DemoReport:
    assembly_id: int
    imported: int
    scans: list[tuple[str, ScanResult]] = field(default_factory=list)
    status: status.Status | None = None
    audit_ok: bool = False
    audit_entries: int = 0
    files: list[Path] = field(default_factory=list)


def sample_spec(held_on: date | None = None) -> assemblies.AssemblySpec:
    return assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="2026년 성산1동 주민총회",
        held_on=held_on or date.today(),
        venue="성산1동 주민센터 3층 대강당",
        district="서울특별시 마포구 성산1동",
        rules=EligibilityRules(
            min_age=14,
            allowed=frozenset({Category.RESIDENT, Category.WORKER, Category.STUDENT}),
            guardian_consent_under_14=False,
        ),
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 20),
    )


def run_demo(
    db: Database,
    out_dir: Path,
    residents: int = 300,
    seed: int = 2026,
    say: Callable[[str], None] = lambda _msg: None,
) -> DemoReport:
    """Create, import, print cards, and run a scripted morning at two desks."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with db.uow() as uow:
        assembly = assemblies.create_assembly(uow, sample_spec(), utc_now())
    roll_path = out_dir / "roll.csv"
    generate_sample_csv(roll_path, residents, seed=seed)
    with db.uow() as uow:
        imported = roll.import_roll(uow, assembly.id, roll_path, utc_now())
    report = DemoReport(assembly.id, imported.imported, files=[roll_path])
    say(f"roll: {imported.imported} imported, {imported.eligible} eligible")

    cards_path = out_dir / "cards.pdf"
    with db.uow() as uow:
        cards.write_cards(uow, assembly.id, cards_path)
    report.files.append(cards_path)

    with db.uow() as uow:
        people = list(
            uow.session.execute(
                select(PersonRow.id, PersonRow.card_code, PersonRow.eligible).where(
                    PersonRow.assembly_id == assembly.id
                )
            )
        )
    rng.shuffle(people)
    desks = [DeskSession(db, assembly.id, "desk-1"), DeskSession(db, assembly.id, "desk-2")]
    arriving = people[: max(1, len(people) * 3 // 5)]
    for i, person in enumerate(arriving):
        result = desks[i % 2].scan(person.card_code)
        report.scans.append((person.card_code, result))
    first = arriving[0].card_code
    # The same card again at the same desk (a double read) and at the other desk.
    report.scans.append((first, desks[0].scan(first)))
    report.scans.append((first, desks[1].scan(first)))
    mistyped = first[:-2] + first[-1] + first[-2] if first[-1] != first[-2] else "12345678901"
    report.scans.append((mistyped, desks[1].scan(mistyped)))
    with db.uow() as uow:
        walk_in = roll.register_walk_in(
            uow,
            assembly.id,
            roll.WalkIn(name="홍길동", birth_date=date(1975, 5, 5), address="성산1동 1-1"),
            "desk-1",
            utc_now(),
        )
    report.scans.append((walk_in.card_code, desks[0].scan(walk_in.card_code)))
    desks[0].undo(arriving[1].id, "잘못된 사람을 선택함 (demo)")
    with db.uow() as uow:
        report.status = status.status(uow, assembly.id)
        chain = audit_log.verify(uow)
    report.audit_ok = chain.ok
    report.audit_entries = chain.count
    _ = timedelta
    return report
