"""Check every data row of a roll, collecting all problems rather than stopping at the first.

A volunteer fixing a 3,000-row spreadsheet wants the whole list at once, each problem
with its row and column, and the good rows ready to import. The problem list is capped so
that a wrong file (say, the wrong sheet) does not produce 100,000 messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from assembly_desk.domain.assembly import Category
from assembly_desk.domain.text_rules import (
    ADDRESS_MAX,
    UNIT_MAX,
    TextProblem,
    fold_name,
    name_problem,
    text_problem,
)
from assembly_desk.importers import rrn
from assembly_desk.importers.dates import DateProblem, parse_birth_date
from assembly_desk.importers.records import Problem, RollRecord
from assembly_desk.importers.values import (
    ValueProblem,
    clean_address,
    clean_name,
    clean_unit,
    parse_category,
    parse_consent,
    phone_last4,
)

MAX_PROBLEMS = 1000
_ABSENT = -1
_UNSEEN = object()

T = TypeVar("T")
Reader = Callable[[str], T]


def column_letter(position: int) -> str:
    """Spreadsheet letters for a 0-based column position: 0 → A, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_name(headers: list[str], position: int) -> str:
    """The header as written, or the column letter for a cell under no header."""
    if position < len(headers) and headers[position]:
        return headers[position]
    return column_letter(position)


class ProblemList:
    """Problems in the order found, keeping the first ``MAX_PROBLEMS`` and counting the rest."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.items: list[Problem] = []
        self.limit = limit
        self.total = 0  # every problem found so far, kept or not
        self.dropped = 0

    def add(self, row: int, column: str, key: str, **params: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(row, column, key, params))
        else:
            self.dropped += 1

    def finish(self) -> list[Problem]:
        """All kept problems, then one that says how many more were left out."""
        if self.dropped:
            return [*self.items, Problem(0, "", "import.too_many", {"count": str(self.dropped)})]
        return list(self.items)


class _Lookup:
    """One low-variety field: its column (or ``_ABSENT``), its reader and what it has read."""

    __slots__ = ("cache", "default", "position", "read")

    def __init__(self, position: int, read: Reader[object], default: object) -> None:
        self.position = position
        self.read = read
        self.default = default
        self.cache: dict[str, object] = {}


class RowChecker:
    """Turns data rows into records, reporting each bad cell under its own column.

    Fields with few distinct values (birth dates, categories, 통/반, consent) are read once
    per distinct text and remembered: on a 100,000-row roll most lookups are dictionary hits.
    """

    def __init__(
        self,
        headers: list[str],
        indices: dict[str, int],
        default_category: Category,
        today: date,
        problems: ProblemList,
    ) -> None:
        self.headers = headers
        self.width = len(headers)
        self.problems = problems
        self.today = today
        # (folded name, birth) -> [(address, first row)]: an empty address is unknown and
        # matches any address, so one list per person-like key rather than a set of keys.
        self.seen: dict[tuple[str, date], list[tuple[str, int]]] = {}
        self._name = indices["name"]
        self._address = indices.get("address", _ABSENT)
        self._phone = indices.get("phone", _ABSENT)
        self._birth = _Lookup(indices["birth_date"], self._read_birth, None)
        self._lookups = (
            _Lookup(
                indices.get("category", _ABSENT),
                lambda text: parse_category(text, default_category),
                default_category,
            ),
            _Lookup(indices.get("tong", _ABSENT), lambda text: clean_unit(text, "통"), ""),
            _Lookup(indices.get("ban", _ABSENT), lambda text: clean_unit(text, "반"), ""),
            _Lookup(indices.get("guardian_consent", _ABSENT), parse_consent, False),
        )

    def check(self, number: int, cells: list[str], rrn_cells: Sequence[int]) -> RollRecord | None:
        """The record for a row, or None when any of its cells has a problem."""
        problems = self.problems
        before = problems.total
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        for position in rrn_cells:
            problems.add(number, column_name(self.headers, position), "import.rrn_value")
            cells = list(cells)
            cells[position] = rrn.mask(cells[position])  # nothing below may see the number
        name = self._read(number, self._name, cells, clean_name)
        if name is not None and not self._fits(number, self._name, name_problem(name)):
            name = None
        birth = self._look_up(number, self._birth, cells)
        address = clean_address(cells[self._address]) if self._address != _ABSENT else ""
        if address:
            self._fits(number, self._address, text_problem(address, ADDRESS_MAX))
        phone: str | None = ""
        if self._phone != _ABSENT:
            phone = self._read(number, self._phone, cells, phone_last4)
        category, tong, ban, consent = (self._look_up(number, x, cells) for x in self._lookups)
        for unit, lookup in ((tong, self._lookups[1]), (ban, self._lookups[2])):
            if isinstance(unit, str) and unit:
                self._fits(number, lookup.position, text_problem(unit, UNIT_MAX))
        if name is not None and isinstance(birth, date):
            first = self._first_seen(fold_name(name), birth, address.casefold(), number)
            if first is not None:
                problems.add(
                    number,
                    self.headers[self._name],
                    "import.duplicate_person",
                    first_row=str(first),
                )
        if problems.total != before:
            return None
        assert name is not None and phone is not None and isinstance(birth, date)
        assert isinstance(category, Category) and isinstance(tong, str) and isinstance(ban, str)
        return RollRecord(number, name, birth, category, address, tong, ban, phone, consent is True)

    def _first_seen(self, key: str, birth: date, address: str, number: int) -> int | None:
        """The earlier row this one repeats: same folded name and birth date, and the same
        address or an empty one on either side (a missing address is unknown, not different).
        """
        earlier = self.seen.setdefault((key, birth), [])
        for other, row in earlier:
            if not other or not address or other == address:
                return row
        earlier.append((address, number))
        return None

    def _fits(self, number: int, position: int, problem: TextProblem | None) -> bool:
        """Report a cell the database column could not hold (too long, hidden characters).

        Checked here, in the preview, so PostgreSQL's ``varchar`` never sees it and a file
        imports the same on both databases: not at all, with the cell named.
        """
        if problem is None:
            return True
        self.problems.add(
            number, column_name(self.headers, position), problem.key, **problem.params
        )
        return False

    def _read(self, number: int, position: int, cells: list[str], read: Reader[T]) -> T | None:
        try:
            return read(cells[position])
        except ValueProblem as problem:
            self.problems.add(number, self.headers[position], problem.key, **problem.params)
            return None

    def _look_up(self, number: int, lookup: _Lookup, cells: list[str]) -> object:
        """The field's value, read once per distinct text; None after reporting a problem."""
        position = lookup.position
        if position == _ABSENT:
            return lookup.default
        text = cells[position]
        result = lookup.cache.get(text, _UNSEEN)
        if result is _UNSEEN:
            try:
                result = lookup.read(text)
            except ValueProblem as problem:
                result = problem
            lookup.cache[text] = result
        if isinstance(result, ValueProblem):
            self.problems.add(number, self.headers[position], result.key, **result.params)
            return None
        return result

    def _read_birth(self, text: str) -> date:
        if not text:
            raise ValueProblem("import.missing_birth_date")
        try:
            return parse_birth_date(text, self.today)
        except DateProblem as problem:
            raise ValueProblem(problem.key, value=text) from None
