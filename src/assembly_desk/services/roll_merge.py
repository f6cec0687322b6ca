"""An updated roll file merged into the roll: preview first, then all of it or nothing.

A village's roll changes between the first import and the day (people move, a phone
number is fixed, a category is corrected). Importing the new file must not refuse
everyone already on the roll, nor give anyone a second card.

**Who is who.** The roll has no column for an outside id (no schema change for it), so a
file row is matched to a roll entry as the duplicate check compares people: by folded
name and birth date. The address only tells namesakes apart: when one roll entry and one
file row share a name and birth date they are the same person even if the address
changed (people move; their check-in and card must survive it). When several share it,
equal addresses pair first, then an address missing on one side; a row that could still
be more than one entry is a problem naming them. A changed name or birth date cannot be
matched: that person shows as new *and* missing, and the roll page's correction is the
way to fix a name while keeping the card.

**What changes.** A matched person's card code, roll id and check-in never change. A
column absent from the file changes nobody; an empty address, 통, 반 or phone cell is
unknown rather than erased (as in the duplicate check), so a poorer file never wipes
what the roll knows. Every change is listed field by field in the preview.

**Missing people** (on the roll, not in the file) are listed and left as they are. The
roll has no column to mark them (that would be a migration) and deleting would lose a
check-in or a card already handed out; the chair decides, person by person, with the
roll page. Their roll ids are sealed in the audit entry.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from assembly_desk.domain import text_rules
from assembly_desk.domain.assembly import Assembly, Category
from assembly_desk.domain.eligibility import judge
from assembly_desk.domain.errors import Refused
from assembly_desk.i18n import t
from assembly_desk.importers.records import Problem, RollPreview, RollRecord
from assembly_desk.importers.roll_file import parse_roll
from assembly_desk.persistence import statistics
from assembly_desk.persistence.models import PersonRow
from assembly_desk.persistence.repositories import assemblies as assembly_rows
from assembly_desk.persistence.repositories import people
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log, roll
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.people import view

#: Fields a merge may change, in the order the preview lists them. The birth date is part
#: of who someone is, so a merge never changes it (a correction can).
MERGED_FIELDS = ("name", "category", "address", "tong", "ban", "phone", "guardian_consent")

#: Text fields whose empty cell means "unknown": the roll keeps what it has.
_KEEP_WHEN_EMPTY = frozenset({"address", "tong", "ban", "phone"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one person, before and after (phones as their last four digits)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class PersonChange:
    person_id: int
    row: int
    name: str
    changes: tuple[FieldChange, ...]
    eligible_before: bool
    eligible_after: bool


@dataclass(frozen=True, slots=True)
class MissingPerson:
    """On the roll, not in the file: shown so the chair can decide; never removed here."""

    person_id: int
    name: str
    birth_hint: str
    place_hint: str
    checked_in: bool


@dataclass(frozen=True)
class MergePlan:
    """What merging the previewed file would do; nothing has been written."""

    preview: RollPreview
    new: tuple[RollRecord, ...]
    changed: tuple[PersonChange, ...]
    unchanged: int
    missing: tuple[MissingPerson, ...]
    problems: tuple[Problem, ...]
    new_eligible: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def signature(self) -> tuple[object, ...]:
        """What the user agreed to: compared again inside the merging transaction."""
        return (
            len(self.new),
            tuple((c.person_id, c.changes) for c in self.changed),
            tuple(m.person_id for m in self.missing),
        )


@dataclass(frozen=True, slots=True)
class MergeReport:
    added: int
    changed: int
    unchanged: int
    missing: int
    eligible: int
    file_sha256: str


class MergeRejected(Refused):
    """The file (or its matching) has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("roll_merge.rejected", count=len(problems))
        self.problems = problems


def preview_for_assembly(
    uow: UnitOfWork, assembly_id: int, path: Path, default_category: Category = Category.RESIDENT
) -> RollPreview:
    """The ordinary import preview, with how many of its people the rules admit."""
    return with_eligible(parse_roll(path, default_category), get_assembly(uow, assembly_id))


def with_eligible(preview: RollPreview, assembly: Assembly) -> RollPreview:
    """``preview`` with ``eligible`` counted under ``assembly``'s rules (nothing written)."""
    eligible = sum(
        judge(
            assembly.rules, r.birth_date, r.category, assembly.held_on, r.guardian_consent
        ).eligible
        for r in preview.records
    )
    return dataclasses.replace(preview, eligible=eligible)


def preview_merge(
    uow: UnitOfWork, assembly_id: int, path: Path, default_category: Category = Category.RESIDENT
) -> MergePlan:
    """Read the file and say what merging it would do: new, changed, unchanged, missing."""
    preview = parse_roll(path, default_category)
    return plan_merge(uow, assembly_id, preview)


def plan_merge(uow: UnitOfWork, assembly_id: int, preview: RollPreview) -> MergePlan:
    """Match every record of ``preview`` against the roll as it is now."""
    assembly = get_assembly(uow, assembly_id)
    preview = with_eligible(preview, assembly)
    rows = people.roll_listing(uow, assembly_id)
    checked_in = people.checked_in_ids(uow, assembly_id)
    pairs, problems = _match(preview.records, rows)
    columns = {f for f in preview.mapping.values() if f}
    matched_rows = {row.id for _, row in pairs}
    changed: list[PersonChange] = []
    for record, row in sorted(pairs, key=lambda p: p[0].row):
        changes = _changes(record, row, columns)
        if changes:
            after = _verdict(_apply(record, row, columns), assembly)
            changed.append(
                PersonChange(row.id, record.row, record.name, changes, row.eligible, after)
            )
    paired = {id(record) for record, _ in pairs}
    new = tuple(r for r in preview.records if id(r) not in paired)
    missing = tuple(
        MissingPerson(r.id, r.name, shown.birth_hint(), shown.place_hint(), r.id in checked_in)
        for r in rows
        if r.id not in matched_rows
        for shown in (view(r, assembly),)
    )
    new_eligible = sum(_verdict(r, assembly) for r in new)
    return MergePlan(
        preview=preview,
        new=new,
        changed=tuple(changed),
        unchanged=len(pairs) - len(changed),
        missing=missing,
        problems=tuple(sorted([*preview.problems, *problems], key=lambda p: p.row)),
        new_eligible=new_eligible,
    )


def merge_roll(
    uow: UnitOfWork,
    assembly_id: int,
    path: Path,
    now: datetime,
    plan: MergePlan,
) -> MergeReport:
    """Apply the previewed merge in one transaction, or refuse and write nothing.

    The file must still be the one previewed, and the roll must still give the same plan
    (a walk-in registered meanwhile may have turned a "new" row into a match): otherwise
    ``roll_merge.stale`` asks for a new preview rather than doing something unseen.
    """
    roll.check_unchanged(path, plan.preview)
    if not plan.ok:
        raise MergeRejected(list(plan.problems))
    fresh = plan_merge(uow, assembly_id, plan.preview)
    if not fresh.ok:
        raise MergeRejected(list(fresh.problems))
    if fresh.signature() != plan.signature():
        raise Refused("roll_merge.stale")
    assembly = get_assembly(uow, assembly_id)
    columns = {f for f in plan.preview.mapping.values() if f}
    current = people.by_ids(uow, [c.person_id for c in fresh.changed])
    by_row = {r.row: r for r in plan.preview.records}
    delta = 0
    for change in fresh.changed:
        row = current[change.person_id]
        record = _apply(by_row[change.row], row, columns)
        values, verdict = roll.person_values(record, assembly, row.card_code, row.source, now)
        people.update(uow, row.id, {k: v for k, v in values.items() if k in people.UPDATABLE})
        delta += int(verdict.eligible) - int(row.eligible)
    codes = roll.fresh_codes(people.card_codes(uow, assembly_id), len(fresh.new))
    inserts = []
    for record, code in zip(fresh.new, codes, strict=True):
        values, verdict = roll.person_values(record, assembly, code, "import", now)
        inserts.append(values)
        delta += int(verdict.eligible)
    people.insert_many(uow, inserts)
    roll.add_eligible(uow, assembly_id, delta)
    stored = assembly_rows.reread(uow, assembly_id)
    eligible_total = stored.eligible_count if stored is not None else 0
    audit_log.append(
        uow,
        "roll.merged",
        {
            "assembly": assembly_id,
            "file_sha256": plan.preview.file_sha256,
            "added": len(inserts),
            "changed": len(fresh.changed),
            "unchanged": fresh.unchanged,
            "missing": len(fresh.missing),
            "eligible": eligible_total,
            "encoding": plan.preview.encoding,
        },
        now,
        {
            "changed": {str(c.person_id): [f.field for f in c.changes] for c in fresh.changed},
            "missing": [m.person_id for m in fresh.missing],
        },
    )
    statistics.refresh_in(uow)
    uow.commit()
    return MergeReport(
        len(inserts),
        len(fresh.changed),
        fresh.unchanged,
        len(fresh.missing),
        eligible_total,
        plan.preview.file_sha256,
    )


def shown(field: str, value: str) -> str:
    """A ``FieldChange`` value as the preview shows it (category named, phone masked)."""
    if not value:
        return t("roll_merge.empty")
    if field == "category":
        return t(f"category.{value}")
    if field == "guardian_consent":
        return t("roll_merge.export.yes" if value == "Y" else "roll_merge.export.no")
    if field == "phone":
        return "****" + value
    return value


# -- matching -------------------------------------------------------------------------------


def _match(
    records: list[RollRecord], rows: list[PersonRow]
) -> tuple[list[tuple[RollRecord, PersonRow]], list[Problem]]:
    """Pair file records with roll entries per (folded name, birth date); see the module."""
    on_roll: dict[tuple[str, date], list[PersonRow]] = defaultdict(list)
    for row in rows:
        on_roll[(text_rules.fold_name(row.name), row.birth_date)].append(row)
    in_file: dict[tuple[str, date], list[RollRecord]] = defaultdict(list)
    for rec in records:
        in_file[(text_rules.fold_name(rec.name), rec.birth_date)].append(rec)
    pairs: list[tuple[RollRecord, PersonRow]] = []
    problems: list[Problem] = []
    for key, recs in in_file.items():
        left = list(on_roll.get(key, []))
        if not left:
            continue
        todo = []
        for rec in recs:  # equal, known addresses first
            address = roll.address_key(rec.address)
            same = [r for r in left if address and roll.address_key(r.address) == address]
            if same:
                pairs.append((rec, same[0]))
                left.remove(same[0])
            else:
                todo.append(rec)
        if len(todo) == 1 and len(left) == 1:  # one person, who moved or had no address
            pairs.append((todo[0], left[0]))
            continue
        for rec in todo:
            address = roll.address_key(rec.address)
            could = [r for r in left if roll.same_place(address, roll.address_key(r.address))]
            if len(could) == 1:
                pairs.append((rec, could[0]))
                left.remove(could[0])
            elif len(could) > 1:
                ids = ", ".join(str(r.id) for r in could)
                problems.append(Problem(rec.row, "", "roll_merge.ambiguous", {"ids": ids}))
    return pairs, problems


def _stored(row: PersonRow, field: str) -> str:
    if field == "phone":
        return row.phone_last4
    if field == "guardian_consent":
        return "Y" if row.guardian_consent else "N"
    return str(getattr(row, field))


def _read(record: RollRecord, field: str) -> str:
    if field == "phone":
        return record.phone_last4
    if field == "guardian_consent":
        return "Y" if record.guardian_consent else "N"
    if field == "category":
        return record.category.value
    return str(getattr(record, field))


def _changes(record: RollRecord, row: PersonRow, columns: set[str]) -> tuple[FieldChange, ...]:
    out = []
    for field in MERGED_FIELDS:
        if field != "name" and field not in columns:
            continue
        new = _read(record, field)
        if field in _KEEP_WHEN_EMPTY and not new:
            continue
        old = _stored(row, field)
        if new != old:
            out.append(FieldChange(field, old, new))
    return tuple(out)


def _apply(record: RollRecord, row: PersonRow, columns: set[str]) -> RollRecord:
    """The person as they will be: the file's value where it speaks, the roll's elsewhere."""

    def pick(field: str, fresh: str, kept: str) -> str:
        if field not in columns or (field in _KEEP_WHEN_EMPTY and not fresh):
            return kept
        return fresh

    return RollRecord(
        row=record.row,
        name=record.name,
        birth_date=row.birth_date,
        category=record.category if "category" in columns else Category(row.category),
        address=pick("address", record.address, row.address),
        tong=pick("tong", record.tong, row.tong),
        ban=pick("ban", record.ban, row.ban),
        phone_last4=pick("phone", record.phone_last4, row.phone_last4),
        guardian_consent=(
            record.guardian_consent if "guardian_consent" in columns else row.guardian_consent
        ),
    )


def _verdict(record: RollRecord, assembly: Assembly) -> bool:
    return judge(
        assembly.rules,
        record.birth_date,
        record.category,
        assembly.held_on,
        record.guardian_consent,
    ).eligible
