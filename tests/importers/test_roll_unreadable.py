"""Files that are not a roll get one clear message, in Korean or English, saying why."""

from __future__ import annotations

import random
import zipfile

import pytest

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import language, set_language
from assembly_desk.importers import parse_roll


@pytest.fixture
def in_both_languages():
    """Yield a function giving an error's message in Korean and in English."""
    before = language()

    def both(error: InvalidInput) -> tuple[str, str]:
        set_language("ko")
        korean = error.message()
        set_language("en")
        return korean, error.message()

    yield both
    set_language(before)


def refusal(path) -> InvalidInput:
    with pytest.raises(InvalidInput) as error:
        parse_roll(path)
    assert error.value.key == "import.unreadable"
    return error.value


def test_empty_file(tmp_path, in_both_languages):
    path = tmp_path / "명부.csv"
    path.write_bytes(b"")

    korean, english = in_both_languages(refusal(path))

    assert "명부.csv" in korean and "빈 파일" in korean
    assert "empty" in english


def test_file_of_blank_lines_is_empty(tmp_path):
    path = tmp_path / "roll.csv"
    path.write_text("\r\n\r\n,,,\r\n", encoding="utf-8")

    refusal(path)


def test_binary_garbage(tmp_path, in_both_languages):
    path = tmp_path / "roll.csv"
    path.write_bytes(random.Random(7).randbytes(4096))

    korean, english = in_both_languages(refusal(path))

    assert "CSV" in korean and "CSV" in english


@pytest.mark.parametrize("name", ["명부.txt", "명부.csv"])
def test_pdf_renamed_to_text(tmp_path, in_both_languages, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

    korean, english = in_both_languages(refusal(path))

    assert "PDF" in korean and "PDF" in english


def test_old_excel_xls(tmp_path, in_both_languages):
    path = tmp_path / "명부.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    korean, english = in_both_languages(refusal(path))

    assert ".xlsx" in korean and ".xlsx" in english


def test_unsupported_extension(tmp_path, in_both_languages):
    path = tmp_path / "명부.hwp"
    path.write_bytes(b"HWP Document File")

    korean, english = in_both_languages(refusal(path))

    assert ".hwp" in korean and ".hwp" in english


def test_corrupt_xlsx(tmp_path, make_xlsx, in_both_languages):
    good = make_xlsx({"s": [["성명", "생년월일"], ["가", "1980-01-01"]]})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:300])

    korean, english = in_both_languages(refusal(broken))

    assert "손상" in korean and "damaged" in english


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "roll.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    refusal(path)


def test_text_that_is_not_an_xlsx(tmp_path):
    path = tmp_path / "roll.xlsx"
    path.write_text("성명,생년월일\n가,1980-01-01\n", encoding="utf-8")

    refusal(path)


def test_xlsx_renamed_to_csv_is_still_read(tmp_path, make_xlsx):
    good = make_xlsx({"s": [["성명", "생년월일"], ["가", "1980-01-01"]]})
    renamed = tmp_path / "roll.csv"
    renamed.write_bytes(good.read_bytes())

    assert [r.name for r in parse_roll(renamed).records] == ["가"]


def test_missing_file(tmp_path):
    refusal(tmp_path / "없는파일.csv")


def test_no_header_row_quotes_what_was_found(make_csv, in_both_languages):
    path = make_csv([["회의 자료"], ["안건", "제안자"], ["도서관 연장", "주민자치회"]])

    korean, english = in_both_languages(refusal(path))

    assert "회의 자료" in korean and "회의 자료" in english


def test_no_name_column(make_csv, in_both_languages):
    path = make_csv([["생년월일", "주소"], ["1980-01-01", "성산동"]])

    korean, english = in_both_languages(refusal(path))

    assert "성명" in korean and "name column" in english
    assert "생년월일, 주소" in korean


def test_no_birth_date_column(make_csv, in_both_languages):
    path = make_csv([["성명", "주소"], ["홍길동", "성산동"]])

    korean, english = in_both_languages(refusal(path))

    assert "생년월일" in korean and "birth-date column" in english


def test_empty_workbook(make_xlsx):
    refusal(make_xlsx({"Sheet1": []}))
