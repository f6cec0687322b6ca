"""Paper counts from a spreadsheet saved as CSV: one row per paper, or the totals.

Papers (a ``ballots`` batch), with a header row naming one of these columns:

``vote``     찬반: ``yes`` / ``no`` / ``abstain`` (찬성 / 반대 / 기권 too)
``choices``  names marked, separated by ``;`` (choose-N and budget papers)
``ranking``  names in order of preference, separated by ``;``
``mark``     a mark as JSON (any ballot type, e.g. a score sheet)

In any of them an empty cell or ``blank`` (백지) is a blank paper and ``invalid`` (무효),
or ``invalid:<reason>``, an invalid one; the count-entry service checks each mark
against the contest exactly as the screen does, so a name not on the ballot is refused
with the row it came from.

Totals (a ``totals`` batch, 찬반 only): rows of ``item,count`` with items ``yes``, ``no``,
``abstain``, ``blank``, ``invalid`` and optionally ``papers``; a header row is skipped.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from assembly_desk.domain.errors import InvalidInput

WORDS = {"찬성": "yes", "반대": "no", "기권": "abstain"}
BLANK_WORDS = frozenset({"", "blank", "백지"})
INVALID_WORDS = frozenset({"invalid", "무효"})
COLUMNS = ("vote", "choices", "ranking", "mark")
TOTAL_ITEMS = ("yes", "no", "abstain", "blank", "invalid", "papers")


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput("fronts.file_unreadable", path=str(path), error=error.strerror) from None
    except UnicodeDecodeError:
        raise InvalidInput("count.file.not_utf8", path=str(path)) from None
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


def special_mark(cell: str) -> dict[str, Any] | None:
    word = cell.strip()
    if word.lower() in BLANK_WORDS:
        return {"blank": True}
    head, _, reason = word.partition(":")
    if head.lower() in INVALID_WORDS:
        return {"invalid": reason.strip() or "unclear"}
    return None


def _names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split(";") if name.strip()]


def _mark(column: str, cell: str, line: int) -> dict[str, Any]:
    special = special_mark(cell)
    if special is not None:
        return special
    text = cell.strip()
    if column == "vote":
        return {"vote": WORDS.get(text, text.lower())}
    if column == "choices":
        return {"choices": _names(text)}
    if column == "ranking":
        return {"ranking": _names(text)}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidInput("fronts.sheet.bad_mark", line=line, value=text) from None
    if not isinstance(value, dict):
        raise InvalidInput("fronts.sheet.bad_mark", line=line, value=text)
    return value


def read_papers(path: Path) -> list[dict[str, Any]]:
    """The marks of a ballots batch, in the order of the rows (the order of the pile)."""
    rows = _rows(path)
    if not rows:
        raise InvalidInput("fronts.sheet.empty", path=str(path))
    header = [cell.strip().lower() for cell in rows[0]]
    found = [c for c in COLUMNS if c in header]
    if len(found) != 1:
        raise InvalidInput("fronts.sheet.no_column", path=str(path), columns=", ".join(COLUMNS))
    index = header.index(found[0])
    return [
        _mark(found[0], row[index] if index < len(row) else "", number)
        for number, row in enumerate(rows[1:], start=2)
    ]


def read_totals(path: Path) -> dict[str, Any]:
    """``{"options": {...}, "blank": n, "invalid": n[, "papers": n]}`` as the service takes."""
    totals: dict[str, Any] = {"options": {}}
    for number, row in enumerate(_rows(path), start=1):
        item = row[0].strip().lower()
        item = WORDS.get(item, {"백지": "blank", "무효": "invalid"}.get(item, item))
        value = row[1].strip() if len(row) > 1 else ""
        if number == 1 and not value.isdigit():
            continue  # a header row
        if item not in TOTAL_ITEMS:
            raise InvalidInput("fronts.sheet.bad_item", line=number, value=row[0])
        if not value.isdigit():
            raise InvalidInput("fronts.sheet.bad_count", line=number, value=value)
        if item in ("yes", "no", "abstain"):
            totals["options"][item] = int(value)
        else:
            totals[item] = int(value)
    return totals
