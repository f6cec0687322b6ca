"""Text rolls that used to get the wrong message, and cells no database column can hold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.importers import parse_roll

TODAY = date(2026, 11, 28)
ROWS = "성명\t생년월일\r\n김민수\t1980-03-15\r\n이영희\t1975-01-09\r\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(ROWS.encode(encoding))  # no BOM: some exporters leave it out

    preview = parse_roll(path, today=TODAY)

    assert [r.name for r in preview.records] == ["김민수", "이영희"]
    assert preview.encoding == encoding


def test_broken_utf16_is_called_utf16_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(ROWS.encode("utf-16-le") + b"\x00\xd8" + "a,b\r\n".encode("utf-16-le"))

    with pytest.raises(InvalidInput) as error:
        parse_roll(path, today=TODAY)

    assert "UTF-16" in error.value.message()


def test_an_unclosed_quote_is_named_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        '성명,생년월일\n김민수,1980-03-15\n"이영희,1975-01-09\n박철수,1970-01-01\n',
        encoding="utf-8",
    )

    with pytest.raises(InvalidInput) as error:
        parse_roll(path, today=TODAY)

    message = error.value.message()
    assert "따옴표가 닫히지 않았습니다 (행 3)" in message
    assert "생년월일" not in message


def test_quotes_that_close_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('성명,생년월일,주소\n김민수,1980-03-15,"성산동 1, 101호"\n', encoding="utf-8")

    preview = parse_roll(path, today=TODAY)

    assert preview.ok and preview.records[0].address == "성산동 1, 101호"


def test_cells_no_column_can_hold_are_problems_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "limits.csv"
    path.write_text(
        "성명,생년월일,주소,통\n"
        f"{'가' * 10_000},1980-03-15,,\n"
        "김\x00민수,1980-03-15,,\n"
        "이\u200b영희,1975-01-09,,\n"
        "박\u202e철수,1970-01-01,,\n"
        f"최영수,1971-01-01,{'동' * 301},\n"
        f"정하늘,1972-01-01,,{'1' * 21}\n"
        "한바다,1973-01-01,,\n",
        encoding="utf-8",
    )

    preview = parse_roll(path, today=TODAY)

    where = [(p.row, p.column, p.key) for p in preview.problems]
    assert where == [
        (2, "성명", "input.too_long"),
        (3, "성명", "input.control"),
        (4, "성명", "input.invisible"),
        (5, "성명", "input.invisible"),
        (6, "주소", "input.too_long"),
        (7, "통", "input.too_long"),
    ]
    assert [r.name for r in preview.records] == ["한바다"]
    assert "최대 100자" in preview.problems[0].message("ko")
    assert "U+0000" in preview.problems[1].message("en")
    assert "U+200B" in preview.problems[2].message("en")


def test_the_preview_carries_the_hash_of_the_bytes_it_read(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "roll.csv"
    path.write_text("성명,생년월일\n김민수,1980-03-15\n", encoding="utf-8")

    preview = parse_roll(path, today=TODAY)

    assert preview.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
