"""Paper ballots (투표용지): one contest per PDF, as many identical copies as asked.

Ballot secrecy decides the design (DESIGN.md, "Ballot secrecy"): a paper carries no
serial number, no QR code, no barcode, no copy number and no print time, so no paper can
be told from another or tied to the person it was handed to. :class:`BallotHeader` has no
field a per-copy mark could come from, and every copy is the *same* PDF form XObject
drawn again, so copies are identical by construction (and 2,000 copies cost one drawing).
The canvas is ``invariant`` so the file itself records no creation time either.

Layout, A4 portrait: a short contest prints two ballots per sheet, one per A5 half with a
dashed cut line between them; a longer one prints one ballot per sheet, and a contest that
needs more than a sheet flows over several, each repeating the header, the instruction and
the table heading, with "continued" and "page i/n" at the foot. The header carries "투표용지",
the assembly, district and date, the contest number and title, and an empty "(관인)" box at
the top right for the official seal. Per ballot type:

* 찬반 (yes_no): 찬성 / 반대 (/ 기권) side by side, each over a large marking box;
* 1인 N표 (choose_n): numbered options, a marking box each, "mark up to N";
* 우선순위 (ranked): options with a box to write 1, 2, 3…; no option numbers, which a voter
  could mistake for ranks;
* 평가표 (score): candidates × criteria, each heading with its maximum, a box per cell
  (criteria that do not fit across the page continue in a second table below);
* 예산 (budget): numbered projects with their cost in won, a marking box, and the cap.

Marking boxes are at least 13 mm (``MARK``): room for a stamp or a shaky circle. Text is
never clipped: option names, criteria and titles wrap and rows grow to fit them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice, korean_fonts
from assembly_desk.documents.layout import Fitted, draw_fitted, format_date, mm, wrap
from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import language, t

PAGE_W, PAGE_H = A4
MARGIN = 7 * mm  # sheet edge (or cut line) to the ballot frame: outside any printer's dead zone
PAD = 5 * mm  # frame to content
CONTENT_W = PAGE_W - 2 * (MARGIN + PAD)
MARK = 13 * mm  # side of a marking box; the brief's floor is 12 mm
SEAL = 20 * mm  # the "(관인)" box
FOOTER_H = 7 * mm
BODY_GAP = 4 * mm  # header to the first table
MAX_COPIES = 20_000  # a typo guard: the largest assembly planned for is 2,000 people

_NUM_W = 14 * mm
_MARK_COL_W = 24 * mm
_COST_W = 40 * mm
_SCORE_COL_MIN = MARK + 5 * mm
_SCORE_COL_MAX = 34 * mm
_SCORE_NAME_MIN = 45 * mm
_CELL_PAD = 3 * mm
_HEAD_FILL = 0.88
_NOTE_GREY = 0.3
_CAP_RATIO = 0.74  # visual height of Hangul and capitals, as a share of the font size

__all__ = [
    "MARK",
    "MAX_COPIES",
    "BallotHeader",
    "BallotPaperReport",
    "render_ballot_papers",
]


@dataclass(frozen=True, slots=True)
class BallotHeader:
    """What every copy of the paper says about where it belongs, and nothing per copy."""

    assembly_title: str
    held_on: date
    district: str
    contest_number: int


@dataclass(frozen=True, slots=True)
class BallotPaperReport:
    """What was printed, so the desk can match sheets to the ballots it will issue.

    ``per_sheet`` is 2 for the two-up A5 layout, else 1; ``sheets_per_ballot`` is more than
    1 only when a long contest flows over several sheets (hand those out together).
    """

    copies: int
    pages: int
    per_sheet: int
    sheets_per_ballot: int
    font: FontChoice
    warnings: tuple[str, ...]


# --- text helpers ---------------------------------------------------------------------


def _lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of similar length that break inside a word only when it alone is too wide.

    :func:`layout.balanced_wrap` can settle on a width a hair below the widest word and
    then split it ("(Officia / l seal)"); here the search never goes below that word.
    """
    lines = wrap(text, font, size, width)
    if len(lines) < 2:
        return lines
    widest = max(stringWidth(word, font, size) for word in text.split())
    low, high = min(widest, width), width
    if len(wrap(text, font, size, low)) <= len(lines):
        return wrap(text, font, size, low)
    for _ in range(12):
        mid = (low + high) / 2
        if len(wrap(text, font, size, mid)) <= len(lines):
            high = mid
        else:
            low = mid
    return wrap(text, font, size, high)


def _flow(
    text: str, font: str, width: float, *, max_size: float, min_size: float, max_lines: int
) -> Fitted:
    """The largest size at which ``text`` fits ``max_lines``; below ``min_size``, more lines.

    Unlike :func:`fit_text` this never ends in an ellipsis: on a ballot a shortened option
    name could be mistaken for another option, so the row (or header) grows instead.
    """
    text = " ".join(text.split())
    size = max_size
    while size >= min_size - 1e-9:
        lines = _lines(text, font, size, width)
        if len(lines) <= max_lines:
            return Fitted(tuple(lines), font, size)
        size -= 0.5
    return Fitted(tuple(_lines(text, font, min_size, width)), font, min_size)


def _visual_height(fitted: Fitted) -> float:
    return fitted.leading * (len(fitted.lines) - 1) + fitted.size * _CAP_RATIO


def _draw_centred(
    canvas: Canvas,
    fitted: Fitted,
    x: float,
    width: float,
    mid_y: float,
    *,
    align: str = "center",
) -> None:
    """Draw lines centred vertically on ``mid_y`` (by their visible height, not the em box)."""
    baseline = mid_y + _visual_height(fitted) / 2 - fitted.size * _CAP_RATIO
    canvas.setFont(fitted.font, fitted.size)
    for line in fitted.lines:
        if align == "center":
            canvas.drawCentredString(x + width / 2, baseline, line)
        elif align == "right":
            canvas.drawRightString(x + width - _CELL_PAD, baseline, line)
        else:
            canvas.drawString(x + _CELL_PAD, baseline, line)
        baseline -= fitted.leading


def _won(amount: int, lang: str) -> str:
    return t("doc.ballot.won", lang, amount=f"{amount:,}")


# --- blocks and pagination ------------------------------------------------------------

DrawFn = Callable[[Canvas, float, float], None]
"""Draws a block given its left edge and top edge (content coordinates)."""


@dataclass(frozen=True, slots=True)
class _Block:
    height: float
    draw: DrawFn


@dataclass(frozen=True, slots=True)
class _Section:
    """Rows that may split across pages; ``head`` is repeated on every page they reach."""

    rows: tuple[_Block, ...]
    head: _Block | None = None
    space_before: float = 4 * mm


def _paginate(sections: Sequence[_Section], body_h: float) -> list[list[tuple[float, _Block]]]:
    """Place blocks top-down into pages of ``body_h``; each entry is (offset from top, block).

    A table heading is never left alone at the foot of a page: it moves with its first row.
    A row taller than a whole page (impossible with the contest limits) gets its own page.
    """
    pages: list[list[tuple[float, _Block]]] = [[]]
    used = 0.0
    for section in sections:
        for index, row in enumerate(section.rows):
            first = index == 0
            gap = section.space_before if first and used > 0 else 0.0
            with_head = section.head is not None and (first or used == 0.0)
            head_h = section.head.height if section.head is not None and with_head else 0.0
            if used > 0 and used + gap + head_h + row.height > body_h:
                pages.append([])
                used, gap = 0.0, 0.0
                head_h = section.head.height if section.head is not None else 0.0
            used += gap
            if head_h and section.head is not None:
                pages[-1].append((used, section.head))
                used += head_h
            pages[-1].append((used, row))
            used += row.height
    return pages


# --- table drawing --------------------------------------------------------------------


def _grid(canvas: Canvas, left: float, top: float, widths: Sequence[float], height: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.8)
    canvas.setStrokeGray(0)
    x = left
    for width in widths:
        canvas.rect(x, top - height, width, height, stroke=1, fill=0)
        x += width
    canvas.restoreState()


def _fill(canvas: Canvas, left: float, top: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillGray(_HEAD_FILL)
    canvas.rect(left, top - height, width, height, stroke=0, fill=1)
    canvas.restoreState()


def _box(canvas: Canvas, cx: float, cy: float, width: float, height: float) -> None:
    """An empty marking box centred on (cx, cy): heavy enough to find, light enough to mark."""
    canvas.saveState()
    canvas.setLineWidth(1.2)
    canvas.setStrokeGray(0.15)
    canvas.roundRect(cx - width / 2, cy - height / 2, width, height, 1.2 * mm, stroke=1, fill=0)
    canvas.restoreState()


def _head_block(labels: Sequence[Fitted], widths: Sequence[float], height: float) -> _Block:
    def draw(canvas: Canvas, left: float, top: float) -> None:
        _fill(canvas, left, top, sum(widths), height)
        canvas.setFillGray(0)
        x = left
        for label, width in zip(labels, widths, strict=True):
            _draw_centred(canvas, label, x, width, top - height / 2)
            x += width
        _grid(canvas, left, top, widths, height)

    return _Block(height, draw)


def _simple_head(texts: Sequence[str], widths: Sequence[float], fonts: FontChoice) -> _Block:
    labels = [
        _flow(text, fonts.bold_name, w - 2 * mm, max_size=10, min_size=7, max_lines=2)
        for text, w in zip(texts, widths, strict=True)
    ]
    height = max(8 * mm, max(_visual_height(f) for f in labels) + 4 * mm)
    return _head_block(labels, widths, height)


def _option_row(
    widths: Sequence[float],
    number: Fitted | None,
    name: Fitted,
    cost: Fitted | None,
    box_w: float,
) -> _Block:
    """One option: [number] name [cost] box — the column set depends on the ballot type."""
    height = max(MARK + 3 * mm, _visual_height(name) + 2 * 4 * mm)

    def draw(canvas: Canvas, left: float, top: float) -> None:
        mid = top - height / 2
        x = left
        col = iter(widths)
        canvas.setFillGray(0)
        if number is not None:
            w = next(col)
            _draw_centred(canvas, number, x, w, mid)
            x += w
        w = next(col)
        _draw_centred(canvas, name, x, w, mid, align="left")
        x += w
        if cost is not None:
            w = next(col)
            _draw_centred(canvas, cost, x, w, mid, align="right")
            x += w
        w = next(col)
        _box(canvas, x + w / 2, mid, box_w, MARK)
        _grid(canvas, left, top, widths, height)

    return _Block(height, draw)


# --- the body of each ballot type -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Body:
    instruction: str
    note: str
    sections: tuple[_Section, ...]


def _yes_no_body(fonts: FontChoice, lang: str, abstain: bool) -> _Body:
    keys = ["yes", "no", "abstain"] if abstain else ["yes", "no"]
    width = CONTENT_W / len(keys)
    widths = [width] * len(keys)
    labels = [
        _flow(
            t(f"doc.ballot.{k}", lang),
            fonts.bold_name,
            width - 4 * mm,
            max_size=20,
            min_size=12,
            max_lines=2,
        )
        for k in keys
    ]
    head_h = max(13 * mm, max(_visual_height(f) for f in labels) + 6 * mm)
    head = _head_block(labels, widths, head_h)
    box = 26 * mm
    row_h = box + 10 * mm

    def draw(canvas: Canvas, left: float, top: float) -> None:
        for i in range(len(keys)):
            _box(canvas, left + (i + 0.5) * width, top - row_h / 2, box, box)
        _grid(canvas, left, top, widths, row_h)

    instruction = (
        "doc.ballot.instruction.yes_no_abstain" if abstain else "doc.ballot.instruction.yes_no"
    )
    return _Body(
        t(instruction, lang),
        t("doc.ballot.note.one_mark", lang),
        (_Section((_Block(row_h, draw),), head),),
    )


def _option_section(
    contest: ContestDefinition, fonts: FontChoice, lang: str, *, numbered: bool, mark_key: str
) -> _Section:
    """The choose_n / ranked / budget table: one row per option, in the contest's order."""
    budget = contest.ballot_type is BallotType.BUDGET
    widths: list[float] = []
    heads: list[str] = []
    if numbered:
        widths.append(_NUM_W)
        heads.append(t("doc.ballot.col.number", lang))
    name_w = CONTENT_W - _MARK_COL_W - (_NUM_W if numbered else 0) - (_COST_W if budget else 0)
    widths.append(name_w)
    heads.append(t("doc.ballot.col.project" if budget else "doc.ballot.col.option", lang))
    if budget:
        widths.append(_COST_W)
        heads.append(t("doc.ballot.col.cost", lang))
    widths.append(_MARK_COL_W)
    heads.append(t(mark_key, lang))

    rows: list[_Block] = []
    for index, option in enumerate(contest.options, start=1):
        number = (
            _flow(
                str(index), fonts.bold_name, _NUM_W - 2 * mm, max_size=14, min_size=9, max_lines=1
            )
            if numbered
            else None
        )
        name = _flow(
            option.name,
            fonts.bold_name,
            name_w - 2 * _CELL_PAD,
            max_size=13,
            min_size=12,
            max_lines=3,
        )
        cost = (
            _flow(
                _won(option.cost, lang),
                fonts.regular_name,
                _COST_W - 2 * _CELL_PAD,
                max_size=11.5,
                min_size=8,
                max_lines=1,
            )
            if budget
            else None
        )
        rows.append(_option_row(widths, number, name, cost, MARK))
    if budget:
        rows.append(_cap_row(contest.budget_cap, widths, fonts, lang))
    return _Section(tuple(rows), _simple_head(heads, widths, fonts))


def _cap_row(cap: int, widths: Sequence[float], fonts: FontChoice, lang: str) -> _Block:
    """The last budget row: the cap, right under the cost column it limits."""
    label_w = sum(widths[:-2])
    label = _flow(
        t("doc.ballot.cap", lang),
        fonts.bold_name,
        label_w - 2 * _CELL_PAD,
        max_size=11,
        min_size=8,
        max_lines=2,
    )
    amount = _flow(
        _won(cap, lang),
        fonts.bold_name,
        widths[-2] - 2 * _CELL_PAD,
        max_size=11.5,
        min_size=7,
        max_lines=2,
    )
    height = max(9 * mm, _visual_height(amount) + 5 * mm, _visual_height(label) + 5 * mm)
    cells = [label_w, widths[-2], widths[-1]]

    def draw(canvas: Canvas, left: float, top: float) -> None:
        _fill(canvas, left, top, sum(cells), height)
        canvas.setFillGray(0)
        mid = top - height / 2
        _draw_centred(canvas, label, left, label_w, mid, align="right")
        _draw_centred(canvas, amount, left + label_w, widths[-2], mid, align="right")
        _grid(canvas, left, top, cells, height)

    return _Block(height, draw)


def _choose_n_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> _Body:
    n = contest.max_choices
    if n == 1:
        instruction = t("doc.ballot.instruction.choose_one", lang)
        note = t("doc.ballot.note.one_mark", lang)
    else:
        instruction = t("doc.ballot.instruction.choose_n", lang, n=n)
        note = t("doc.ballot.note.choose_n", lang, n=n)
    section = _option_section(contest, fonts, lang, numbered=True, mark_key="doc.ballot.col.mark")
    return _Body(instruction, note, (section,))


def _ranked_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> _Body:
    n = contest.max_choices
    if n == 1:
        instruction = t("doc.ballot.instruction.ranked_one", lang)
    elif 0 < n < len(contest.options):
        instruction = t("doc.ballot.instruction.ranked_limit", lang, n=n)
    else:
        instruction = t("doc.ballot.instruction.ranked", lang)
    section = _option_section(contest, fonts, lang, numbered=False, mark_key="doc.ballot.col.rank")
    return _Body(instruction, t("doc.ballot.note.ranked", lang), (section,))


def _budget_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> _Body:
    section = _option_section(contest, fonts, lang, numbered=True, mark_key="doc.ballot.col.mark")
    return _Body(
        t("doc.ballot.instruction.budget", lang, cap=_won(contest.budget_cap, lang)),
        t("doc.ballot.note.budget", lang),
        (section,),
    )


def _score_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> _Body:
    """Candidates down, criteria across; criteria that do not fit go to a further table."""
    columns = [(c.name, c.max_score) for c in contest.criteria] or [
        (t("doc.ballot.col.score", lang), contest.max_score)
    ]
    per_table = max(1, int((CONTENT_W - _SCORE_NAME_MIN) // _SCORE_COL_MIN))
    groups = [columns[i : i + per_table] for i in range(0, len(columns), per_table)]
    sections: list[_Section] = []
    for group in groups:
        col_w = min(_SCORE_COL_MAX, (CONTENT_W - _SCORE_NAME_MIN) / len(group))
        name_w = CONTENT_W - col_w * len(group)
        widths = [name_w] + [col_w] * len(group)
        box_w = min(col_w - 5 * mm, 22 * mm)
        labels = [
            _flow(
                t("doc.ballot.col.candidate", lang),
                fonts.bold_name,
                name_w - 2 * mm,
                max_size=10,
                min_size=8,
                max_lines=2,
            )
        ]
        for name, maximum in group:
            labels.append(
                _flow(
                    f"{name} ({t('doc.ballot.max_score', lang, max=maximum)})",
                    fonts.bold_name,
                    col_w - 2 * mm,
                    max_size=9.5,
                    min_size=7.5,
                    max_lines=3,
                )
            )
        head_h = max(10 * mm, max(_visual_height(f) for f in labels) + 5 * mm)
        head = _head_block(labels, widths, head_h)
        rows = []
        for option in contest.options:
            name = _flow(
                option.name,
                fonts.bold_name,
                name_w - 2 * _CELL_PAD,
                max_size=12.5,
                min_size=11,
                max_lines=3,
            )
            rows.append(_score_row(widths, name, box_w))
        sections.append(_Section(tuple(rows), head, space_before=6 * mm))
    return _Body(
        t("doc.ballot.instruction.score", lang), t("doc.ballot.note.score", lang), tuple(sections)
    )


def _score_row(widths: Sequence[float], name: Fitted, box_w: float) -> _Block:
    height = max(MARK + 3 * mm, _visual_height(name) + 8 * mm)

    def draw(canvas: Canvas, left: float, top: float) -> None:
        mid = top - height / 2
        canvas.setFillGray(0)
        _draw_centred(canvas, name, left, widths[0], mid, align="left")
        x = left + widths[0]
        for w in widths[1:]:
            _box(canvas, x + w / 2, mid, box_w, MARK)
            x += w
        _grid(canvas, left, top, widths, height)

    return _Block(height, draw)


def _body(contest: ContestDefinition, fonts: FontChoice, lang: str, abstain: bool) -> _Body:
    match contest.ballot_type:
        case BallotType.YES_NO:
            return _yes_no_body(fonts, lang, abstain)
        case BallotType.CHOOSE_N:
            return _choose_n_body(contest, fonts, lang)
        case BallotType.RANKED:
            return _ranked_body(contest, fonts, lang)
        case BallotType.SCORE:
            return _score_body(contest, fonts, lang)
        case BallotType.BUDGET:
            return _budget_body(contest, fonts, lang)
    raise AssertionError(contest.ballot_type)


# --- the header -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    height: float
    draw: DrawFn


def _header(
    contest: ContestDefinition, header: BallotHeader, body: _Body, fonts: FontChoice, lang: str
) -> _Header:
    """Title band with the seal box, contest line and instruction box — on every page."""
    regular, bold = fonts.regular_name, fonts.bold_name
    band_w = CONTENT_W - 2 * (SEAL + 4 * mm)
    title = _flow(t("doc.ballot.title", lang), bold, band_w, max_size=24, min_size=14, max_lines=1)
    assembly = _flow(header.assembly_title, regular, band_w, max_size=12, min_size=8, max_lines=2)
    place = _flow(
        t(
            "doc.ballot.place_date",
            lang,
            district=header.district,
            date=format_date(header.held_on, lang),
        ),
        regular,
        band_w,
        max_size=9,
        min_size=7,
        max_lines=2,
    )
    seal = _flow(
        t("doc.ballot.seal", lang), regular, SEAL - 2 * mm, max_size=9, min_size=6, max_lines=2
    )
    stack = title.height + 2.5 * mm + assembly.height + 1.8 * mm + place.height
    band_h = max(SEAL, stack)
    contest_line = _flow(
        t("doc.ballot.contest", lang, number=header.contest_number, title=contest.title),
        bold,
        CONTENT_W,
        max_size=15,
        min_size=11,
        max_lines=2,
    )
    inner_w = CONTENT_W - 2 * 4 * mm
    instruction = _flow(body.instruction, bold, inner_w, max_size=12.5, min_size=10, max_lines=2)
    note = _flow(body.note, regular, inner_w, max_size=9.5, min_size=8, max_lines=3)
    box_h = 3 * mm + instruction.height + 1.8 * mm + note.height + 2.2 * mm
    contest_top = band_h + 4 * mm
    box_top = contest_top + contest_line.height + 3 * mm
    height = box_top + box_h

    def draw(canvas: Canvas, left: float, top: float) -> None:
        canvas.setFillGray(0)
        band_left = left + SEAL + 4 * mm
        y = top - (band_h - stack) / 2
        draw_fitted(canvas, title, band_left, y, align="center", box_width=band_w)
        y -= title.height + 2.5 * mm
        draw_fitted(canvas, assembly, band_left, y, align="center", box_width=band_w)
        y -= assembly.height + 1.8 * mm
        canvas.setFillGray(_NOTE_GREY)
        draw_fitted(canvas, place, band_left, y, align="center", box_width=band_w)
        # The seal box: empty but for its label, top right, where a 관인 is stamped.
        seal_x = left + CONTENT_W - SEAL
        canvas.saveState()
        canvas.setStrokeGray(0.45)
        canvas.setLineWidth(0.6)
        canvas.rect(seal_x, top - SEAL, SEAL, SEAL, stroke=1, fill=0)
        canvas.restoreState()
        canvas.setFillGray(0.55)
        _draw_centred(canvas, seal, seal_x, SEAL, top - SEAL / 2)
        canvas.setFillGray(0)
        draw_fitted(canvas, contest_line, left, top - contest_top)
        canvas.saveState()
        canvas.setFillGray(0.93)
        canvas.setStrokeGray(0.6)
        canvas.setLineWidth(0.5)
        canvas.roundRect(left, top - box_top - box_h, CONTENT_W, box_h, 1.5 * mm, stroke=1, fill=1)
        canvas.restoreState()
        canvas.setFillGray(0)
        y = top - box_top - 3 * mm
        draw_fitted(canvas, instruction, left + 4 * mm, y)
        canvas.setFillGray(_NOTE_GREY)
        draw_fitted(canvas, note, left + 4 * mm, y - instruction.height - 1.8 * mm)
        canvas.setFillGray(0)

    return _Header(height, draw)


# --- pages ----------------------------------------------------------------------------


def _footer(fonts: FontChoice, lang: str, page: int, pages: int) -> DrawFn:
    size = 9.0

    def draw(canvas: Canvas, left: float, bottom: float) -> None:
        canvas.setFillGray(_NOTE_GREY)
        canvas.setFont(fonts.regular_name, size)
        if page < pages:
            canvas.drawString(left, bottom + 1 * mm, t("doc.ballot.continued", lang))
        canvas.drawRightString(
            left + CONTENT_W, bottom + 1 * mm, t("doc.ballot.page", lang, page=page, pages=pages)
        )
        canvas.setFillGray(0)

    return draw


def _form_name(page: int) -> str:
    return f"ballotpage{page}"


def _define_forms(
    canvas: Canvas,
    head: _Header,
    pages: list[list[tuple[float, _Block]]],
    area_h: float,
    fonts: FontChoice,
    lang: str,
) -> None:
    """Draw each page of one ballot once, as a form; every copy then reuses it unchanged."""
    left = MARGIN + PAD
    top = area_h - MARGIN - PAD
    for number, blocks in enumerate(pages, start=1):
        canvas.beginForm(_form_name(number), 0, 0, PAGE_W, area_h)
        canvas.saveState()
        canvas.setLineWidth(1.0)
        canvas.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, area_h - 2 * MARGIN, stroke=1, fill=0)
        canvas.restoreState()
        head.draw(canvas, left, top)
        body_top = top - head.height - BODY_GAP
        for offset, block in blocks:
            block.draw(canvas, left, body_top - offset)
        if len(pages) > 1:
            _footer(fonts, lang, number, len(pages))(canvas, left, MARGIN + PAD)
        canvas.endForm()


def _cut_line(canvas: Canvas, fonts: FontChoice, lang: str) -> None:
    """A dashed line across the middle of a two-up sheet, labelled so no one cuts elsewhere."""
    mid = PAGE_H / 2
    label = t("doc.ballot.cut", lang)
    size = 7.0
    label_w = canvas.stringWidth(label, fonts.regular_name, size) + 4 * mm
    canvas.saveState()
    canvas.setStrokeGray(0.45)
    canvas.setLineWidth(0.5)
    canvas.setDash(3, 2)
    gap_left = PAGE_W / 2 - label_w / 2
    canvas.line(4 * mm, mid, gap_left, mid)
    canvas.line(gap_left + label_w, mid, PAGE_W - 4 * mm, mid)
    canvas.setFillGray(0.45)
    canvas.setFont(fonts.regular_name, size)
    canvas.drawCentredString(PAGE_W / 2, mid - size * 0.3, label)
    canvas.restoreState()


@dataclass(frozen=True, slots=True)
class _Plan:
    header: _Header
    pages: list[list[tuple[float, _Block]]]
    two_up: bool


def _plan(
    contest: ContestDefinition, header: BallotHeader, fonts: FontChoice, lang: str, abstain: bool
) -> _Plan:
    """Two-up when the whole ballot fits an A5 half, else one ballot per A4 page (or more)."""
    body = _body(contest, fonts, lang, abstain)
    head = _header(contest, header, body, fonts, lang)
    half_body = PAGE_H / 2 - 2 * (MARGIN + PAD) - head.height - BODY_GAP
    pages = _paginate(body.sections, half_body)
    if len(pages) == 1:
        return _Plan(head, pages, True)
    full_body = PAGE_H - 2 * (MARGIN + PAD) - head.height - BODY_GAP - FOOTER_H
    return _Plan(head, _paginate(body.sections, full_body), False)


def _write(
    target: str | BinaryIO,
    plan: _Plan,
    contest: ContestDefinition,
    header: BallotHeader,
    copies: int,
    fonts: FontChoice,
    lang: str,
) -> int:
    # invariant: no creation date or random file id, so the PDF cannot date a print run.
    canvas = Canvas(
        target,
        pagesize=A4,
        pageCompression=1,
        invariant=True,
        initialFontName=fonts.regular_name,
    )
    canvas.setTitle(t("doc.ballot.pdf_title", lang, title=contest.title))
    canvas.setAuthor(header.district)
    canvas.setCreator(t("app.title", lang))
    area_h = PAGE_H / 2 if plan.two_up else PAGE_H
    _define_forms(canvas, plan.header, plan.pages, area_h, fonts, lang)
    sheets = 0
    if plan.two_up:
        for start in range(0, copies, 2):
            canvas.saveState()
            canvas.translate(0, PAGE_H / 2)
            canvas.doForm(_form_name(1))
            canvas.restoreState()
            if start + 1 < copies:
                canvas.doForm(_form_name(1))
                _cut_line(canvas, fonts, lang)
            canvas.showPage()
            sheets += 1
    else:
        for _copy in range(copies):
            for number in range(1, len(plan.pages) + 1):
                canvas.doForm(_form_name(number))
                canvas.showPage()
                sheets += 1
    canvas.save()
    return sheets


def render_ballot_papers(
    out: Path | BinaryIO,
    contest: ContestDefinition,
    header: BallotHeader,
    copies: int = 1,
    lang: str | None = None,
    *,
    abstain: bool = True,
) -> BallotPaperReport:
    """Write ``copies`` identical paper ballots for ``contest`` to ``out`` and report on it.

    ``abstain`` adds a 기권 box to a yes/no paper (the count treats an explicit abstention
    as a valid ballot, as at a voting station); pass False where the bylaws have none.
    A path is written through a temporary file and renamed, so a crash never leaves a
    half-written PDF that looks finished. Raises :class:`InvalidInput` for a contest that
    cannot be voted on (the same check as opening its poll) or a bad number of copies.
    """
    lang = lang or language()
    contest = contest.normalised()
    contest.validate()
    if not 1 <= copies <= MAX_COPIES:
        raise InvalidInput("doc.ballot.bad_copies", max=MAX_COPIES)
    fonts = korean_fonts(lang)
    plan = _plan(contest, header, fonts, lang, abstain)
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".ballots-", suffix=".pdf", dir=out.parent)
        os.close(fd)
        try:
            sheets = _write(tmp_name, plan, contest, header, copies, fonts, lang)
            os.replace(tmp_name, out)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    else:
        sheets = _write(out, plan, contest, header, copies, fonts, lang)
    warnings = (fonts.warning,) if fonts.warning else ()
    return BallotPaperReport(
        copies=copies,
        pages=sheets,
        per_sheet=2 if plan.two_up else 1,
        sheets_per_ballot=1 if plan.two_up else len(plan.pages),
        font=fonts,
        warnings=warnings,
    )
