"""XLSX rolls as 주민센터 export them: a title above the header, real date cells, numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assembly_desk.domain.assembly import Category
from assembly_desk.importers import parse_roll, table_reader


class _Unhandled:
    def __init__(self, path):
        raise NotImplementedError("pretend the streaming reader cannot read this workbook")


@pytest.fixture(autouse=True, params=["streaming", "openpyxl"])
def reader(request, monkeypatch):
    """Every test runs on our streaming reader and on the openpyxl fallback."""
    if request.param == "openpyxl":
        monkeypatch.setattr(table_reader, "XlsxBook", _Unhandled)
    return request.param


HEADER = ["연번", "성명", "생년월일", "주소", "통", "반", "연락처", "구분"]


def test_title_rows_above_the_header_are_skipped_and_row_numbers_match_excel(make_xlsx):
    path = make_xlsx(
        {
            "명부": [
                ["2026년 성산1동 주민총회 참여자 명부"],
                [],
                HEADER,
                [
                    1,
                    "홍길동",
                    date(1980, 3, 15),
                    "서울특별시 마포구 성산동 123-4",
                    3,
                    2,
                    "",
                    "주민",
                ],
                [2, "김영희", datetime(1975, 11, 2), "서울특별시 마포구 성산동 7", 12.0, 1, "", ""],
            ]
        }
    )

    preview = parse_roll(path)

    assert preview.encoding == "xlsx"
    assert preview.ok, [p.message("en") for p in preview.problems]
    assert preview.headers == HEADER
    assert [r.row for r in preview.records] == [4, 5]  # Excel's row numbers
    assert preview.records[0].birth_date == date(1980, 3, 15)
    assert preview.records[1].birth_date == date(1975, 11, 2)
    assert (preview.records[1].tong, preview.records[1].ban) == ("12", "1")  # not "12.0"
    assert preview.records[1].category is Category.RESIDENT  # empty → default
    assert preview.mapping["연번"] is None


def test_excel_dates_and_text_dates_mix_in_one_column(make_xlsx):
    path = make_xlsx(
        {
            "Sheet1": [
                ["성명", "생년월일"],
                ["가", date(1950, 1, 2)],
                ["나", "1950.01.03"],
                ["다", 19500104],  # typed as a number
                ["라", "1950년 1월 5일"],
            ]
        }
    )

    preview = parse_roll(path)

    assert [r.birth_date.day for r in preview.records] == [2, 3, 4, 5]


def test_phone_stored_as_a_number_keeps_its_last_four_digits(make_xlsx):
    path = make_xlsx({"s": [["성명", "생년월일", "휴대폰"], ["가", date(1950, 1, 2), 1012345678]]})

    preview = parse_roll(path)

    assert preview.records[0].phone_last4 == "5678"
    assert preview.sample[0][2] == "****5678"


def test_cover_sheet_is_passed_over_for_the_sheet_with_the_roll(make_xlsx):
    path = make_xlsx(
        {
            "안내": [["이 파일은 주민총회 명부입니다."], ["담당: 주민자치팀"]],
            "명부": [["이름", "생일"], ["홍길동", date(1980, 3, 15)]],
        }
    )

    preview = parse_roll(path)

    assert [r.name for r in preview.records] == ["홍길동"]


def test_blank_rows_in_the_middle_are_skipped_but_not_renumbered(make_xlsx):
    path = make_xlsx(
        {"s": [["성명", "생년월일"], ["가", date(1950, 1, 2)], [None, None], ["나", "1960-05-05"]]}
    )

    preview = parse_roll(path)

    assert preview.total_rows == 2
    assert [r.row for r in preview.records] == [2, 4]


def test_bad_cell_in_xlsx_is_reported_at_its_excel_row(make_xlsx):
    path = make_xlsx({"s": [["제목"], HEADER, [1, "홍길동", "1980-02-30", "", "", "", "", ""]]})

    preview = parse_roll(path)

    assert [(p.row, p.column, p.key) for p in preview.problems] == [
        (3, "생년월일", "import.bad_date")
    ]
