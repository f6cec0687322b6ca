"""Text fitting and dates: long text shrinks, then wraps, and is never silently clipped."""

from __future__ import annotations

from datetime import date

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from assembly_desk.documents.fonts import korean_fonts
from assembly_desk.documents.layout import ELLIPSIS, balanced_wrap, fit_text, format_date, mm


@pytest.fixture
def font() -> str:
    return korean_fonts().bold_name


def test_short_text_keeps_its_largest_size(font: str) -> None:
    fitted = fit_text("홍길동", font, 50 * mm, 10 * mm, max_size=16, min_size=7, max_lines=2)
    assert fitted.lines == ("홍길동",) and fitted.size == 16 and not fitted.truncated


def test_longer_text_shrinks_on_one_line_before_wrapping(font: str) -> None:
    text = "남궁 알렉산드라 민서"
    fitted = fit_text(text, font, 50 * mm, 5 * mm, max_size=16, min_size=7)
    assert fitted.lines == (text,) and 7 <= fitted.size < 16
    assert stringWidth(text, font, fitted.size) <= 50 * mm


def test_very_long_text_wraps_within_the_box(font: str) -> None:
    text = "Maximilian Alexander von Hohenzollern-Sigmaringen"
    width, height = 50 * mm, 10 * mm
    fitted = fit_text(text, font, width, height, max_size=16, min_size=7, max_lines=2)
    assert len(fitted.lines) == 2 and not fitted.truncated
    assert " ".join(fitted.lines) == text
    assert fitted.width() <= width and fitted.height <= height


def test_text_that_cannot_fit_is_marked_truncated(font: str) -> None:
    fitted = fit_text("가" * 400, font, 40 * mm, 8 * mm, max_size=10, min_size=7, max_lines=2)
    assert fitted.truncated and fitted.lines[-1].endswith(ELLIPSIS)
    assert len(fitted.lines) <= 2 and fitted.width() <= 40 * mm


def test_balanced_wrap_evens_out_the_lines(font: str) -> None:
    text = "입구에서 이 카드를 보여 주세요"
    lines = balanced_wrap(text, font, 7, stringWidth(text, font, 7) * 0.8)
    assert lines == ["입구에서 이 카드를", "보여 주세요"]


def test_dates_are_written_as_people_write_them() -> None:
    day = date(2026, 11, 28)
    assert format_date(day, "ko") == "2026년 11월 28일 (토)"
    assert format_date(day, "en") == "Sat, 28 November 2026"
