"""Excel on Korean Windows saves CP949, "CSV UTF-8" adds a BOM: both must read the same."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from assembly_desk.domain.assembly import Category
from assembly_desk.importers import parse_roll

ROWS = [
    ["성명", "생년월일", "주소", "구분"],
    ["홍길동", "1980-03-15", "서울특별시 마포구 성산동 123-4", "주민"],
    ["김영희", "1975.11.02", "서울특별시 마포구 망원동 45", "직장인"],
]


def names_and_dates(preview) -> list[tuple[str, date]]:
    return [(r.name, r.birth_date) for r in preview.records]


EXPECTED = [("홍길동", date(1980, 3, 15)), ("김영희", date(1975, 11, 2))]


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("cp949", "cp949"), ("euc-kr", "cp949"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")],
)
def test_korean_text_reads_the_same_in_every_excel_encoding(make_csv, encoding, reported):
    preview = parse_roll(make_csv(ROWS, encoding=encoding))

    assert preview.encoding == reported
    assert preview.ok
    assert preview.headers == ROWS[0]
    assert names_and_dates(preview) == EXPECTED
    assert preview.records[1].category is Category.WORKER
    assert preview.records[0].address == "서울특별시 마포구 성산동 123-4"


def test_cp949_file_is_not_mistaken_for_utf8(make_csv):
    path = make_csv(ROWS, encoding="cp949")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the premise: this file is really CP949

    assert names_and_dates(parse_roll(path)) == EXPECTED


def test_bom_does_not_end_up_in_the_first_header(make_csv):
    path = make_csv(ROWS, encoding="utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)

    preview = parse_roll(path)

    assert preview.headers[0] == "성명"
    assert preview.mapping["성명"] == "name"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_is_sniffed(make_csv, delimiter):
    rows = [*ROWS, ["박철수", "1990-01-01", "서울특별시 마포구 합정동 1, 2층", "주민"]]

    preview = parse_roll(make_csv(rows, delimiter=delimiter))

    assert preview.ok
    assert [r.name for r in preview.records] == ["홍길동", "김영희", "박철수"]
    assert preview.records[2].address == "서울특별시 마포구 합정동 1, 2층"


def test_excel_unicode_text_export_is_read(tmp_path):
    # Excel's "유니코드 텍스트" is UTF-16 with a BOM, tab separated, often saved as .txt.
    text = "\r\n".join("\t".join(row) for row in ROWS) + "\r\n"
    path = tmp_path / "명부.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))

    preview = parse_roll(path)

    assert preview.encoding == "utf-16"
    assert names_and_dates(preview) == EXPECTED


def test_decomposed_hangul_from_a_mac_is_stored_composed(make_csv):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "홍길동")
    preview = parse_roll(make_csv([ROWS[0], [nfd, "1980-03-15", "", ""]]))

    assert preview.records[0].name == "홍길동"
    assert len(preview.records[0].name) == 3
