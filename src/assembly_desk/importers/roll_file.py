"""``parse_roll``: read a roll file and say what importing it would do, without importing.

The import screen shows this preview (columns as understood, a masked sample, every
problem) and the user confirms; the services layer then writes ``records``. Parsing is
pure: no database, no Qt, the same file gives the same preview.

Order of refusals matters to the user: a 주민등록번호 column is refused before anything else
(even before "no 생년월일 column"), because the fix is to delete that column, and the
message says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from assembly_desk.domain.assembly import Category
from assembly_desk.domain.errors import Refused
from assembly_desk.importers import rrn
from assembly_desk.importers.headers import (
    build_mapping,
    column_indices,
    duplicate_columns,
    header_score,
    is_rrn_header,
)
from assembly_desk.importers.records import Problem, RollPreview, RollRecord
from assembly_desk.importers.row_check import ProblemList, RowChecker, column_name
from assembly_desk.importers.table_reader import Row, Table, read_table
from assembly_desk.importers.unreadable import Phrase, unreadable
from assembly_desk.importers.values import ValueProblem, phone_last4

SAMPLE_ROWS = 10
PHONE_MASK = "****"
_NO_HITS: tuple[int, ...] = ()


def parse_roll(
    path: Path,
    default_category: Category = Category.RESIDENT,
    mapping_override: dict[str, str | None] | None = None,
    *,
    today: date | None = None,
) -> RollPreview:
    """Read a CSV/TSV/XLSX roll into records and problems.

    ``mapping_override`` maps file headers to fields (or None to ignore a column) and wins
    over recognition. ``today`` bounds birth dates (default: the real today).

    Raises ``Refused("import.rrn_column")`` for a 주민등록번호 column and
    ``InvalidInput("import.unreadable")`` for a file that is not a readable roll.
    """
    path = Path(path)
    try:
        data = path.read_bytes()  # read once: what is hashed is what is parsed
    except OSError as exc:
        raise unreadable(path, "import.why.io", error=exc.strerror or str(exc)) from exc
    table = read_table(path, lambda cells: header_score(cells, mapping_override), data)
    headers = table.headers
    for header in headers:
        if is_rrn_header(header):
            raise Refused("import.rrn_column", column=header)
    hits = rrn.scan(table.rows)
    refused = rrn.column_to_refuse(hits, table.rows)
    if refused is not None:
        raise Refused("import.rrn_column", column=column_name(headers, refused))

    mapping = build_mapping(headers, mapping_override)
    indices = column_indices(headers, mapping)
    found = ", ".join(header for header in headers if header)
    if "name" not in indices:
        raise unreadable(path, "import.why.no_name_column", found=found)
    if "birth_date" not in indices:
        raise unreadable(path, "import.why.no_birth_column", found=found)

    problems = ProblemList()
    for number, positions in sorted(rrn_by_row(rrn.scan(table.preamble)).items()):
        for position in positions:
            problems.add(number, column_name(headers, position), "import.rrn_value")
    for first, second, field in duplicate_columns(headers, mapping_override):
        problems.add(
            table.header_row,
            column_name(headers, second),
            "import.duplicate_column",
            first=column_name(headers, first),
            field=Phrase(f"import.field.{field}"),
        )
    unread = _report_sheet_marks(table, headers, indices, problems)
    checker = RowChecker(headers, indices, default_category, today or date.today(), problems)
    by_row = rrn_by_row(hits)
    records: list[RollRecord] = []
    data_rows = [row for row in table.rows if not _repeats_header(row[1], headers)]
    for number, cells in data_rows:
        if number in unread:
            continue  # reported above; not read as if the user had seen every cell
        record = checker.check(number, cells, by_row.get(number, _NO_HITS))
        if record is not None:
            records.append(record)
    notices = [
        Problem(0, "", "import.hidden_sheet", {"sheet": title, "used": table.sheet})
        for title in table.hidden_sheets
    ]
    return RollPreview(
        encoding=table.encoding,
        headers=headers,
        mapping=mapping,
        sample=_sample(table, data_rows, indices.get("phone")),
        records=records,
        problems=problems.finish(),
        total_rows=len(data_rows),
        file_sha256=hashlib.sha256(data).hexdigest(),
        notices=notices,
        sheet=table.sheet,
    )


def _report_sheet_marks(
    table: Table, headers: list[str], indices: Mapping[str, int], problems: ProblemList
) -> set[int]:
    """Report what Excel hides from the person checking the file; return the rows to skip.

    A formula cell without a saved result has an unknown value (often a name or a date
    computed from another sheet): reading it as empty would drop or misread the row. A
    hidden row, or a hidden column the roll would read, is one nobody reviewing the file
    saw. All are problems, so the file imports nothing until they are fixed (save the
    file in Excel; unhide or delete the rows and columns). Only rows below the header
    count: a title above it does not reach the roll.
    """
    marks = table.marks
    below = table.header_row
    for position in sorted(marks.hidden_columns):
        if position < len(headers) and position in indices.values():
            problems.add(below, column_name(headers, position), "import.hidden_column")
    hidden = {number for number in marks.hidden_rows if number > below}
    with_data = {number for number, _ in table.rows}
    for number in sorted(hidden & with_data):
        problems.add(number, "", "import.hidden_row")
    unknown: set[int] = set()
    for number, position in sorted(marks.formulas):
        if number > below:
            problems.add(number, column_name(headers, position), "import.formula_no_value")
            unknown.add(number)  # an unknown name is not a "missing name": say it once
    return hidden | unknown


def _repeats_header(cells: list[str], headers: list[str]) -> bool:
    """True for a header row repeated further down (multi-page exports repeat it)."""
    return cells[0] == headers[0] and cells[: len(headers)] == headers


def rrn_by_row(hits: Mapping[int, list[int]]) -> dict[int, list[int]]:
    """Turn column -> rows into row -> columns (in column order)."""
    rows: dict[int, list[int]] = {}
    for position in sorted(hits):
        for number in hits[position]:
            rows.setdefault(number, []).append(position)
    return rows


def _sample(table: Table, data_rows: list[Row], phone: int | None) -> list[list[str]]:
    """The first rows as written, cut to the header's width, with phone and RRN masked."""
    width = len(table.headers)
    sample = []
    for _, cells in data_rows[:SAMPLE_ROWS]:
        row = [rrn.mask(cell) for cell in cells[:width]]
        row += [""] * (width - len(row))
        if phone is not None and row[phone]:
            try:
                row[phone] = PHONE_MASK + phone_last4(row[phone])
            except ValueProblem:
                row[phone] = PHONE_MASK
        sample.append(row)
    return sample
