"""Invitation cards (참석 카드): an A4 sheet of ten 85 × 54 mm cards, each with a QR code.

A card is what a resident brings to the door: the assembly, when and where, their name,
and the card code as a QR (for the scanner) and as grouped digits (for a volunteer to
type). It deliberately carries nothing else: :class:`CardInfo` has no field for a
주민등록번호, a birth date or a phone number, so no caller can print one by mistake.

Cards sit edge to edge in a 2 × 5 grid so one cut along each line separates them;
dashed borders and crop marks in the margin guide the cutter.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice, korean_fonts
from assembly_desk.documents.layout import (
    Fitted,
    cut_marks,
    draw_fitted,
    fit_text,
    format_date,
    mm,
)
from assembly_desk.documents.qr import draw_qr
from assembly_desk.domain import card_code
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import language, t

CARD_W = 85 * mm
CARD_H = 54 * mm
COLUMNS = 2
ROWS = 5
PER_PAGE = COLUMNS * ROWS
PAD = 3.5 * mm
QR_SIZE = 26 * mm  # with the 4-module quiet zone: ~0.9 mm modules, easy for a webcam
GREY = 0.35


@dataclass(frozen=True, slots=True)
class CardInfo:
    """One person's card. Only what the door needs; see the module docstring."""

    name: str
    code: str
    tong_ban: str = ""


@dataclass(frozen=True, slots=True)
class CardAssembly:
    """The assembly as printed on every card."""

    title: str
    held_on: date
    venue: str
    district: str


@dataclass(frozen=True, slots=True)
class CardsReport:
    """What was printed, and what the operator should be told (font fallback, cut text)."""

    cards: int
    pages: int
    font: FontChoice
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Shared:
    """Text that is the same on every card, fitted once instead of a thousand times."""

    header: Fitted
    kind: Fitted
    title: Fitted
    date_label: Fitted
    date: Fitted
    venue_label: Fitted
    venue: Fitted
    instruction: Fitted
    value_x: float


# Geometry inside a card, from its lower-left corner.
_QR_X = CARD_W - 2 * mm - QR_SIZE
_QR_Y = 11.3 * mm
_LEFT_W = _QR_X - 0.5 * mm - PAD
_INNER_W = CARD_W - 2 * PAD
_TITLE_TOP = CARD_H - PAD - 3.4 * mm
_RULE_Y = 38.4 * mm
_NAME_TOP = 37.2 * mm
_TONG_BAN_TOP = 26.3 * mm
_DATE_TOP = 22.6 * mm
_VENUE_TOP = 18.8 * mm
_CODE_BASELINE = PAD + 1.4 * mm


def _shared(assembly: CardAssembly, fonts: FontChoice, lang: str) -> _Shared:
    regular, bold = fonts.regular_name, fonts.bold_name
    kind = fit_text(t("doc.card.kind", lang), regular, 25 * mm, 3 * mm, max_size=6.5, min_size=5)
    header_w = _INNER_W - kind.width() - 2 * mm
    header = fit_text(assembly.district, regular, header_w, 3 * mm, max_size=6.5, min_size=5)
    title = fit_text(
        assembly.title,
        bold,
        _INNER_W,
        _TITLE_TOP - _RULE_Y - 0.6 * mm,
        max_size=11,
        min_size=6.5,
        max_lines=2,
    )
    labels = [t("doc.card.date_label", lang), t("doc.card.venue_label", lang)]
    label_w = max(stringWidth(label, bold, 7) for label in labels)
    value_x = PAD + label_w + 1.8 * mm
    value_w = _LEFT_W - (value_x - PAD)
    date_label = fit_text(labels[0], bold, label_w, 4 * mm, max_size=7, min_size=7)
    venue_label = fit_text(labels[1], bold, label_w, 4 * mm, max_size=7, min_size=7)
    when = fit_text(
        format_date(assembly.held_on, lang), regular, value_w, 3.4 * mm, max_size=8.5, min_size=6
    )
    venue = fit_text(
        assembly.venue, regular, value_w, 7 * mm, max_size=8.5, min_size=5.5, max_lines=2
    )
    instruction = fit_text(
        t("doc.card.instruction", lang),
        bold,
        QR_SIZE + 1 * mm,
        _QR_Y - PAD + 0.3 * mm,
        max_size=7,
        min_size=5,
        max_lines=2,
    )
    return _Shared(header, kind, title, date_label, when, venue_label, venue, instruction, value_x)


def _draw_code(canvas: Canvas, text: str, font: str, x: float, width: float) -> None:
    """The code in large tabular digits, spaced a little so it reads like a number plate."""
    size = 17.0
    spacing = 0.06
    while size > 9:
        natural = stringWidth(text, font, size) + spacing * size * (len(text) - 1)
        if natural <= width:
            break
        size -= 0.5
    canvas.saveState()  # character spacing is graphics state: keep it off later text
    obj = canvas.beginText(x, _CODE_BASELINE)
    obj.setFont(font, size)
    obj.setCharSpace(spacing * size)
    obj.textOut(text)
    canvas.drawText(obj)
    canvas.restoreState()


def _draw_card(
    canvas: Canvas, card: CardInfo, shared: _Shared, fonts: FontChoice, lang: str
) -> bool:
    """Draw one card with its lower-left corner at the current origin; True if text was cut."""
    canvas.setFillGray(GREY)
    draw_fitted(canvas, shared.header, PAD, CARD_H - PAD)
    draw_fitted(canvas, shared.kind, PAD, CARD_H - PAD, align="right", box_width=_INNER_W)
    canvas.setFillGray(0)
    draw_fitted(canvas, shared.title, PAD, _TITLE_TOP)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.4)
    canvas.line(PAD, _RULE_Y, CARD_W - PAD, _RULE_Y)

    name = fit_text(
        t("doc.card.name", lang, name=card.name),
        fonts.bold_name,
        _LEFT_W,
        _NAME_TOP - _TONG_BAN_TOP - 0.4 * mm,
        max_size=16,
        min_size=7,
        max_lines=2,
    )
    draw_fitted(canvas, name, PAD, _NAME_TOP)
    truncated = name.truncated
    if card.tong_ban:
        tong_ban = fit_text(
            card.tong_ban, fonts.regular_name, _LEFT_W, 3 * mm, max_size=7, min_size=5
        )
        truncated |= tong_ban.truncated
        canvas.setFillGray(GREY)
        draw_fitted(canvas, tong_ban, PAD, _TONG_BAN_TOP)

    canvas.setFillGray(GREY)
    draw_fitted(canvas, shared.date_label, PAD, _DATE_TOP - 0.3 * mm)
    draw_fitted(canvas, shared.venue_label, PAD, _VENUE_TOP - 0.3 * mm)
    canvas.setFillGray(0)
    draw_fitted(canvas, shared.date, shared.value_x, _DATE_TOP)
    draw_fitted(canvas, shared.venue, shared.value_x, _VENUE_TOP)

    _draw_code(canvas, card_code.display(card.code), fonts.bold_name, PAD, _LEFT_W)
    draw_qr(canvas, card.code, _QR_X, _QR_Y, QR_SIZE)
    canvas.setFillGray(0.15)
    draw_fitted(
        canvas,
        shared.instruction,
        _QR_X - 0.5 * mm,
        _QR_Y + 0.3 * mm,
        align="center",
        box_width=QR_SIZE + 1 * mm,
    )
    return truncated


def _grid_origin() -> tuple[float, float]:
    page_w, page_h = A4
    return (page_w - COLUMNS * CARD_W) / 2, (page_h - ROWS * CARD_H) / 2


def _cell(index: int) -> tuple[float, float]:
    """Lower-left corner of the card at ``index`` on its page (rows from the top)."""
    x0, y0 = _grid_origin()
    row, col = divmod(index, COLUMNS)
    return x0 + col * CARD_W, y0 + (ROWS - 1 - row) * CARD_H


def _borders(canvas: Canvas, used: int) -> None:
    """Dashed outlines of the used cells, each shared edge drawn once so dashes line up."""
    segments: set[tuple[float, float, float, float]] = set()
    for index in range(used):
        x, y = _cell(index)
        segments.update(
            {
                (x, y, x + CARD_W, y),
                (x, y + CARD_H, x + CARD_W, y + CARD_H),
                (x, y, x, y + CARD_H),
                (x + CARD_W, y, x + CARD_W, y + CARD_H),
            }
        )
    canvas.saveState()
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    for x1, y1, x2, y2 in sorted(segments):
        canvas.line(x1, y1, x2, y2)
    canvas.restoreState()
    x0, y0 = _grid_origin()
    cut_marks(
        canvas,
        [x0 + c * CARD_W for c in range(COLUMNS + 1)],
        [y0 + r * CARD_H for r in range(ROWS + 1)],
    )


def _checked(cards: Sequence[CardInfo]) -> list[CardInfo]:
    """Cards with normalised codes; a wrong code on paper would turn a resident away."""
    if not cards:
        raise InvalidInput("doc.cards.none")
    checked: list[CardInfo] = []
    for card in cards:
        code = card_code.normalise(card.code)
        if not card_code.is_valid(code):
            raise InvalidInput("doc.cards.bad_code", name=card.name, code=card.code)
        checked.append(CardInfo(card.name, code, card.tong_ban))
    return checked


def _write(
    target: str | BinaryIO,
    cards: list[CardInfo],
    assembly: CardAssembly,
    fonts: FontChoice,
    lang: str,
) -> tuple[int, list[str]]:
    # The initial font is named in every page; Helvetica there would be an unembedded font.
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=fonts.regular_name)
    canvas.setTitle(t("doc.cards.pdf_title", lang, title=assembly.title))
    canvas.setAuthor(assembly.district)
    canvas.setCreator(t("app.title", lang))
    shared = _shared(assembly, fonts, lang)
    cut: list[str] = []
    pages = 0
    for start in range(0, len(cards), PER_PAGE):
        page = cards[start : start + PER_PAGE]
        _borders(canvas, len(page))
        for index, card in enumerate(page):
            x, y = _cell(index)
            canvas.saveState()
            canvas.translate(x, y)
            if _draw_card(canvas, card, shared, fonts, lang):
                cut.append(t("doc.cards.truncated", lang, name=card.name, code=card.code))
            canvas.restoreState()
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages, cut


def render_cards(
    out: Path | BinaryIO,
    cards: Sequence[CardInfo],
    assembly: CardAssembly,
    lang: str | None = None,
) -> CardsReport:
    """Write the cards PDF to ``out`` (a path or a binary stream) and report on it.

    A path is written through a temporary file and renamed, so a crash or a full disk
    never leaves a half-written PDF that looks like a finished one.
    Raises :class:`InvalidInput` for an empty list or a code that fails its check digit.
    """
    lang = lang or language()
    checked = _checked(cards)
    fonts = korean_fonts(lang)
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".cards-", suffix=".pdf", dir=out.parent)
        os.close(fd)
        try:
            pages, cut = _write(tmp_name, checked, assembly, fonts, lang)
            os.replace(tmp_name, out)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    else:
        pages, cut = _write(out, checked, assembly, fonts, lang)
    warnings = tuple(w for w in (fonts.warning, *cut) if w)
    return CardsReport(len(checked), pages, fonts, warnings)
