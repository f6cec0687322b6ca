"""Bringing people onto the roll: a file import (all or nothing) or a walk-in at the desk."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select, update

from assembly_desk.domain import card_code, hangul
from assembly_desk.domain.assembly import Assembly, Category
from assembly_desk.domain.eligibility import Verdict, judge
from assembly_desk.domain.errors import DeskError, InvalidInput
from assembly_desk.importers.records import Problem, RollPreview, RollRecord
from assembly_desk.importers.roll_file import parse_roll
from assembly_desk.persistence.models import AssemblyRow, PersonRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.people import PersonView, view


class ImportRejected(DeskError):
    """The file had problems; nothing was written. ``problems`` names every row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("import.rejected", count=len(problems))
        self.problems = problems


def add_eligible(uow: UnitOfWork, assembly_id: int, n: int) -> None:
    """Keep the assembly's eligible count in step with the roll (same transaction)."""
    if n:
        uow.session.execute(
            update(AssemblyRow)
            .where(AssemblyRow.id == assembly_id)
            .values(eligible_count=AssemblyRow.eligible_count + n)
        )


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    eligible: int
    file_sha256: str


def preview_import(path: Path, default_category: Category = Category.RESIDENT) -> RollPreview:
    """Read and check a file without writing anything: what the preview dialog shows."""
    return parse_roll(path, default_category)


def _existing_keys(uow: UnitOfWork, assembly_id: int) -> dict[tuple[str, date, str], int]:
    rows = uow.session.execute(
        select(PersonRow.id, PersonRow.name_key, PersonRow.birth_date, PersonRow.address).where(
            PersonRow.assembly_id == assembly_id
        )
    )
    return {(r.name_key, r.birth_date, r.address): r.id for r in rows}


def _existing_codes(uow: UnitOfWork, assembly_id: int) -> set[str]:
    return set(
        uow.session.execute(
            select(PersonRow.card_code).where(PersonRow.assembly_id == assembly_id)
        ).scalars()
    )


def _fresh_codes(taken: set[str], n: int) -> list[str]:
    out = []
    while len(out) < n:
        code = card_code.new_code()
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


def _person_values(
    record: RollRecord, assembly: Assembly, code: str, source: str, now: datetime
) -> tuple[dict[str, object], Verdict]:
    verdict = judge(
        assembly.rules,
        record.birth_date,
        record.category,
        assembly.held_on,
        record.guardian_consent,
    )
    values: dict[str, object] = {
        "assembly_id": assembly.id,
        "name": record.name,
        "name_key": hangul.fold_name(record.name),
        "birth_date": record.birth_date,
        "category": record.category.value,
        "address": record.address,
        "tong": record.tong,
        "ban": record.ban,
        "phone_last4": record.phone_last4,
        "card_code": code,
        "eligible": verdict.eligible,
        "ineligible_reason": verdict.reason,
        "guardian_consent": record.guardian_consent,
        "source": source,
        "created_at": now,
    }
    return values, verdict


def import_roll(
    uow: UnitOfWork,
    assembly_id: int,
    path: Path,
    now: datetime,
    default_category: Category = Category.RESIDENT,
    preview: RollPreview | None = None,
) -> ImportReport:
    """Import every row or none: any problem (in the file, or a person already on the roll)
    rejects the whole file before a single row is written."""
    assembly = get_assembly(uow, assembly_id)
    preview = preview or parse_roll(path, default_category)
    problems = list(preview.problems)
    known = _existing_keys(uow, assembly_id)
    for rec in preview.records:
        key = (hangul.fold_name(rec.name), rec.birth_date, rec.address)
        if key in known:
            problems.append(Problem(rec.row, "", "import.already_on_roll", {"name": rec.name}))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row))
    codes = _fresh_codes(_existing_codes(uow, assembly_id), len(preview.records))
    values = []
    eligible = 0
    for rec, code in zip(preview.records, codes, strict=True):
        row, verdict = _person_values(rec, assembly, code, "import", now)
        values.append(row)
        eligible += verdict.eligible
    for start in range(0, len(values), 5000):
        uow.session.execute(insert(PersonRow), values[start : start + 5000])
    add_eligible(uow, assembly_id, eligible)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    audit_log.append(
        uow,
        "roll.imported",
        {
            "assembly": assembly_id,
            "file_sha256": digest,
            "rows": len(values),
            "eligible": eligible,
            "encoding": preview.encoding,
        },
        now,
    )
    uow.commit()
    return ImportReport(len(values), eligible, digest)


@dataclass(frozen=True, slots=True)
class WalkIn:
    """The short form at the desk."""

    name: str
    birth_date: date
    category: Category = Category.RESIDENT
    address: str = ""
    tong: str = ""
    ban: str = ""
    phone: str = ""
    guardian_consent: bool = False


@dataclass(frozen=True, slots=True)
class Registration:
    person: PersonView
    card_code: str
    verdict: Verdict


def judge_walk_in(uow: UnitOfWork, assembly_id: int, form: WalkIn) -> Verdict:
    """The immediate verdict the form shows while the volunteer types."""
    assembly = get_assembly(uow, assembly_id)
    return judge(
        assembly.rules, form.birth_date, form.category, assembly.held_on, form.guardian_consent
    )


def register_walk_in(
    uow: UnitOfWork, assembly_id: int, form: WalkIn, desk: str, now: datetime
) -> Registration:
    """Add one person to the roll; duplicates of an existing entry are refused with a hint."""
    name = " ".join(form.name.split())
    if not name:
        raise InvalidInput("error.empty_name")
    if form.birth_date > now.date():
        raise InvalidInput("reason.birth_future")
    digits = "".join(ch for ch in form.phone if ch.isdigit())
    record = RollRecord(
        row=0,
        name=name,
        birth_date=form.birth_date,
        category=form.category,
        address=form.address.strip(),
        tong=form.tong.strip(),
        ban=form.ban.strip(),
        phone_last4=digits[-4:],
        guardian_consent=form.guardian_consent,
    )
    duplicate = uow.session.execute(
        select(PersonRow.id).where(
            PersonRow.assembly_id == assembly_id,
            PersonRow.name_key == hangul.fold_name(name),
            PersonRow.birth_date == form.birth_date,
            PersonRow.address == record.address,
        )
    ).first()
    if duplicate is not None:
        raise InvalidInput("error.duplicate_person", name=name)
    assembly = get_assembly(uow, assembly_id)
    code = card_code.new_code()
    while uow.session.execute(
        select(PersonRow.id).where(
            PersonRow.assembly_id == assembly_id, PersonRow.card_code == code
        )
    ).first():
        code = card_code.new_code()
    values, verdict = _person_values(record, assembly, code, "walk_in", now)
    row = PersonRow(**values)
    uow.session.add(row)
    uow.session.flush()
    add_eligible(uow, assembly_id, int(verdict.eligible))
    audit_log.append(
        uow,
        "person.registered",
        {"assembly": assembly_id, "eligible": verdict.eligible},
        now,
        {"person": row.id, "desk": desk},
        coarse_time=True,
    )
    uow.commit()
    return Registration(view(row, assembly), code, verdict)


def people_for_cards(
    uow: UnitOfWork, assembly_id: int, person_ids: Iterable[int] | None = None
) -> list[PersonRow]:
    query = select(PersonRow).where(PersonRow.assembly_id == assembly_id)
    if person_ids is not None:
        query = query.where(PersonRow.id.in_(list(person_ids)))
    return list(
        uow.session.execute(query.order_by(PersonRow.tong, PersonRow.ban, PersonRow.name)).scalars()
    )
