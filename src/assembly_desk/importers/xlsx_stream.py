"""A small streaming XLSX reader: cell values as strings, several times faster than openpyxl.

openpyxl's read-only mode builds an object per cell and, for the inline strings that
openpyxl, pandas and many administrative systems write, parses each string as rich text:
a 100,000-row roll took 6-11 s, the whole import budget. Rolls need only the values of one
sheet, so this reader streams the sheet XML through expat and keeps nothing but strings.
``table_reader`` falls back to openpyxl when this reader meets a file it does not handle.

It also reads the East Asian built-in date formats (ids 27-36 and 50-58) that Korean Excel
writes without a format code; openpyxl returns those cells as bare serial numbers.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.parsers import expat

_CHUNK = 1 << 16
_DATE_FORMAT_IDS = frozenset([*range(14, 18), 22, *range(27, 37), *range(50, 59)])
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]|General', re.IGNORECASE)
_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)
_EPOCH_1900 = date(1899, 12, 30)  # serial 60 is Lotus's 29 Feb 1900; later serials agree
_EPOCH_1904 = date(1904, 1, 1)
_MAX_COLUMNS = 16384  # Excel's last column, XFD: a hidden range may say "to the end"


def _local(name: str) -> str:
    """Element name without its namespace (expat gives ``"uri local"``)."""
    return name[name.rfind(" ") + 1 :]


Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]
Text = Callable[[str], None]


def _ignore(name: str) -> None:
    return None


def _parse(stream: IO[bytes], start: Start, end: End = _ignore, text: Text | None = None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    while chunk := stream.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def is_date_format(code: str) -> bool:
    """True when an Excel number format shows a date (``yyyy-mm-dd``, ``yyyy"년"``...)."""
    return bool(_DATE_CODES.search(_FORMAT_LITERALS.sub("", code)))


@dataclass
class SheetMarks:
    """What a sheet's values alone do not show, noted while its rows are read.

    ``formulas`` are the cells (Excel row, 0-based column) holding a formula whose result
    was never saved (openpyxl and some exporters write formulas without one): their value
    is unknown, not empty. ``hidden_rows`` and ``hidden_columns`` are hidden in Excel. The importer
    reports both, because a volunteer checking the file in Excel would not see them.
    """

    formulas: list[tuple[int, int]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based positions


class XlsxBook:
    """An open workbook: its sheets in tab order, shared strings and date styles loaded.

    ``sheets`` are the sheets' parts; ``titles`` maps a part to its tab name and ``hidden``
    holds the parts of hidden (or "very hidden") sheets, which a user opening the file in
    Excel does not see.
    """

    def __init__(self, source: Path | IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(source)
        self.names = set(self.archive.namelist())
        self.titles: dict[str, str] = {}
        self.hidden: set[str] = set()
        try:
            relationships = self._relationships("xl/_rels/workbook.xml.rels")
            self.sheets, self.epoch = self._workbook(relationships)
            shared = [part for part, kind in relationships.values() if kind == "sharedStrings"]
            self.shared = self._shared_strings(shared[0] if shared else "xl/sharedStrings.xml")
            self.date_styles = self._date_styles("xl/styles.xml")
        except BaseException:
            self.archive.close()
            raise

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.archive.close()

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (part name inside the zip, last word of its type)."""
        result: dict[str, tuple[str, str]] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join("xl", target))
                kind = attrs.get("Type", "").rpartition("/")[2]
                result[attrs.get("Id", "")] = (target, kind)

        with self.archive.open(part) as stream:
            _parse(stream, start)
        return result

    def _workbook(self, relationships: dict[str, tuple[str, str]]) -> tuple[list[str], date]:
        """The sheets' parts in tab order, and the date system (1900 or 1904)."""
        sheets: list[str] = []
        epoch = _EPOCH_1900

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal epoch
            local = _local(name)
            if local == "sheet":
                rel = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                if rel in relationships:
                    part = relationships[rel][0]
                    sheets.append(part)
                    self.titles[part] = attrs.get("name", "")
                    if attrs.get("state") in ("hidden", "veryHidden"):
                        self.hidden.add(part)
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch = _EPOCH_1904

        with self.archive.open("xl/workbook.xml") as stream:
            _parse(stream, start)
        return sheets, epoch

    def _shared_strings(self, part: str) -> list[str]:
        """Every shared string; phonetic guides (``rPh``) are not part of the text."""
        strings: list[str] = []
        if part not in self.names:
            return strings
        pieces: list[str] = []
        in_text = False
        phonetic = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal in_text, phonetic
            local = _local(name)
            if local == "t":
                in_text = not phonetic
            elif local == "rPh":
                phonetic += 1
            elif local == "si":
                pieces.clear()

        def end(name: str) -> None:
            nonlocal in_text, phonetic
            local = _local(name)
            if local == "t":
                in_text = False
            elif local == "rPh":
                phonetic -= 1
            elif local == "si":
                strings.append("".join(pieces))

        def text(data: str) -> None:
            if in_text:
                pieces.append(data)

        with self.archive.open(part) as stream:
            _parse(stream, start, end, text)
        return strings

    def _date_styles(self, part: str) -> frozenset[int]:
        """Positions in ``cellXfs`` (the ``s`` of a cell) whose number format shows a date."""
        if part not in self.names:
            return frozenset()
        custom_dates: set[int] = set()
        formats: list[int] = []
        in_cell_xfs = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal in_cell_xfs
            local = _local(name)
            if local == "numFmt" and is_date_format(attrs.get("formatCode", "")):
                custom_dates.add(int(attrs.get("numFmtId", "-1")))
            elif local == "cellXfs":
                in_cell_xfs = True
            elif local == "xf" and in_cell_xfs:
                formats.append(int(attrs.get("numFmtId", "0")))

        def end(name: str) -> None:
            nonlocal in_cell_xfs
            if _local(name) == "cellXfs":
                in_cell_xfs = False

        with self.archive.open(part) as stream:
            _parse(stream, start, end)
        dates = _DATE_FORMAT_IDS | custom_dates
        return frozenset(index for index, fmt in enumerate(formats) if fmt in dates)

    def rows(self, part: str, marks: SheetMarks | None = None) -> Iterator[list[str]]:
        """Every row of a sheet from row 1, gaps filled with empty rows, cells stripped.

        Formula cells without a saved result and hidden rows are noted in ``marks``.
        """
        reader = _SheetReader(self.shared, self.date_styles, self.epoch, marks or SheetMarks())
        with self.archive.open(part) as stream:
            yield from reader.read(stream)


class _SheetReader:
    """Expat handlers for one sheet; completed rows are handed out after each chunk.

    The handlers run a few million times for a large roll, so they compare plain element
    names (namespace processing off; a prefixed ``x:c`` is unprefixed on the slow path) and
    keep per-cell work to a few attribute reads.
    """

    def __init__(
        self, shared: list[str], date_styles: frozenset[int], epoch: date, marks: SheetMarks
    ) -> None:
        self.marks = marks
        self.formula = False
        self.shared = shared
        self.date_styles = date_styles
        self.epoch = epoch
        self.done: list[list[str]] = []
        self.next_row = 1
        self.row: list[str] = []
        self.ref: str | None = None
        self.kind: str | None = None
        self.style: str | None = None
        self.raw = ""
        self.capture = False
        self.phonetic = 0
        self.columns: dict[str, int] = {}

    def read(self, stream: IO[bytes]) -> Iterator[list[str]]:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            yield from self.done
            self.done.clear()
        parser.Parse(b"", True)
        yield from self.done

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "c":
            self.ref = attrs.get("r")
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.raw = ""
            self.formula = False
        elif name == "f":
            self.formula = True
        elif name == "v":
            self.capture = True
        elif name == "t":
            self.capture = not self.phonetic
        elif name == "row":
            number = attrs.get("r")
            target = int(number) if number else self.next_row
            while self.next_row < target:  # rows the file leaves out are blank rows
                self.done.append([])
                self.next_row += 1
            self.row = []
            if attrs.get("hidden") in ("1", "true"):
                self.marks.hidden_rows.append(self.next_row)
        elif ":" in name:
            self.start(name.rpartition(":")[2], attrs)
        elif name == "rPh":
            self.phonetic += 1
        elif name == "col" and attrs.get("hidden") in ("1", "true"):
            first, last = int(attrs.get("min", "1")), int(attrs.get("max", "1"))
            self.marks.hidden_columns.update(range(first - 1, min(last, _MAX_COLUMNS)))

    def end(self, name: str) -> None:
        if name == "v" or name == "t":
            self.capture = False
        elif name == "c":
            value = self._value(self.raw) if self.raw else ""
            if value:
                self._put(value)
            elif self.formula and self.kind != "str":
                # No saved result (a cached empty text has t="str"): unknown, not blank.
                position = _column(self.ref) - 1 if self.ref else len(self.row)
                self.marks.formulas.append((self.next_row, position))
        elif name == "row":
            self.done.append(self.row)
            self.next_row += 1
        elif ":" in name:
            self.end(name.rpartition(":")[2])
        elif name == "rPh":
            self.phonetic -= 1

    def chars(self, data: str) -> None:
        if self.capture:
            self.raw += data

    def _put(self, value: str) -> None:
        row = self.row
        ref = self.ref
        if ref is None:
            row.append(value)
            return
        letters = ref.rstrip("0123456789")
        position = self.columns.get(letters)
        if position is None:
            position = self.columns[letters] = _column(letters) - 1
        if position == len(row):
            row.append(value)
        elif position > len(row):
            row.extend([""] * (position - len(row)))
            row.append(value)
        else:
            row[position] = value

    def _value(self, raw: str) -> str:
        kind = self.kind
        if kind == "s":
            return self.shared[int(raw)].strip()
        if kind is None or kind == "n":
            return self._number(raw)
        if kind in ("inlineStr", "str", "e"):
            return raw.strip()
        if kind == "b":
            return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        if kind == "d":
            return raw.strip()[:10]
        return raw.strip()

    def _number(self, raw: str) -> str:
        if self.style is not None and int(self.style) in self.date_styles:
            days = int(float(raw))
            if days < 61 and self.epoch == _EPOCH_1900:
                days += 1  # before Lotus's phantom 29 February 1900
            return (self.epoch + timedelta(days=days)).isoformat()
        try:
            return str(int(raw))
        except ValueError:
            number = float(raw)
            return str(int(number)) if number.is_integer() else str(number)


def _column(ref: str) -> int:
    """1-based column of a cell reference: ``"B12"`` → 2."""
    column = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            column = column * 26 + ord(ch) - 64
        else:
            break
    return column
