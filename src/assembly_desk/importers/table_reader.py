"""Read a CSV/TSV or XLSX roll into a header row and data rows of plain strings.

Everything downstream works on stripped strings with the row numbers the user sees in
Excel, whichever format the file came in. Excel date cells become ISO dates here
(``1980-03-15``), and whole numbers lose Excel's ``.0``, so the validators need only one
path. Municipal exports often put a title (and a blank line) above the header, so the
header is the row among the first ten that reads most like column names.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from assembly_desk.domain.errors import DeskError
from assembly_desk.importers.encoding import decode
from assembly_desk.importers.rrn import mask
from assembly_desk.importers.unreadable import unreadable
from assembly_desk.importers.xlsx_stream import SheetMarks, XlsxBook

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
_DELIMITERS = (",", "\t", ";")
_SNIFF_LINES = 30
_ZIP_MAGIC = b"PK\x03\x04"
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SENTINEL = "\ue000"  # a private-use character: not in any roll

Row = tuple[int, list[str]]
Scorer = Callable[[list[str]], int]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its tab name, whether Excel hides it, and its rows."""

    title: str
    hidden: bool
    rows: Callable[[SheetMarks], Iterator[list[str]]]


@dataclass(frozen=True)
class Table:
    """A file's rows around its header; blank rows are left out, row numbers kept.

    For a workbook, ``marks`` holds what the values do not show (formula cells without a
    saved result, hidden rows) and ``hidden_sheets`` the tabs that were not read.
    """

    encoding: str
    headers: list[str]
    header_row: int
    preamble: list[Row]
    rows: list[Row]
    marks: SheetMarks = field(default_factory=SheetMarks)
    sheet: str = ""
    hidden_sheets: tuple[str, ...] = ()


def read_table(path: Path, score: Scorer, data: bytes | None = None) -> Table:
    """Read a roll as XLSX or delimited text; ``score`` says how header-like a row is.

    ``data`` is the file's content when the caller has already read it (it hashes those
    very bytes), so what is parsed is exactly what was hashed; the path then only names
    the file and its suffix.
    """
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise unreadable(path, "import.why.io", error=exc.strerror or str(exc)) from exc
    magic = data[: len(_ZIP_MAGIC)]
    suffix = path.suffix.lower()
    if not magic:
        raise unreadable(path, "import.why.empty")
    if magic == _ZIP_MAGIC and suffix not in _XLSX_SUFFIXES and suffix not in _TEXT_SUFFIXES:
        raise unreadable(path, "import.why.unsupported", suffix=suffix or "-")
    if magic == _ZIP_MAGIC:
        return _read_xlsx(path, data, score)  # an .xlsx, even if someone renamed it to .csv
    if suffix in _XLSX_SUFFIXES:
        raise unreadable(path, "import.why.bad_xlsx")
    if suffix == ".xls":
        raise unreadable(path, "import.why.old_excel")
    if suffix not in _TEXT_SUFFIXES:
        raise unreadable(path, "import.why.unsupported", suffix=suffix or "-")
    return _read_text(path, data, score)


def _read_text(path: Path, data: bytes, score: Scorer) -> Table:
    text, encoding = decode(data, path)
    delimiter = sniff_delimiter(text)
    # A sentinel line after the text: if a quote was opened and never closed, the reader
    # swallows it into the open cell instead of giving it a row of its own. Without this
    # check the rest of the file silently becomes one cell ("birth date empty").
    reader = csv.reader(io.StringIO(text + "\r\n" + _SENTINEL, newline=""), delimiter=delimiter)
    try:
        rows = [list(map(str.strip, row)) for row in reader]
    except csv.Error as exc:
        raise unreadable(path, "import.why.csv", error=str(exc)) from exc
    if rows and rows[-1] == [_SENTINEL]:
        rows.pop()
    else:
        raise unreadable(path, "import.why.unclosed_quote", row=len(rows))
    table = _split(rows, score, encoding)
    if table is None:
        raise unreadable(path, "import.why.no_header", found=_first_cells(rows))
    return table


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that splits most lines into the same number of cells.

    Counting the most common per-line count (not the total) ignores a title line and an
    address with a stray comma; ties go to the comma.
    """
    lines = [line for line in text[:200_000].splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_key = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)
        if not counts:
            continue
        width, lines_with_width = counts.most_common(1)[0]
        key = (lines_with_width, width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _read_xlsx(path: Path, data: bytes, score: Scorer) -> Table:
    """Stream the workbook ourselves; let openpyxl try whatever our reader does not handle."""
    try:
        with XlsxBook(io.BytesIO(data)) as book:
            sheets = [
                Sheet(book.titles.get(part, ""), part in book.hidden, partial(book.rows, part))
                for part in book.sheets
            ]
            return _pick_sheet(path, sheets, score)
    except DeskError:
        raise
    except Exception:  # an unusual workbook: openpyxl is slower but more thorough
        log.warning("streaming XLSX reader gave up on %s; using openpyxl", path, exc_info=True)
    return _read_xlsx_openpyxl(path, data, score)


def _read_xlsx_openpyxl(path: Path, data: bytes, score: Scorer) -> Table:
    """The slow path, for workbooks the streaming reader gives up on.

    The workbook is loaded twice, fully: once for the saved values, once for the formulas
    and the row properties, so hidden rows and formulas without a result are reported on
    this path too. A file object, not the name: openpyxl refuses names not ending in
    .xlsx, and a workbook renamed to .csv is still a workbook.
    """
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" etc.: not the user's concern
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # zip, XML and openpyxl errors all mean the same to the user
        raise unreadable(path, "import.why.bad_xlsx") from exc
    try:
        sheets = [
            Sheet(
                sheet.title,
                sheet.sheet_state != "visible",
                partial(_openpyxl_rows, sheet, formulas[sheet.title]),
            )
            for sheet in values.worksheets
        ]
        return _pick_sheet(path, sheets, score)
    except DeskError:
        raise
    except Exception as exc:
        raise unreadable(path, "import.why.bad_xlsx") from exc
    finally:
        values.close()
        formulas.close()


def _pick_sheet(path: Path, sheets: list[Sheet], score: Scorer) -> Table:
    """The first *visible* sheet whose header names two known columns, else the first
    visible one with one. Hidden sheets are never read, only named in ``hidden_sheets``:
    a user checking the file in Excel sees the visible tab, so that is the roll.
    """
    hidden = tuple(sheet.title for sheet in sheets if sheet.hidden)
    fallback: Sheet | None = None
    first_cells = ""
    for sheet in sheets:
        if sheet.hidden:
            continue
        marks = SheetMarks()
        rows = sheet.rows(marks)
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        first_cells = first_cells or _first_cells(head)
        best = max((score(cells) for cells in head), default=0)
        if best >= 2:
            table = _split(itertools.chain(head, rows), score, "xlsx")
            assert table is not None
            return replace(table, marks=marks, sheet=sheet.title, hidden_sheets=hidden)
        if best >= 1 and fallback is None:
            fallback = sheet
    if fallback is not None:
        marks = SheetMarks()
        table = _split(fallback.rows(marks), score, "xlsx")
        assert table is not None
        return replace(table, marks=marks, sheet=fallback.title, hidden_sheets=hidden)
    if hidden:  # the roll may well be on a sheet the user cannot see
        raise unreadable(path, "import.why.only_hidden_sheets", sheets=", ".join(hidden))
    if not first_cells:
        raise unreadable(path, "import.why.empty")
    raise unreadable(path, "import.why.no_header", found=first_cells)


def _openpyxl_rows(sheet: Any, formulas: Any, marks: SheetMarks) -> Iterator[list[str]]:
    """Every row from row 1 and column A, as stripped strings (openpyxl fills in gaps).

    ``formulas`` is the same sheet loaded with its formulas: a cell that holds one there
    and no value here had no saved result.
    """
    marks.hidden_rows.extend(
        number for number, dim in sorted(formulas.row_dimensions.items()) if dim.hidden
    )
    for dim in formulas.column_dimensions.values():
        if dim.hidden and dim.min:
            marks.hidden_columns.update(range(dim.min - 1, dim.max or dim.min))
    for number, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1), 1):
        row = []
        for position, cell in enumerate(cells):
            if cell.value is None and formulas.cell(number, position + 1).data_type == "f":
                marks.formulas.append((number, position))
            row.append(_cell_text(cell.value))
        yield row


def _cell_text(value: object) -> str:
    """A cell as the user reads it: dates as ISO dates, 3.0 as 3, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(rows: Iterable[list[str]], score: Scorer, encoding: str) -> Table | None:
    """Find the header among the first rows and keep the non-blank rows around it."""
    iterator = iter(rows)
    head = list(itertools.islice(iterator, HEADER_SEARCH_ROWS))
    best_index, best_score = -1, 0
    for index, cells in enumerate(head):
        value = score(cells)
        if value > best_score:
            best_index, best_score = index, value
    if best_index < 0:
        return None
    headers = list(head[best_index])
    while headers and not headers[-1]:
        headers.pop()
    preamble = [(n, cells) for n, cells in enumerate(head[:best_index], 1) if any(cells)]
    rows_after = itertools.chain(head[best_index + 1 :], iterator)
    data = [(n, cells) for n, cells in enumerate(rows_after, best_index + 2) if any(cells)]
    return Table(encoding, headers, best_index + 1, preamble, data)


def _first_cells(rows: list[list[str]]) -> str:
    """A short quote of the file's first non-blank row, so the user sees what we saw.

    Each cell is masked before it is cut, so no part of a 주민등록번호 is ever quoted.
    """
    for cells in rows[:HEADER_SEARCH_ROWS]:
        shown = [cell for cell in cells if cell][:6]
        if shown:
            return ", ".join(mask(cell)[:20] for cell in shown)
    return ""
