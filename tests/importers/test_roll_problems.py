"""A roll with mistakes: every problem is listed with its row and column, good rows still import."""

from __future__ import annotations

from datetime import date

import pytest

from assembly_desk.domain.assembly import Category
from assembly_desk.importers import parse_roll
from assembly_desk.importers.row_check import MAX_PROBLEMS

TODAY = date(2026, 11, 28)
HEADER = ["성명", "생년월일", "주소", "연락처", "구분", "보호자동의"]


def where(preview) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.key) for p in preview.problems]


def test_every_bad_cell_is_reported_and_good_rows_are_kept(make_csv):
    rows = [
        HEADER,
        ["홍길동", "1980-03-15", "성산동 1", "010-1111-2222", "주민", ""],  # 2 good
        ["", "1980-03-15", "성산동 2", "", "주민", ""],  # 3 no name
        ["김철수", "1980-02-30", "성산동 3", "", "주민", ""],  # 4 no such day
        ["이영희", "800315", "성산동 4", "", "주민", ""],  # 5 two-digit year
        ["박민지", "1990-05-05", "성산동 5", "12", "구청장", ""],  # 6 phone + category
        ["최하나", "2015-01-01", "성산동 6", "", "학생", "몰라"],  # 7 consent
        ["정우성", "", "성산동 7", "", "외국인", ""],  # 8 no birth date
        ["강감찬", "2030-01-01", "성산동 8", "", "", ""],  # 9 in the future
        ["Jane Doe", "1985/7/4", "성산동 9", "+82 10-5555-6666", "foreign resident", "y"],  # 10
    ]

    preview = parse_roll(make_csv(rows), today=TODAY)

    assert not preview.ok
    assert preview.total_rows == 9
    assert where(preview) == [
        (3, "성명", "import.missing_name"),
        (4, "생년월일", "import.bad_date"),
        (5, "생년월일", "import.date_two_digit_year"),
        (6, "연락처", "import.bad_phone"),
        (6, "구분", "import.unknown_category"),
        (7, "보호자동의", "import.bad_consent"),
        (8, "생년월일", "import.missing_birth_date"),
        (9, "생년월일", "import.date_out_of_range"),
    ]
    assert [r.row for r in preview.records] == [2, 10]
    jane = preview.records[1]
    assert (jane.name, jane.birth_date, jane.category) == (
        "Jane Doe",
        date(1985, 7, 4),
        Category.FOREIGN_RESIDENT,
    )
    assert jane.phone_last4 == "6666"
    assert jane.guardian_consent is True


def test_messages_name_the_row_the_column_and_the_value_in_both_languages(make_csv):
    preview = parse_roll(make_csv([HEADER, ["김철수", "1980-02-30", "", "", "", ""]]), today=TODAY)
    problem = preview.problems[0]

    assert problem.message("ko").startswith("2행 ‘생년월일’ 열:")
    assert "1980-02-30" in problem.message("ko")
    assert problem.message("en").startswith("Row 2, column ‘생년월일’:")
    assert "1980-02-30" in problem.message("en")
    assert "2행" not in problem.message("ko", with_location=False)


def test_six_digit_birth_date_asks_for_a_four_digit_year(make_csv):
    preview = parse_roll(make_csv([HEADER, ["이영희", "800315", "", "", "", ""]]), today=TODAY)

    assert preview.records == []
    message = preview.problems[0].message("ko")
    assert "800315" in message
    assert "네 자리" in message
    assert "four-digit year" in preview.problems[0].message("en")


def test_unknown_category_lists_what_is_accepted(make_csv):
    preview = parse_roll(make_csv([HEADER, ["박민지", "1990-05-05", "", "", "통장", ""]]))

    message_ko = preview.problems[0].message("ko")
    assert "통장" in message_ko
    for accepted in ("주민", "외국인", "직장인", "학생"):
        assert accepted in message_ko
    assert "resident" in preview.problems[0].message("en")


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("주민", Category.RESIDENT),
        ("주민등록", Category.RESIDENT),
        ("거주자", Category.RESIDENT),
        ("Resident", Category.RESIDENT),
        ("외국인", Category.FOREIGN_RESIDENT),
        ("영주", Category.FOREIGN_RESIDENT),
        ("영주 외국인", Category.FOREIGN_RESIDENT),
        ("Foreign Resident", Category.FOREIGN_RESIDENT),
        ("직장인", Category.WORKER),
        ("근무자", Category.WORKER),
        ("worker", Category.WORKER),
        ("학생", Category.STUDENT),
        ("교직원", Category.STUDENT),
        ("학생·교직원", Category.STUDENT),
        ("학생ㆍ교직원", Category.STUDENT),
        ("STAFF", Category.STUDENT),
        ("", Category.WORKER),  # empty → the default chosen on the import screen
    ],
)
def test_categories_in_korean_or_english(make_csv, written, category):
    path = make_csv([["성명", "생년월일", "구분"], ["가", "1980-01-01", written]])

    preview = parse_roll(path, default_category=Category.WORKER)

    assert preview.records[0].category is category


@pytest.mark.parametrize(
    ("written", "consent"),
    [
        *[("Y", True), ("예", True), ("O", True), ("true", True), ("1", True), ("동의", True)],
        *[("N", False), ("아니오", False), ("X", False), ("FALSE", False), ("0", False)],
        *[("미동의", False), ("", False)],
    ],
)
def test_guardian_consent_values(make_csv, written, consent):
    path = make_csv([["성명", "생년월일", "보호자동의"], ["가", "2015-01-01", written]])

    assert parse_roll(path, today=TODAY).records[0].guardian_consent is consent


@pytest.mark.parametrize(
    "written",
    [
        *["1980-03-15", "1980.03.15", "1980. 3. 15.", "1980/3/15", "19800315"],
        *["1980년 3월 15일", "1980-03-15 00:00:00", "１９８０－０３－１５"],
    ],
)
def test_birth_date_formats(make_csv, written):
    path = make_csv([["성명", "생년월일"], ["가", written]])

    assert parse_roll(path).records[0].birth_date == date(1980, 3, 15)


@pytest.mark.parametrize("written", ["80-03-15", "800315", "80.3.15"])
def test_two_digit_years_are_never_guessed(make_csv, written):
    preview = parse_roll(make_csv([["성명", "생년월일"], ["가", written]]))

    assert [p.key for p in preview.problems] == ["import.date_two_digit_year"]


@pytest.mark.parametrize("written", ["15/03/1980", "1980", "어제", "1980-13-01", "1900-02-29"])
def test_unreadable_birth_dates(make_csv, written):
    preview = parse_roll(make_csv([["성명", "생년월일"], ["가", written]]))

    assert [(p.row, p.column, p.key) for p in preview.problems] == [
        (2, "생년월일", "import.bad_date")
    ]


def test_same_person_twice_is_reported_on_the_later_row(make_csv):
    rows = [
        ["성명", "생년월일", "주소"],
        ["김민수", "1970-01-01", "성산동 1"],
        ["김민수", "1985-06-06", "성산동 1"],  # a namesake: different birth date
        ["김 민수", "1970.1.1", "성산동  1"],  # the first one again, typed differently
        ["김민수", "1970-01-01", "망원동 9"],  # a namesake at another address
    ]

    preview = parse_roll(make_csv(rows))

    assert where(preview) == [(4, "성명", "import.duplicate_person")]
    assert preview.problems[0].params == {"first_row": "2"}
    assert "2행" in preview.problems[0].message("ko")
    assert [r.row for r in preview.records] == [2, 3, 5]


def test_a_wrong_file_gives_a_capped_list_that_says_how_many_more(make_csv):
    rows = [["성명", "생년월일"]] + [["가", "모름"] for _ in range(MAX_PROBLEMS + 25)]

    preview = parse_roll(make_csv(rows))

    assert len(preview.problems) == MAX_PROBLEMS + 1
    last = preview.problems[-1]
    assert (last.row, last.key, last.params) == (0, "import.too_many", {"count": "25"})
    assert "25" in last.message("ko") and "25" in last.message("en")


def test_phone_number_is_never_kept_or_shown_whole(make_csv):
    path = make_csv([["성명", "생년월일", "연락처"], ["가", "1980-01-01", "010-1234-5678"]])

    preview = parse_roll(path)

    assert preview.records[0].phone_last4 == "5678"
    assert preview.sample == [["가", "1980-01-01", "****5678"]]
    assert "1234" not in repr(preview)


def test_sample_shows_the_first_ten_rows_only(make_csv):
    rows = [["성명", "생년월일"]] + [[f"사람{i}", "1980-01-01"] for i in range(25)]

    preview = parse_roll(make_csv(rows))

    assert len(preview.sample) == 10
    assert preview.sample[0] == ["사람0", "1980-01-01"]
    assert len(preview.records) == 25
