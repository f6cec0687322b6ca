"""The roll as a list: find people, correct one person's details, export the roll.

A correction goes through the same checks as a walk-in (the same widths, the same refusal
of hidden characters, the same duplicate rule), so nothing typed here could not have
been imported. It never touches the card code or a check-in: the card already handed out
stays the person's card. The export leaves card codes out (a code is what lets someone in
the door) and writes the headers the importer recognises, so an exported roll can be
edited in Excel and merged back.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from assembly_desk.domain import hangul, text_rules
from assembly_desk.domain.assembly import Category
from assembly_desk.domain.errors import InvalidInput, NotFound
from assembly_desk.i18n import t
from assembly_desk.importers.dates import EARLIEST
from assembly_desk.persistence.models import PersonRow
from assembly_desk.persistence.repositories import people
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log, roll
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.people import reason_params


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One line of the roll page; deliberately without the card code."""

    id: int
    name: str
    birth_date: date
    category: Category
    address: str
    tong: str
    ban: str
    phone_last4: str
    guardian_consent: bool
    eligible: bool
    reason_key: str
    checked_in: bool


@dataclass(frozen=True, slots=True)
class RollFilter:
    """``text``: a name, 초성, birth date (1980-03-15, 19800315, 1980-03) or phone's last four."""

    text: str = ""
    checked_in: bool | None = None
    category: Category | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """New values for one person; ``None`` leaves a field as it is (the CLI's options)."""

    name: str | None = None
    birth_date: date | None = None
    category: Category | None = None
    address: str | None = None
    tong: str | None = None
    ban: str | None = None
    phone: str | None = None
    guardian_consent: bool | None = None


@dataclass(frozen=True, slots=True)
class Corrected:
    entry: RollEntry
    fields: tuple[str, ...]
    #: Set when the person was already checked in and the correction changed whether
    #: they may take part: the check-in stays (it happened), but from now on it counts
    #: for the quorum and the vote only if they are eligible, and the volunteer is told.
    notice: str | None = None


def _entry(row: PersonRow, checked_in: set[int]) -> RollEntry:
    return RollEntry(
        id=row.id,
        name=row.name,
        birth_date=row.birth_date,
        category=Category(row.category),
        address=row.address,
        tong=row.tong,
        ban=row.ban,
        phone_last4=row.phone_last4,
        guardian_consent=row.guardian_consent,
        eligible=row.eligible,
        reason_key=row.ineligible_reason,
        checked_in=row.id in checked_in,
    )


def list_roll(uow: UnitOfWork, assembly_id: int, flt: RollFilter = RollFilter()) -> list[RollEntry]:
    """Everyone matching ``flt``, in roll-id order."""
    get_assembly(uow, assembly_id)
    checked_in = people.checked_in_ids(uow, assembly_id)
    test = text_matcher(flt.text)
    out = []
    for row in people.roll_listing(uow, assembly_id):
        entry = _entry(row, checked_in)
        if flt.checked_in is not None and entry.checked_in != flt.checked_in:
            continue
        if flt.category is not None and entry.category != flt.category:
            continue
        if test(entry):
            out.append(entry)
    return out


_Matcher = Callable[[RollEntry], bool]
_T = TypeVar("_T")


def text_matcher(text: str) -> _Matcher:
    """How the roll page's search box reads what was typed (as the desk's search does)."""
    query = text_rules.collapse_spaces(text)
    if not query:
        return lambda _entry: True
    if hangul.is_initials_query(query.replace(" ", "")):
        initials = query.replace(" ", "")
        return lambda e: initials in hangul.initials(text_rules.fold_name(e.name))
    digits = "".join(ch for ch in query if ch.isdigit())
    if digits and all(ch.isdigit() or ch in "-./ " for ch in query):
        if len(digits) == 4:  # the phone's last four, or a birth year
            return lambda e: e.phone_last4 == digits or str(e.birth_date.year) == digits
        return lambda e: e.birth_date.strftime("%Y%m%d").startswith(digits)
    folded = text_rules.fold_name(query)
    return lambda e: folded in text_rules.fold_name(e.name)


def correct_person(
    uow: UnitOfWork,
    assembly_id: int,
    person_id: int,
    correction: Correction,
    desk: str,
    now: datetime,
) -> Corrected:
    """Change one person's details, audited; the card code and the check-in stay.

    Refused like a walk-in when the corrected name and birth date are someone else's on
    the roll with the same or no address (one person, one card). The audit entry says
    publicly that a correction happened; which person and which fields are sealed.
    """
    assembly = get_assembly(uow, assembly_id)
    row = people.get(uow, person_id)
    if row is None or row.assembly_id != assembly_id:
        raise NotFound("roll_merge.no_such_person", id=person_id)
    form = roll.WalkIn(
        name=_pick(correction.name, row.name),
        birth_date=_pick(correction.birth_date, row.birth_date),
        category=_pick(correction.category, Category(row.category)),
        address=_pick(correction.address, row.address),
        tong=_pick(correction.tong, row.tong),
        ban=_pick(correction.ban, row.ban),
        phone=_pick(correction.phone, row.phone_last4),
        guardian_consent=_pick(correction.guardian_consent, row.guardian_consent),
    )
    record = roll.checked_record(form, now)
    if form.birth_date < EARLIEST:
        raise InvalidInput("import.date_out_of_range", value=form.birth_date.isoformat())
    if correction.phone is not None and correction.phone.strip() and len(record.phone_last4) < 4:
        raise InvalidInput("roll_merge.phone_digits")  # as the import: four digits or none
    for other in roll.find_matches(uow, assembly_id, record.name, record.birth_date):
        if other.id != person_id and roll.same_place(
            roll.address_key(record.address), other.address_key
        ):
            raise InvalidInput("roll_merge.correct_same_as", id=other.id)
    values, verdict = roll.person_values(record, assembly, row.card_code, row.source, now)
    changes = {
        k: v
        for k, v in values.items()
        if k in people.UPDATABLE and k != "name_key" and getattr(row, k) != v
    }
    checked_in = people.checked_in_ids(uow, assembly_id)
    if not changes:
        return Corrected(_entry(row, checked_in), ())
    fields = tuple(
        sorted(_FIELD_OF.get(k, k) for k in changes if k not in ("eligible", "ineligible_reason"))
    )
    was_eligible = row.eligible
    people.update(uow, person_id, {**changes, "name_key": values["name_key"]})
    roll.add_eligible(uow, assembly_id, int(verdict.eligible) - int(row.eligible))
    audit_log.append(
        uow,
        "person.corrected",
        {"assembly": assembly_id, "eligible": verdict.eligible},
        now,
        {"person": person_id, "fields": list(fields), "desk": desk},
        coarse_time=True,
    )
    uow.commit()
    fresh = people.get(uow, person_id)
    assert fresh is not None
    uow.session.refresh(fresh)
    notice = None
    if person_id in checked_in and bool(was_eligible) != verdict.eligible:
        if verdict.eligible:
            notice = t("roll_merge.checked_in_now_eligible", id=person_id)
        else:
            reason = t(verdict.reason, **reason_params(fresh, assembly))
            notice = t("roll_merge.checked_in_now_ineligible", id=person_id, reason=reason)
    return Corrected(_entry(fresh, checked_in), fields, notice)


#: Column names as the user knows the fields (``field.*`` catalogue keys).
_FIELD_OF = {"phone_last4": "phone"}


def _pick(new: _T | None, old: _T) -> _T:
    return old if new is None else new


#: Cells Excel would run as a formula: such a text is written with a leading apostrophe,
#: which Excel shows as the text itself.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_roll(uow: UnitOfWork, assembly_id: int, out: Path) -> int:
    """Write the roll to ``out`` as CSV (UTF-8 with BOM, for Excel); no card codes.

    Written to a temporary file beside ``out`` and renamed, so a failed export never
    leaves half a roll where the previous export was. Returns the number of people.
    """
    entries = list_roll(uow, assembly_id)
    header = [
        t("roll_merge.export.id"),
        t("field.name"),
        t("field.birth_date"),
        t("field.category"),
        t("field.address"),
        t("field.tong"),
        t("field.ban"),
        t("field.phone"),
        t("field.guardian_consent"),
        t("roll_merge.export.eligible"),
        t("roll_merge.export.checked_in"),
    ]
    yes, no = t("roll_merge.export.yes"), t("roll_merge.export.no")
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for e in entries:
                writer.writerow(
                    [
                        str(e.id),
                        _cell(e.name),
                        e.birth_date.isoformat(),
                        t(f"category.{e.category.value}"),
                        _cell(e.address),
                        e.tong,
                        e.ban,
                        e.phone_last4,
                        yes if e.guardian_consent else no,
                        yes if e.eligible else no,
                        yes if e.checked_in else no,
                    ]
                )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        error = exc.strerror or str(exc)
        raise InvalidInput("roll_merge.export_failed", path=str(out), error=error) from exc
    return len(entries)


def entry_of(uow: UnitOfWork, assembly_id: int, person_id: int) -> RollEntry:
    """One person as the roll page shows them; ``NotFound`` when not on this roll."""
    row = people.get(uow, person_id)
    if row is None or row.assembly_id != assembly_id:
        raise NotFound("roll_merge.no_such_person", id=person_id)
    return _entry(row, people.checked_in_ids(uow, assembly_id))
