"""Workbooks as Excel (not openpyxl) writes them: shared strings, phonetic guides, prefixes,
Korean built-in date formats, the 1904 date system, cells and rows left out."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.importers import parse_roll
from assembly_desk.importers.xlsx_stream import XlsxBook, is_date_format

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def build(
    path: Path,
    sheet_data: str,
    shared: list[str] | None = None,
    shared_xml: str | None = None,
    cell_formats: tuple[int, ...] = (0,),
    custom_formats: dict[int, str] | None = None,
    date1904: bool = False,
    prefix: str = "",
) -> Path:
    """A minimal workbook with one sheet, written part by part as Excel lays it out."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    numfmts = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{code}"/>'
        for i, code in (custom_formats or {}).items()
    )
    xfs = "".join(f'<xf numFmtId="{i}" fontId="0"/>' for i in cell_formats)
    strings = shared_xml or "".join(f"<si><t>{s}</t></si>" for s in shared or [])
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}">'
            '<Relationship Id="r1" Type="x/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="명부" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}</sst>',
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><numFmts>{numfmts}</numFmts>'
            f'<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>{xfs}</cellXfs></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>'
            f'<{p}dimension ref="A1:C9"/><{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def rows_of(path: Path) -> list[list[str]]:
    with XlsxBook(path) as book:
        return list(book.rows(book.sheets[0]))


def test_shared_strings_and_phonetic_guides(tmp_path):
    shared_xml = (
        "<si><t>성명</t></si><si><t>생년월일</t></si>"
        '<si><r><t>홍</t></r><r><t>길동</t></r><rPh sb="0" eb="1"><t>ホン</t></rPh></si>'
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="str"><v>1980-03-15</v></c></row>'
    )
    path = build(tmp_path / "a.xlsx", sheet, shared_xml=shared_xml)

    preview = parse_roll(path)

    assert [(r.name, r.birth_date) for r in preview.records] == [("홍길동", date(1980, 3, 15))]


def test_korean_builtin_date_format_without_a_format_code(tmp_path):
    # Korean Excel stores 'yyyy"년" m"월" d"일"' as built-in id 27: no code in styles.xml.
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>29295</v></c></row>'
    )
    path = build(
        tmp_path / "a.xlsx", sheet, shared=["성명", "생년월일", "홍길동"], cell_formats=(0, 27)
    )

    assert parse_roll(path).records[0].birth_date == date(1980, 3, 15)


def test_custom_date_format_and_the_1904_date_system(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>27833.0</v></c></row>'
    )
    path = build(
        tmp_path / "a.xlsx",
        sheet,
        shared=["성명", "생년월일", "홍길동"],
        cell_formats=(0, 176),
        custom_formats={176: "yyyy&quot;년&quot; mm&quot;월&quot; dd&quot;일&quot;"},
        date1904=True,
    )

    assert parse_roll(path).records[0].birth_date == date(1980, 3, 15)


def test_prefixed_elements_missing_cells_and_missing_rows(tmp_path):
    sheet = (
        '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>성명</x:t></x:is></x:c>'
        '<x:c r="C2" t="inlineStr"><x:is><x:t>생년월일</x:t></x:is></x:c></x:row>'
        '<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t> 홍길동 </x:t></x:is></x:c>'
        '<x:c r="C5"><x:v>19800315</x:v></x:c></x:row>'
    )
    path = build(tmp_path / "a.xlsx", sheet, prefix="x")

    assert rows_of(path) == [[], ["성명", "", "생년월일"], [], [], ["홍길동", "", "19800315"]]
    preview = parse_roll(path)
    assert [(r.row, r.name, r.birth_date) for r in preview.records] == [
        (5, "홍길동", date(1980, 3, 15))
    ]


def test_numbers_booleans_errors_and_formulas(tmp_path):
    sheet = (
        '<row r="1"><c r="A1"><v>3</v></c><c r="B1"><v>12.0</v></c><c r="C1"><v>2.5</v></c>'
        '<c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#N/A</v></c>'
        '<c r="F1"><f>SUM(A1:B1)</f><v>15</v></c><c r="G1"><v>1.012345678E9</v></c></row>'
    )
    path = build(tmp_path / "a.xlsx", sheet)

    assert rows_of(path) == [["3", "12", "2.5", "TRUE", "#N/A", "15", "1012345678"]]


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ('yyyy"년" m"월" d"일"', True),
        ("[$-412]yyyy-mm-dd", True),
        ("General", False),
        ("#,##0", False),
        ('0"명"', False),
        ('"day"0', False),
        ("@", False),
    ],
)
def test_date_format_codes(code, is_date):
    assert is_date_format(code) is is_date
