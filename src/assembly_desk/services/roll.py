"""Bringing people onto the roll: a file import (all or nothing) or a walk-in at the desk.

One person, one card: a second entry for someone already on the roll would let them vote
twice. Both ways in compare people as a volunteer would, by ``text_rules.fold_name`` and
birth date, with a missing address counting as unknown rather than different. A file row
that matches is a problem (the import writes nothing); a walk-in that matches needs the
volunteer's explicit confirmation with a reason, which is sealed into the audit log.
Every text is checked against its column's width before it is written, so SQLite and
PostgreSQL refuse the same input with the same message.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from assembly_desk.domain import card_code, text_rules
from assembly_desk.domain.assembly import Assembly, Category
from assembly_desk.domain.eligibility import Verdict, judge
from assembly_desk.domain.errors import DeskError, InvalidInput, Refused
from assembly_desk.domain.text_rules import ADDRESS_MAX, NAME_MAX, UNIT_MAX
from assembly_desk.i18n import t
from assembly_desk.importers.records import Problem, RollPreview, RollRecord
from assembly_desk.persistence import statistics
from assembly_desk.persistence.models import PersonRow
from assembly_desk.persistence.repositories import assemblies as assembly_rows
from assembly_desk.persistence.repositories import people
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
    assembly_rows.add_eligible(uow, assembly_id, n)


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    eligible: int
    file_sha256: str


def preview_import(path: Path, default_category: Category = Category.RESIDENT) -> RollPreview:
    """Read and check a file without writing anything: what the preview dialog shows."""
    from assembly_desk.importers.roll_file import parse_roll  # the file readers: on import

    return parse_roll(path, default_category)


#: A confirmation reason is sealed in the audit log (a Text column), but kept short enough
#: to read: a sentence, not a document.
REASON_MAX = 200


class FileChanged(Refused):
    """The file on disk is no longer the one previewed; nothing was imported."""


def _existing_keys(
    uow: UnitOfWork, assembly_id: int
) -> dict[tuple[str, date], list[tuple[str, int]]]:
    """(folded name, birth date) -> [(folded address, roll id)] of everyone on the roll.

    Names are folded afresh rather than trusting the stored ``name_key``: entries written
    by earlier releases kept zero-width characters in their key.
    """
    known: dict[tuple[str, date], list[tuple[str, int]]] = {}
    for r in people.identities(uow, assembly_id):
        key = (text_rules.fold_name(r.name), r.birth_date)
        known.setdefault(key, []).append((address_key(r.address), r.id))
    return known


def address_key(address: str) -> str:
    return " ".join(address.split()).casefold()


def same_place(first: str, second: str) -> bool:
    """Addresses agree, or one is missing: unknown is not different."""
    return not first or not second or first == second


def fresh_codes(taken: set[str], n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        code = card_code.new_code()
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


def person_values(
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
        "name_key": text_rules.fold_name(record.name),
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
    rejects the whole file before a single row is written.

    With a ``preview``, exactly the previewed records are written and the previewed hash
    is logged; the file is read once more only to refuse (``import.file_changed``) if it
    is no longer the file that was previewed.
    """
    assembly = get_assembly(uow, assembly_id)
    if preview is None:
        from assembly_desk.importers.roll_file import parse_roll

        preview = parse_roll(path, default_category)
    else:
        check_unchanged(path, preview)
    problems = list(preview.problems)
    known = _existing_keys(uow, assembly_id)
    for rec in preview.records:
        address = address_key(rec.address)
        for other, person_id in known.get((text_rules.fold_name(rec.name), rec.birth_date), []):
            if same_place(address, other):
                problems.append(
                    Problem(
                        rec.row,
                        "",
                        "import.already_on_roll_as",
                        {"name": rec.name, "id": str(person_id)},
                    )
                )
                break
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row))
    codes = fresh_codes(people.card_codes(uow, assembly_id), len(preview.records))
    values = []
    eligible = 0
    for rec, code in zip(preview.records, codes, strict=True):
        row, verdict = person_values(rec, assembly, code, "import", now)
        values.append(row)
        eligible += verdict.eligible
    people.insert_many(uow, values)
    add_eligible(uow, assembly_id, eligible)
    digest = preview.file_sha256
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
    statistics.refresh_in(uow)
    uow.commit()
    return ImportReport(len(values), eligible, digest)


def check_unchanged(path: Path, preview: RollPreview) -> None:
    """Refuse when the file is not the one previewed (edited, re-exported, replaced)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""
    if not preview.file_sha256 or digest != preview.file_sha256:
        raise FileChanged("import.file_changed", file=path.name)


@dataclass(frozen=True, slots=True)
class WalkIn:
    """The short form at the desk.

    ``match_reason`` is the volunteer's confirmation that this is not the person already
    on the roll with the same name and birth date; without it such a walk-in is refused.
    """

    name: str
    birth_date: date
    category: Category = Category.RESIDENT
    address: str = ""
    tong: str = ""
    ban: str = ""
    phone: str = ""
    guardian_consent: bool = False
    match_reason: str = ""


@dataclass(frozen=True, slots=True)
class Registration:
    person: PersonView
    card_code: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class RollMatch:
    """Someone on the roll a walk-in may be: enough for the volunteer to tell, no more."""

    id: int
    name: str
    birth_hint: str
    place_hint: str
    address_key: str = field(default="", repr=False, compare=False)

    def describe(self, lang: str | None = None) -> str:
        place = f", {self.place_hint}" if self.place_hint else ""
        return t(
            "input.walk_in_match_item",
            lang,
            id=self.id,
            name=self.name,
            birth=self.birth_hint,
            place=place,
        )


class PossibleDuplicate(Refused):
    """A walk-in matches someone on the roll by name and birth date; ``matches`` says whom.

    The message names the roll ids (never the card codes: a code on a screen could be
    typed in at another desk). Registering anyway needs ``WalkIn.match_reason``.
    """

    def __init__(self, matches: list[RollMatch]) -> None:
        super().__init__("input.walk_in_match", matches=_MatchList(matches))
        self.matches = matches


class _MatchList(str):
    """The matches as one parameter that reads in the language of the moment."""

    matches: list[RollMatch]

    def __new__(cls, matches: list[RollMatch]) -> _MatchList:
        obj = super().__new__(cls, ",".join(str(m.id) for m in matches))
        obj.matches = matches
        return obj

    def __format__(self, spec: str) -> str:
        return format(", ".join(m.describe() for m in self.matches), spec)


def find_matches(uow: UnitOfWork, assembly_id: int, name: str, birth_date: date) -> list[RollMatch]:
    """Everyone on the roll with this folded name and birth date, whatever their address.

    A walk-in's address is typed in a hurry or left empty, so it cannot tell two entries
    apart; the volunteer can, with the person in front of them. Candidates are fetched by
    birth date and folded here, so names stored with an older fold are found too.
    """
    key = text_rules.fold_name(name)
    assembly = get_assembly(uow, assembly_id)
    matches = []
    for row in people.born_on(uow, assembly_id, birth_date):
        if text_rules.fold_name(row.name) == key:
            shown = view(row, assembly)
            matches.append(
                RollMatch(
                    row.id,
                    row.name,
                    shown.birth_hint(),
                    shown.place_hint(),
                    address_key(row.address),
                )
            )
    return matches


def judge_walk_in(uow: UnitOfWork, assembly_id: int, form: WalkIn) -> Verdict:
    """The immediate verdict the form shows while the volunteer types."""
    assembly = get_assembly(uow, assembly_id)
    return judge(
        assembly.rules, form.birth_date, form.category, assembly.held_on, form.guardian_consent
    )


def checked_record(form: WalkIn, now: datetime) -> RollRecord:
    """The form as a roll record, every text within its column and free of hidden characters."""
    name = text_rules.collapse_spaces(form.name)
    if not name:
        raise InvalidInput("error.empty_name")
    text_rules.check_text(name, NAME_MAX, "field.name")
    if form.birth_date > now.date():
        raise InvalidInput("reason.birth_future")
    address = text_rules.collapse_spaces(form.address)
    text_rules.check_text(address, ADDRESS_MAX, "field.address")
    tong, ban = form.tong.strip(), form.ban.strip()
    text_rules.check_text(tong, UNIT_MAX, "field.tong")
    text_rules.check_text(ban, UNIT_MAX, "field.ban")
    # NFKC first: a Korean IME may type full-width digits; only 0-9 then reach the column.
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", form.phone) if "0" <= ch <= "9")
    return RollRecord(
        row=0,
        name=name,
        birth_date=form.birth_date,
        category=form.category,
        address=address,
        tong=tong,
        ban=ban,
        phone_last4=digits[-4:],
        guardian_consent=form.guardian_consent,
    )


def register_walk_in(
    uow: UnitOfWork, assembly_id: int, form: WalkIn, desk: str, now: datetime
) -> Registration:
    """Add one person to the roll.

    Someone with the same folded name, birth date and address is refused outright
    (``input.walk_in_same_person``). Someone with the same folded name and birth date and
    another or a missing address is refused with ``PossibleDuplicate`` naming them, unless
    the form carries the volunteer's reason for registering a different person; that
    reason, the new entry and the matches are sealed in the audit entry (the published log
    says only that a
    match was overridden).
    """
    record = checked_record(form, now)
    reason = " ".join(form.match_reason.split())
    if reason:
        text_rules.check_text(reason, REASON_MAX, "field.match_reason")
    matches = find_matches(uow, assembly_id, record.name, record.birth_date)
    address = address_key(record.address)
    same = [m for m in matches if address and m.address_key == address]
    if same:  # name, birth date and address: that is them, whatever the reason says
        raise InvalidInput("input.walk_in_same_person", name=record.name, id=same[0].id)
    if matches and not reason:
        raise PossibleDuplicate(matches)
    assembly = get_assembly(uow, assembly_id)
    code = card_code.new_code()
    while people.code_taken(uow, assembly_id, code):
        code = card_code.new_code()
    values, verdict = person_values(record, assembly, code, "walk_in", now)
    row = people.add(uow, PersonRow(**values))
    add_eligible(uow, assembly_id, int(verdict.eligible))
    public: dict[str, object] = {"assembly": assembly_id, "eligible": verdict.eligible}
    private: dict[str, object] = {"person": row.id, "desk": desk}
    if matches:
        public["despite_match"] = True
        private |= {"matches": [m.id for m in matches], "reason": reason}
    audit_log.append(uow, "person.registered", public, now, private, coarse_time=True)
    uow.commit()
    return Registration(view(row, assembly), code, verdict)


def people_for_cards(
    uow: UnitOfWork, assembly_id: int, person_ids: Iterable[int] | None = None
) -> list[PersonRow]:
    """People whose cards are printed (all, or ``person_ids``), in handing-out order."""
    return people.for_cards(uow, assembly_id, person_ids)
