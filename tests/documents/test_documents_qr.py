"""QR drawing: numeric mode, a regular symbol, merged rectangles, and it scans back."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import segno
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.qr import QUIET_ZONE, draw_matrix, draw_qr, module_rects, qr_matrix
from assembly_desk.domain import card_code

from .conftest import decode_qr_codes


def _paint(rects: list[tuple[int, int, int, int]], n: int) -> list[list[int]]:
    grid = [[0] * n for _ in range(n)]
    for col, row, width, height in rects:
        for r, c in itertools.product(range(row, row + height), range(col, col + width)):
            assert grid[r][c] == 0, "rectangles overlap"
            grid[r][c] = 1
    return grid


def test_rectangles_cover_exactly_the_dark_modules() -> None:
    for _ in range(50):
        matrix = qr_matrix(card_code.new_code())
        rects = module_rects(matrix)
        assert _paint(rects, len(matrix)) == [list(row) for row in matrix]
        dark = sum(map(sum, matrix))
        assert len(rects) < dark / 2  # merging is what makes a thousand cards fast


def test_card_codes_use_a_regular_numeric_symbol_with_at_least_m() -> None:
    code = card_code.new_code()
    symbol = segno.make_qr(code, error="m", mode="numeric")
    assert qr_matrix(code) == symbol.matrix
    assert symbol.mode == "numeric" and not symbol.is_micro
    assert symbol.error in ("M", "Q", "H") and symbol.version == 1


def test_a_thin_quiet_zone_is_refused() -> None:
    canvas = Canvas("unused.pdf")
    with pytest.raises(ValueError):
        draw_matrix(canvas, qr_matrix("12345"), 0, 0, 100, quiet_zone=QUIET_ZONE - 1)


def test_the_drawn_code_scans_back(tmp_path: Path) -> None:
    code = card_code.new_code()
    pdf = tmp_path / "qr.pdf"
    canvas = Canvas(str(pdf))
    module = draw_qr(canvas, code, 100, 400, 72)  # one inch
    canvas.save()
    assert module == pytest.approx(72 / (21 + 2 * QUIET_ZONE))
    assert decode_qr_codes(pdf, tmp_path, dpi=100) == [code]
    assert b"/Subtype /Image" not in pdf.read_bytes()  # vectors, not a bitmap
