"""Which column is which: header recognition in Korean or English, and the RRN header rule.

Rolls come from 주민센터 exports, volunteers' spreadsheets and other programs, so headers
vary ("성 명", "생년월일(8자리)", "Date of birth", "휴대폰 번호"). We compare a folded form:
NFKC (full-width letters), case-folded, with any bracketed hint and all spaces and
punctuation removed. Anything unrecognised is kept in the preview but ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.importers.records import FIELDS

_BRACKETED = re.compile(r"[(\[{<（［].*?[)\]}>）］]")
_NOISE = re.compile(r"[\s_\-.,:;/*·ㆍ\u119e・'\"]+")  # NFKC turns ㆍ into U+119E

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("성명", "이름", "성함", "name", "full name"),
    "birth_date": (
        "생년월일",
        "생일",
        "출생일",
        "출생일자",
        "birth date",
        "birthdate",
        "date of birth",
        "dob",
        "birthday",
    ),
    "address": ("주소", "주소지", "거주지", "도로명주소", "지번주소", "address"),
    "tong": ("통", "tong"),
    "ban": ("반", "ban"),
    "phone": (
        "연락처",
        "전화번호",
        "전화",
        "휴대폰",
        "휴대폰번호",
        "휴대전화",
        "휴대전화번호",
        "핸드폰",
        "핸드폰번호",
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "tel",
    ),
    "category": ("구분", "자격", "참여자격", "자격구분", "category", "type"),
    "guardian_consent": (
        "보호자동의",
        "보호자 동의",
        "보호자동의여부",
        "법정대리인동의",
        "guardian consent",
        "guardian",
    ),
}

# A header containing one of these names a national identification number column.
_RRN_PARTS = (
    "주민등록번호",
    "주민번호",
    "외국인등록번호",
    "residentregistration",
    "alienregistration",
)
_RRN_EXACT = ("rrn", "rrno", "jumin")


def fold(header: str) -> str:
    """The form headers are compared in: ``"생년월일 (8자리)"`` and ``"생년월일"`` agree."""
    text = unicodedata.normalize("NFKC", header).casefold()
    return _NOISE.sub("", _BRACKETED.sub("", text))


_LOOKUP: dict[str, str] = {
    fold(alias): field for field, aliases in _ALIASES.items() for alias in aliases
}


def field_for(header: str) -> str | None:
    """The roll field a header names, or None when we do not know it."""
    return _LOOKUP.get(fold(header))


def is_rrn_header(header: str) -> bool:
    """True when the header names a 주민등록번호 (or 외국인등록번호) column."""
    folded = fold(header)
    return folded in _RRN_EXACT or any(part in folded for part in _RRN_PARTS)


def header_score(cells: list[str], override: Mapping[str, str | None] | None = None) -> int:
    """How many cells of a row read as column names; the best row is the header row.

    RRN headers count, so a roll whose only other column is 성명 is still found and then
    refused for the right reason.
    """
    override = override or {}
    score = 0
    for cell in cells:
        if not cell:
            continue
        if override.get(cell) or field_for(cell) or is_rrn_header(cell):
            score += 1
    return score


def build_mapping(
    headers: list[str], override: Mapping[str, str | None] | None = None
) -> dict[str, str | None]:
    """File header -> field, with the user's choices taking precedence over our guesses.

    Each field goes to at most one column: the user's column if they chose one, else the
    first recognised column (a second "휴대폰" column is ignored). Headers in the override
    that the file does not have are ignored, so a saved mapping can be reused.
    """
    override = dict(override or {})
    mapping: dict[str, str | None] = {}
    claimed: dict[str, str] = {}
    for header in headers:
        if header in override and header not in mapping:
            field = override[header]
            if field is not None and field not in FIELDS:
                raise InvalidInput("import.bad_mapping", column=header, field=str(field))
            if field is not None and field in claimed:
                raise InvalidInput(
                    "import.mapping_twice", field=field, first=claimed[field], second=header
                )
            mapping[header] = field
            if field is not None:
                claimed[field] = header
    for header in headers:
        if header in mapping:
            continue
        field = field_for(header) if header else None
        if field is not None and field in claimed:
            field = None
        mapping[header] = field
        if field is not None:
            claimed[field] = header
    return mapping


def duplicate_columns(
    headers: list[str], override: Mapping[str, str | None] | None = None
) -> list[tuple[int, int, str]]:
    """Columns that would fill the same field: ``(first, second, field)`` positions.

    Two "연락처" columns, or "성명" beside "이름", leave us to guess which one is meant; the
    second one used to be ignored without a word. A column the user mapped by hand wins
    over a recognised one (that is their choice, not a guess), but two columns with the
    same header text cannot be told apart by a mapping, so they are always reported.
    """
    override = override or {}
    chosen = {field for header, field in override.items() if field and header in headers}
    claimed: dict[str, int] = {}
    found: list[tuple[int, int, str]] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        if header in override:
            field = override[header]
        else:
            field = field_for(header)
            if field in chosen:
                continue
        if field is None:
            continue
        if field in claimed:
            found.append((claimed[field], position, field))
        else:
            claimed[field] = position
    return found


def column_indices(headers: list[str], mapping: Mapping[str, str | None]) -> dict[str, int]:
    """Field -> position of its column (the first column with that header text)."""
    indices: dict[str, int] = {}
    seen: set[str] = set()
    for position, header in enumerate(headers):
        if header in seen:
            continue
        seen.add(header)
        field = mapping.get(header)
        if field is not None:
            indices[field] = position
    return indices
