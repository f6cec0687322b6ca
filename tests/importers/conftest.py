"""Fixture files for the roll importer, written at test time (no binaries in the repository)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

Cell = str | int | float | date | None
MakeCsv = Callable[..., Path]
MakeXlsx = Callable[..., Path]

TODAY = date(2026, 11, 28)


@pytest.fixture
def make_csv(tmp_path: Path) -> MakeCsv:
    """``make_csv(rows, name=..., encoding=..., delimiter=...)`` writes a CSV like Excel does."""

    def make(
        rows: Sequence[Sequence[str]],
        name: str = "roll.csv",
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        return path

    return make


@pytest.fixture
def make_xlsx(tmp_path: Path) -> MakeXlsx:
    """``make_xlsx({"sheet": rows, ...}, name=...)``: a workbook with real typed cells."""

    def make(sheets: dict[str, Sequence[Sequence[Cell]]], name: str = "roll.xlsx") -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
        path = tmp_path / name
        book.save(path)
        return path

    return make
