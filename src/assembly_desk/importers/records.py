"""What reading a roll file produces: good rows, problems, and a preview to show first.

Plain frozen dataclasses so the services layer can hand them to the GUI or the CLI as they
are. A record holds exactly what the roll keeps about a person and nothing more: no
주민등록번호, and of a phone number only its last four digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assembly_desk.domain.assembly import Category
from assembly_desk.i18n import t

FIELDS = (
    "name",
    "birth_date",
    "category",
    "address",
    "tong",
    "ban",
    "phone",
    "guardian_consent",
)


@dataclass(frozen=True, slots=True)
class RollRecord:
    """One valid row; ``row`` is the row number the user sees in Excel (header row = 1)."""

    row: int
    name: str
    birth_date: date
    category: Category
    address: str = ""
    tong: str = ""
    ban: str = ""
    phone_last4: str = ""
    guardian_consent: bool = False


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell (or the file, when ``row`` is 0), as a catalogue key.

    ``column`` is the header as written in the file, so the user can find the cell; a cell
    under no header is named by its spreadsheet column letter (e.g. ``"F"``).
    """

    row: int
    column: str
    key: str
    params: dict[str, str]

    def message(self, lang: str | None = None, with_location: bool = True) -> str:
        """The problem in words; with its row and column in front unless told otherwise.

        A table that shows row and column in their own cells asks ``with_location=False``.
        """
        # row and column are offered to the template too, so a message may use them.
        text = t(self.key, lang, **{"row": self.row, "column": self.column, **self.params})
        if not with_location or self.row == 0:
            return text
        if self.column:
            return t("import.where.cell", lang, row=self.row, column=self.column, text=text)
        return t("import.where.row", lang, row=self.row, text=text)


@dataclass(frozen=True)
class RollPreview:
    """Everything the import screen shows before anything is written to the roll."""

    encoding: str
    headers: list[str]
    mapping: dict[str, str | None]
    sample: list[list[str]]
    records: list[RollRecord]
    problems: list[Problem]
    total_rows: int
    #: SHA-256 of the very bytes that were parsed: the import logs this, and refuses if
    #: the file on disk no longer has it (edited or replaced after the preview).
    file_sha256: str = ""
    #: Things worth knowing that do not stop the import (a hidden sheet left unread).
    notices: list[Problem] = field(default_factory=list)
    #: The sheet that was read, for a workbook.
    sheet: str = ""
    #: How many of ``records`` the assembly's rules admit; filled in by the services,
    #: which know the assembly (the importer alone does not), else None.
    eligible: int | None = None

    @property
    def ok(self) -> bool:
        """True when every row was read without a problem."""
        return not self.problems
