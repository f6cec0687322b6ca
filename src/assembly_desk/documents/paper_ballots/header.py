"""The header every page of a ballot repeats: title band, seal box, contest, instruction.

A motion's text (``ContestDefinition.description``) is printed under the contest line,
paragraph by paragraph, so the voter reads on paper exactly what the station shows.

:class:`BallotHeader` is all a paper says about where it belongs; it has no field a
per-copy mark could come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice
from assembly_desk.documents.layout import draw_fitted, format_date, mm
from assembly_desk.documents.paper_ballots.blocks import DrawFn
from assembly_desk.documents.paper_ballots.bodies import Body
from assembly_desk.documents.paper_ballots.sizes import CONTENT_W, NOTE_GREY, SEAL
from assembly_desk.documents.paper_ballots.text import draw_centred, flow
from assembly_desk.domain.contests import ContestDefinition
from assembly_desk.i18n import t


@dataclass(frozen=True, slots=True)
class BallotHeader:
    """What every copy of the paper says about where it belongs, and nothing per copy."""

    assembly_title: str
    held_on: date
    district: str
    contest_number: int


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """The header as laid out: its height (to place the body below it) and how to draw it."""

    height: float
    draw: DrawFn


def header_block(
    contest: ContestDefinition, header: BallotHeader, body: Body, fonts: FontChoice, lang: str
) -> HeaderBlock:
    """Title band with the seal box, contest line and instruction box — on every page."""
    regular, bold = fonts.regular_name, fonts.bold_name
    band_w = CONTENT_W - 2 * (SEAL + 4 * mm)
    title = flow(t("doc.ballot.title", lang), bold, band_w, max_size=24, min_size=14, max_lines=1)
    assembly = flow(header.assembly_title, regular, band_w, max_size=12, min_size=8, max_lines=2)
    place = flow(
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
    seal = flow(
        t("doc.ballot.seal", lang), regular, SEAL - 2 * mm, max_size=9, min_size=6, max_lines=2
    )
    stack = title.height + 2.5 * mm + assembly.height + 1.8 * mm + place.height
    band_h = max(SEAL, stack)
    contest_line = flow(
        t("doc.ballot.contest", lang, number=header.contest_number, title=contest.title),
        bold,
        CONTENT_W,
        max_size=15,
        min_size=11,
        max_lines=2,
    )
    paragraphs = [
        flow(p.strip(), regular, CONTENT_W, max_size=10.5, min_size=9, max_lines=3)
        for p in contest.description.split("\n")
        if p.strip()
    ]
    text_h = sum(f.height + 1.2 * mm for f in paragraphs) + (2 * mm if paragraphs else 0)
    inner_w = CONTENT_W - 2 * 4 * mm
    instruction = flow(body.instruction, bold, inner_w, max_size=12.5, min_size=10, max_lines=2)
    note = flow(body.note, regular, inner_w, max_size=9.5, min_size=8, max_lines=3)
    box_h = 3 * mm + instruction.height + 1.8 * mm + note.height + 2.2 * mm
    contest_top = band_h + 4 * mm
    text_top = contest_top + contest_line.height + 2 * mm
    box_top = contest_top + contest_line.height + 3 * mm + text_h
    height = box_top + box_h

    def draw(canvas: Canvas, left: float, top: float) -> None:
        canvas.setFillGray(0)
        band_left = left + SEAL + 4 * mm
        y = top - (band_h - stack) / 2
        draw_fitted(canvas, title, band_left, y, align="center", box_width=band_w)
        y -= title.height + 2.5 * mm
        draw_fitted(canvas, assembly, band_left, y, align="center", box_width=band_w)
        y -= assembly.height + 1.8 * mm
        canvas.setFillGray(NOTE_GREY)
        draw_fitted(canvas, place, band_left, y, align="center", box_width=band_w)
        # The seal box: empty but for its label, top right, where a 관인 is stamped.
        seal_x = left + CONTENT_W - SEAL
        canvas.saveState()
        canvas.setStrokeGray(0.45)
        canvas.setLineWidth(0.6)
        canvas.rect(seal_x, top - SEAL, SEAL, SEAL, stroke=1, fill=0)
        canvas.restoreState()
        canvas.setFillGray(0.55)
        draw_centred(canvas, seal, seal_x, SEAL, top - SEAL / 2)
        canvas.setFillGray(0)
        draw_fitted(canvas, contest_line, left, top - contest_top)
        y = top - text_top
        for paragraph in paragraphs:
            draw_fitted(canvas, paragraph, left, y)
            y -= paragraph.height + 1.2 * mm
        canvas.saveState()
        canvas.setFillGray(0.93)
        canvas.setStrokeGray(0.6)
        canvas.setLineWidth(0.5)
        canvas.roundRect(left, top - box_top - box_h, CONTENT_W, box_h, 1.5 * mm, stroke=1, fill=1)
        canvas.restoreState()
        canvas.setFillGray(0)
        y = top - box_top - 3 * mm
        draw_fitted(canvas, instruction, left + 4 * mm, y)
        canvas.setFillGray(NOTE_GREY)
        draw_fitted(canvas, note, left + 4 * mm, y - instruction.height - 1.8 * mm)
        canvas.setFillGray(0)

    return HeaderBlock(height, draw)
