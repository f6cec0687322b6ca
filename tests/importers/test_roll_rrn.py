"""No 주민등록번호 ever gets in: a column of them refuses the file, a stray one its row."""

from __future__ import annotations

from datetime import date

import pytest

from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.i18n import language, set_language
from assembly_desk.importers import parse_roll

RRN = "800315-1234567"
RRN_DIGITS = "1234567"


@pytest.fixture
def restore_language():
    before = language()
    yield
    set_language(before)


@pytest.mark.parametrize(
    "header",
    [
        *["주민등록번호", "주민번호", "주민 등록 번호", "주민등록번호(앞자리)"],
        *["RRN", "Resident Registration No.", "외국인등록번호"],
    ],
)
def test_a_column_named_for_the_number_refuses_the_file(make_csv, header):
    # Even when its cells are masked or empty: the file should not be circulating with it.
    path = make_csv([["성명", "생년월일", header], ["홍길동", "1980-03-15", "800315-1******"]])

    with pytest.raises(Refused) as error:
        parse_roll(path)

    assert error.value.key == "import.rrn_column"
    assert error.value.params == {"column": header}


def test_rrn_column_is_refused_before_asking_for_a_birth_date_column(make_csv):
    path = make_csv([["성명", "주민등록번호"], ["홍길동", RRN]])

    with pytest.raises(Refused):
        parse_roll(path)


def test_refusal_explains_the_law_and_the_fix_in_both_languages(make_csv, restore_language):
    path = make_csv([["성명", "생년월일", "주민번호"], ["홍길동", "1980-03-15", RRN]])
    with pytest.raises(Refused) as error:
        parse_roll(path)

    set_language("ko")
    korean = error.value.message()
    set_language("en")
    english = error.value.message()

    assert "‘주민번호’" in korean and "개인정보 보호법" in korean
    assert "카드 번호" in korean and "삭제" in korean
    assert "Personal Information Protection Act" in english
    assert "card codes" in english and "Delete the column" in english
    assert RRN_DIGITS not in korean + english


@pytest.mark.parametrize("value", [RRN, "8003151234567", "800315 - 2234567", "020101-4123456"])
def test_a_column_of_numbers_under_an_innocent_header_refuses_the_file(make_csv, value):
    rows = [["성명", "생년월일", "비고"]] + [[f"사람{i}", "1980-03-15", value] for i in range(3)]

    with pytest.raises(Refused) as error:
        parse_roll(make_csv(rows))

    assert error.value.params == {"column": "비고"}


def test_numbers_filling_half_a_sparse_column_refuse_the_file(make_csv):
    rows = [["성명", "생년월일", "메모"]] + [[f"사람{i}", "1980-03-15", ""] for i in range(50)]
    rows[10][2] = RRN
    rows[20][2] = "회장"

    with pytest.raises(Refused) as error:
        parse_roll(make_csv(rows))

    assert error.value.params == {"column": "메모"}


def test_numbers_in_a_column_without_a_header_are_named_by_its_letter(make_csv):
    rows = [["성명", "생년월일"]] + [[f"사람{i}", "1980-03-15", RRN] for i in range(3)]

    with pytest.raises(Refused) as error:
        parse_roll(make_csv(rows))

    assert error.value.params == {"column": "C"}


def test_a_stray_number_rejects_its_row_and_is_masked_everywhere(make_csv):
    rows = [["성명", "생년월일", "비고"]] + [[f"사람{i}", "1980-03-15", "회원"] for i in range(20)]
    rows[3][2] = f"본인 확인 {RRN}"

    preview = parse_roll(make_csv(rows))

    assert not preview.ok
    assert [(p.row, p.column, p.key) for p in preview.problems] == [(4, "비고", "import.rrn_value")]
    assert 4 not in [r.row for r in preview.records]
    assert len(preview.records) == 19
    assert preview.sample[2] == ["사람2", "1980-03-15", "본인 확인 ******-*******"]
    assert RRN_DIGITS not in repr(preview)
    assert RRN_DIGITS not in preview.problems[0].message("ko")


def test_a_number_typed_into_the_birth_date_column_is_not_echoed_back(make_csv):
    rows = [["성명", "생년월일"]] + [[f"사람{i}", "1980-03-15"] for i in range(10)]
    rows[5][1] = RRN

    preview = parse_roll(make_csv(rows))

    assert {p.key for p in preview.problems if p.row == 6} == {
        "import.rrn_value",
        "import.bad_date",
    }
    assert RRN_DIGITS not in repr(preview)
    assert all(RRN_DIGITS not in p.message(lang) for p in preview.problems for lang in ("ko", "en"))


@pytest.mark.parametrize(
    "value",
    [
        "010-1234-5678",
        "01012345678",
        "1234567890123",
        "110-123-456789",
        "19800315",
        "8013451234567",
    ],
)
def test_look_alikes_are_not_taken_for_a_registration_number(make_csv, value):
    rows = [["성명", "생년월일", "메모"]] + [[f"사람{i}", "1980-03-15", value] for i in range(5)]

    preview = parse_roll(make_csv(rows))

    assert preview.ok


def test_refused_in_xlsx_too(make_xlsx):
    path = make_xlsx(
        {"s": [["명부"], ["성명", "생년월일", "식별"]] + [["가", date(1980, 1, 1), RRN]] * 3}
    )

    with pytest.raises(Refused):
        parse_roll(path)


def test_the_number_is_not_quoted_when_no_header_is_found(make_csv):
    path = make_csv([["홍길동", RRN, "서울"], ["김영희", "750101-2345678", "부산"]])

    with pytest.raises(InvalidInput) as error:
        parse_roll(path)

    assert RRN_DIGITS not in error.value.message()
    assert "홍길동" in error.value.message()
