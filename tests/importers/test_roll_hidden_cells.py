"""What Excel hides from the person checking a roll: formulas without a saved result,
hidden sheets, hidden rows, and a column header given twice. None may pass silently."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.importers import parse_roll, table_reader

TODAY = date(2026, 11, 28)


class _Unhandled:
    def __init__(self, source: object) -> None:
        raise NotImplementedError("pretend the streaming reader cannot read this workbook")


@pytest.fixture(autouse=True, params=["streaming", "openpyxl"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every case holds on our streaming reader and on the openpyxl fallback."""
    if request.param == "openpyxl":
        monkeypatch.setattr(table_reader, "XlsxBook", _Unhandled)
    return str(request.param)


def _where(preview) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.key) for p in preview.problems]


def test_formula_without_a_saved_result_is_named_not_dropped(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "생년월일"])
    sheet.append(["김민수", "1980-03-15"])
    sheet.append(["=Sheet2!A1", "1975-01-09"])  # openpyxl saves no result for a formula
    sheet.append(["=A2", "=B2"])  # a whole row of them: it used to vanish as blank
    path = tmp_path / "formulas.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert _where(preview) == [
        (3, "성명", "import.formula_no_value"),
        (4, "성명", "import.formula_no_value"),
        (4, "생년월일", "import.formula_no_value"),
    ]
    assert "수식 결과가 저장되지 않은 셀" in preview.problems[0].message("ko")
    assert "formula" in preview.problems[0].message("en")
    assert not preview.ok


def test_the_first_visible_sheet_is_read_and_a_hidden_one_is_reported(tmp_path: Path) -> None:
    book = Workbook()
    old = book.active
    old.title = "작년 명부"
    old.append(["성명", "생년월일"])
    old.append(["옛사람", "1950-01-01"])
    old.sheet_state = "hidden"
    current = book.create_sheet("올해 명부")
    current.append(["성명", "생년월일"])
    current.append(["김민수", "1980-03-15"])
    path = tmp_path / "sheets.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert [r.name for r in preview.records] == ["김민수"]
    assert preview.ok and preview.sheet == "올해 명부"
    assert [n.key for n in preview.notices] == ["import.hidden_sheet"]
    assert "작년 명부" in preview.notices[0].message("ko")
    assert "올해 명부" in preview.notices[0].message("en")


def test_a_workbook_with_only_hidden_rolls_says_so(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["메모"])
    hidden = book.create_sheet("명부")
    hidden.append(["성명", "생년월일"])
    hidden.append(["김민수", "1980-03-15"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden_only.xlsx"
    book.save(path)

    with pytest.raises(InvalidInput) as error:
        parse_roll(path, today=TODAY)

    assert "명부" in error.value.message() and "숨" in error.value.message()


def test_hidden_rows_are_problems_and_never_records(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "생년월일"])
    sheet.append(["김민수", "1980-03-15"])
    sheet.append(["숨은사람", "1981-04-04"])
    sheet.append(["이영희", "1975-01-09"])
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "hidden_rows.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert _where(preview) == [(3, "", "import.hidden_row")]
    assert "숨겨진 행" in preview.problems[0].message("ko")
    assert "숨은사람" not in [r.name for r in preview.records]
    assert not preview.ok  # the file imports nothing until the row is unhidden or deleted


def test_a_header_given_twice_is_a_problem_not_a_silent_choice(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "생년월일", "연락처", "연락처"])
    sheet.append(["김민수", "1980-03-15", "010-1111-2222", "010-3333-4444"])
    path = tmp_path / "twice.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert _where(preview) == [(1, "연락처", "import.duplicate_column")]
    assert "연락처" in preview.problems[0].message("en")
    assert not preview.ok


def test_two_names_for_one_field_are_a_problem_too(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "이름", "생년월일"])
    sheet.append(["김민수", "민수", "1980-03-15"])
    path = tmp_path / "two_names.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert _where(preview) == [(1, "이름", "import.duplicate_column")]
    assert "성명" in preview.problems[0].message("ko")


def test_a_hidden_column_the_roll_reads_is_a_problem(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "생년월일", "비고", "연락처"])
    sheet.append(["김민수", "1980-03-15", "메모", "010-1111-2222"])
    sheet.column_dimensions["C"].hidden = True  # an ignored column may stay hidden
    sheet.column_dimensions["D"].hidden = True
    path = tmp_path / "hidden_column.xlsx"
    book.save(path)

    preview = parse_roll(path, today=TODAY)

    assert _where(preview) == [(1, "연락처", "import.hidden_column")]
    assert "숨겨진 열" in preview.problems[0].message("ko")
