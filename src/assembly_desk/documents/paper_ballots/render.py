"""Pages of a ballot drawn once as PDF forms, copies stamped from them, the file written.

Every copy is the *same* form XObject drawn again, so copies are identical by
construction, and the canvas is ``invariant`` so the file records no creation time.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice, korean_fonts
from assembly_desk.documents.layout import mm
from assembly_desk.documents.paper_ballots.blocks import Block, DrawFn, paginate
from assembly_desk.documents.paper_ballots.bodies import body_for
from assembly_desk.documents.paper_ballots.header import BallotHeader, HeaderBlock, header_block
from assembly_desk.documents.paper_ballots.sizes import (
    BODY_GAP,
    CONTENT_W,
    FOOTER_H,
    MARGIN,
    MAX_COPIES,
    NOTE_GREY,
    PAD,
    PAGE_H,
    PAGE_W,
)
from assembly_desk.domain.contests import ContestDefinition
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import language, t


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


def _footer(fonts: FontChoice, lang: str, page: int, pages: int) -> DrawFn:
    size = 9.0

    def draw(canvas: Canvas, left: float, bottom: float) -> None:
        canvas.setFillGray(NOTE_GREY)
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
    head: HeaderBlock,
    pages: list[list[tuple[float, Block]]],
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
    header: HeaderBlock
    pages: list[list[tuple[float, Block]]]
    two_up: bool


def _plan(
    contest: ContestDefinition, header: BallotHeader, fonts: FontChoice, lang: str, abstain: bool
) -> _Plan:
    """Two-up when the whole ballot fits an A5 half, else one ballot per A4 page (or more)."""
    body = body_for(contest, fonts, lang, abstain)
    head = header_block(contest, header, body, fonts, lang)
    half_body = PAGE_H / 2 - 2 * (MARGIN + PAD) - head.height - BODY_GAP
    pages = paginate(body.sections, half_body)
    if len(pages) == 1:
        return _Plan(head, pages, True)
    full_body = PAGE_H - 2 * (MARGIN + PAD) - head.height - BODY_GAP - FOOTER_H
    return _Plan(head, paginate(body.sections, full_body), False)


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
