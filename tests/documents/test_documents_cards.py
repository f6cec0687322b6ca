"""The invitation-card sheet: pages, embedded Korean font, extractable text, scannable QR."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.documents import CardAssembly, CardInfo, render_cards
from assembly_desk.documents.cards import PER_PAGE
from assembly_desk.domain import card_code
from assembly_desk.domain.errors import InvalidInput

from .conftest import decode_qr_codes, pdf_fonts, pdf_pages, pdf_text

MakeCards = Callable[[int], list[CardInfo]]


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (10, 1), (11, 2), (25, 3)])
def test_ten_cards_per_page(
    tmp_path: Path, assembly: CardAssembly, make_cards: MakeCards, count: int, pages: int
) -> None:
    pdf = tmp_path / "cards.pdf"
    report = render_cards(pdf, make_cards(count), assembly)
    assert PER_PAGE == 10
    assert (report.cards, report.pages) == (count, pages)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) == pages


def test_the_korean_font_is_embedded(
    tmp_path: Path, assembly: CardAssembly, make_cards: MakeCards
) -> None:
    pdf = tmp_path / "cards.pdf"
    report = render_cards(pdf, make_cards(3), assembly)
    if not report.font.embedded:
        pytest.skip("no Korean TrueType font on this machine")
    assert b"/FontFile2" in pdf.read_bytes()
    rows = pdf_fonts(pdf)
    assert rows, "no fonts listed"
    assert all(row["emb"] == "yes" for row in rows), rows  # not even a stray Helvetica
    assert all(row["type"].startswith("TrueType") for row in rows)
    assert report.font.path is not None
    assert any(report.font.path.stem.split("-")[0] in row["name"] for row in rows)


def test_card_text_is_extractable(tmp_path: Path, assembly: CardAssembly) -> None:
    code = card_code.new_code()
    pdf = tmp_path / "cards.pdf"
    render_cards(pdf, [CardInfo("홍길동", code, "3통 2반")], assembly, lang="ko")
    text = pdf_text(pdf)
    for expected in (
        "홍길동",
        card_code.display(code),
        "3통 2반",
        "2026년 11월 28일 (토)",
        "성산1동 주민센터 3층 대강당",
        "2026년 성산1동 주민총회",
        "입구에서",
    ):
        assert expected in text, expected


def test_english_cards(tmp_path: Path, assembly: CardAssembly, make_cards: MakeCards) -> None:
    pdf = tmp_path / "cards.pdf"
    render_cards(pdf, make_cards(1), assembly, lang="en")
    text = pdf_text(pdf)
    assert "Sat, 28 November 2026" in text and "Show this card" in text


def test_every_qr_scans_back_to_its_code(
    tmp_path: Path, assembly: CardAssembly, make_cards: MakeCards
) -> None:
    cards = make_cards(12)
    pdf = tmp_path / "cards.pdf"
    render_cards(pdf, cards, assembly)
    first = decode_qr_codes(pdf, tmp_path, page=1)
    second = decode_qr_codes(pdf, tmp_path, page=2)
    assert sorted(first) == sorted(c.code for c in cards[:10])
    assert sorted(second) == sorted(c.code for c in cards[10:])


def test_long_names_and_titles_wrap_instead_of_clipping(tmp_path: Path) -> None:
    long_title = "2026년 행복동 주민총회 및 주민참여예산 사업 선정을 위한 마을 대토론회"
    venue = "행복동 주민센터 3층 대강당 (서울특별시 마포구 행복로 123)"
    assembly = CardAssembly(long_title, date(2026, 11, 28), venue, "서울특별시 마포구 행복동")
    name = "Maximilian Alexander von Hohenzollern-Sigmaringen"
    pdf = tmp_path / "cards.pdf"
    report = render_cards(pdf, [CardInfo(name, card_code.new_code())], assembly, lang="en")
    assert report.warnings == () or not report.font.embedded
    flat = " ".join(pdf_text(pdf).split())
    for word in (*name.split(), *long_title.split(), *venue.split()):
        assert word in flat, word


def test_absurd_text_is_shortened_and_reported(tmp_path: Path, assembly: CardAssembly) -> None:
    card = CardInfo("가나다라" * 40, card_code.new_code())
    report = render_cards(tmp_path / "cards.pdf", [card], assembly, lang="en")
    assert any("shortened" in w and card.code in w for w in report.warnings)


def test_fallback_font_still_produces_cards_and_a_warning(
    no_truetype: None, tmp_path: Path, assembly: CardAssembly, make_cards: MakeCards
) -> None:
    pdf = tmp_path / "cards.pdf"
    report = render_cards(pdf, make_cards(3), assembly, lang="ko")
    assert report.pages == 1 and not report.font.embedded
    assert report.warnings and "글꼴" in report.warnings[0]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" not in data
    assert b"HYSMyeongJo-Medium" in data or b"HYGothic-Medium" in data


def test_writing_to_a_stream(assembly: CardAssembly, make_cards: MakeCards) -> None:
    buffer = io.BytesIO()
    report = render_cards(buffer, make_cards(2), assembly)
    assert report.pages == 1 and buffer.getvalue().startswith(b"%PDF")


def test_a_failed_write_leaves_no_file(tmp_path: Path, assembly: CardAssembly) -> None:
    bad = CardInfo("홍길동", "12345678901" if not card_code.is_valid("12345678901") else "1")
    with pytest.raises(InvalidInput):
        render_cards(tmp_path / "cards.pdf", [bad], assembly)
    assert list(tmp_path.iterdir()) == []


def test_grouped_codes_are_accepted(tmp_path: Path, assembly: CardAssembly) -> None:
    code = card_code.new_code()
    report = render_cards(
        tmp_path / "c.pdf", [CardInfo("홍길동", card_code.display(code))], assembly
    )
    assert report.cards == 1


def test_no_cards_is_an_error(tmp_path: Path, assembly: CardAssembly) -> None:
    with pytest.raises(InvalidInput) as caught:
        render_cards(tmp_path / "cards.pdf", [], assembly)
    assert caught.value.key == "doc.cards.none"


def test_a_card_cannot_carry_personal_identifiers() -> None:
    fields = {f.name for f in dataclasses.fields(CardInfo)}
    assert fields == {"name", "code", "tong_ban"}
