"""Columns are recognised in Korean or English, whatever the spacing and case."""

from __future__ import annotations

from datetime import date

import pytest

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.importers import parse_roll

FULL_ROW = [
    "홍길동",
    "1980-03-15",
    "서울특별시 마포구 성산동 123-4",
    "3",
    "2",
    "010-1234-5678",
    "주민",
    "N",
]


@pytest.mark.parametrize(
    "headers",
    [
        ["성명", "생년월일", "주소", "통", "반", "연락처", "구분", "보호자동의"],
        ["이름", "생일", "주소", "통", "반", "전화번호", "자격", "보호자 동의"],
        ["성 명", "생년월일(8자리)", "주 소", "통", "반", "휴대폰", "구분", "보호자동의"],
        ["Name", "Birth date", "Address", "통", "반", "Phone", "Category", "Guardian consent"],
        ["FULL NAME", "Date of Birth", "ADDRESS", "통", "반", "Mobile", "Type", "guardian_consent"],
        ["name", "DOB", "address", "통", "반", "핸드폰", "type", "Guardian Consent"],
    ],
)
def test_korean_and_english_headers_map_to_the_same_fields(make_csv, headers):
    preview = parse_roll(make_csv([headers, FULL_ROW]))

    assert list(preview.mapping.values()) == [
        "name",
        "birth_date",
        "address",
        "tong",
        "ban",
        "phone",
        "category",
        "guardian_consent",
    ]
    record = preview.records[0]
    assert (record.name, record.birth_date, record.phone_last4) == (
        "홍길동",
        date(1980, 3, 15),
        "5678",
    )
    assert (record.tong, record.ban) == ("3", "2")


def test_unknown_columns_are_ignored_but_shown_in_the_preview(make_csv):
    preview = parse_roll(
        make_csv([["연번", "성명", "생년월일", "비고"], ["1", "홍길동", "1980-03-15", "회장"]])
    )

    assert preview.mapping == {"연번": None, "성명": "name", "생년월일": "birth_date", "비고": None}
    assert preview.sample == [["1", "홍길동", "1980-03-15", "회장"]]
    assert preview.ok


def test_user_mapping_names_a_column_we_did_not_recognise(make_csv):
    path = make_csv([["참석자", "생년월일", "메모"], ["홍길동", "1980-03-15", "x"]])

    preview = parse_roll(path, mapping_override={"참석자": "name"})

    assert preview.mapping["참석자"] == "name"
    assert preview.records[0].name == "홍길동"


def test_user_mapping_can_ignore_a_recognised_column(make_csv):
    path = make_csv([["성명", "생년월일", "구분"], ["홍길동", "1980-03-15", "아무거나"]])

    assert not parse_roll(path).ok  # "아무거나" is no category
    preview = parse_roll(path, mapping_override={"구분": None})

    assert preview.ok
    assert preview.mapping["구분"] is None


def test_user_mapping_moves_a_field_to_another_column(make_csv):
    path = make_csv(
        [
            ["전화번호", "휴대폰", "성명", "생년월일"],
            ["02-123-4567", "010-9999-8888", "가", "1980-01-01"],
        ]
    )

    assert parse_roll(path).records[0].phone_last4 == "4567"  # first phone column wins
    preview = parse_roll(path, mapping_override={"휴대폰": "phone"})

    assert preview.records[0].phone_last4 == "8888"
    assert preview.mapping["전화번호"] is None


def test_user_mapping_to_an_unknown_field_is_refused(make_csv):
    path = make_csv([["성명", "생년월일", "메모"], ["가", "1980-01-01", "x"]])

    with pytest.raises(InvalidInput) as error:
        parse_roll(path, mapping_override={"메모": "shoe_size"})

    assert error.value.key == "import.bad_mapping"


def test_two_columns_mapped_to_one_field_is_refused(make_csv):
    path = make_csv([["성명", "생년월일", "메모"], ["가", "1980-01-01", "x"]])

    with pytest.raises(InvalidInput) as error:
        parse_roll(path, mapping_override={"메모": "name", "성명": "name"})

    assert error.value.key == "import.mapping_twice"


def test_a_header_repeated_on_every_printed_page_is_not_a_person(make_csv):
    header = ["성명", "생년월일"]
    preview = parse_roll(make_csv([header, ["가", "1980-01-01"], header, ["나", "1981-01-01"]]))

    assert preview.ok
    assert preview.total_rows == 2
    assert [r.row for r in preview.records] == [2, 4]
