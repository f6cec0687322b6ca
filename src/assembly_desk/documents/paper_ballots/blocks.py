"""Blocks of a ballot's body and their pagination, and the table cells they are drawn from.

A body is sections of rows (:class:`Block`, each with its height and a drawing function);
:func:`paginate` places them on pages before anything is drawn, so the page count and
the layout are known first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice
from assembly_desk.documents.layout import Fitted, mm
from assembly_desk.documents.paper_ballots.sizes import HEAD_FILL, MARK
from assembly_desk.documents.paper_ballots.text import draw_centred, flow, visual_height

DrawFn = Callable[[Canvas, float, float], None]
"""Draws a block given its left edge and top edge (content coordinates)."""


@dataclass(frozen=True, slots=True)
class Block:
    height: float
    draw: DrawFn


@dataclass(frozen=True, slots=True)
class Section:
    """Rows that may split across pages; ``head`` is repeated on every page they reach."""

    rows: tuple[Block, ...]
    head: Block | None = None
    space_before: float = 4 * mm


def paginate(sections: Sequence[Section], body_h: float) -> list[list[tuple[float, Block]]]:
    """Place blocks top-down into pages of ``body_h``; each entry is (offset from top, block).

    A table heading is never left alone at the foot of a page: it moves with its first row.
    A row taller than a whole page (impossible with the contest limits) gets its own page.
    """
    pages: list[list[tuple[float, Block]]] = [[]]
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


def grid(canvas: Canvas, left: float, top: float, widths: Sequence[float], height: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.8)
    canvas.setStrokeGray(0)
    x = left
    for width in widths:
        canvas.rect(x, top - height, width, height, stroke=1, fill=0)
        x += width
    canvas.restoreState()


def fill_head(canvas: Canvas, left: float, top: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillGray(HEAD_FILL)
    canvas.rect(left, top - height, width, height, stroke=0, fill=1)
    canvas.restoreState()


def mark_box(canvas: Canvas, cx: float, cy: float, width: float, height: float) -> None:
    """An empty marking box centred on (cx, cy): heavy enough to find, light enough to mark."""
    canvas.saveState()
    canvas.setLineWidth(1.2)
    canvas.setStrokeGray(0.15)
    canvas.roundRect(cx - width / 2, cy - height / 2, width, height, 1.2 * mm, stroke=1, fill=0)
    canvas.restoreState()


def head_block(labels: Sequence[Fitted], widths: Sequence[float], height: float) -> Block:
    def draw(canvas: Canvas, left: float, top: float) -> None:
        fill_head(canvas, left, top, sum(widths), height)
        canvas.setFillGray(0)
        x = left
        for label, width in zip(labels, widths, strict=True):
            draw_centred(canvas, label, x, width, top - height / 2)
            x += width
        grid(canvas, left, top, widths, height)

    return Block(height, draw)


def simple_head(texts: Sequence[str], widths: Sequence[float], fonts: FontChoice) -> Block:
    labels = [
        flow(text, fonts.bold_name, w - 2 * mm, max_size=10, min_size=7, max_lines=2)
        for text, w in zip(texts, widths, strict=True)
    ]
    height = max(8 * mm, max(visual_height(f) for f in labels) + 4 * mm)
    return head_block(labels, widths, height)


def option_row(
    widths: Sequence[float],
    number: Fitted | None,
    name: Fitted,
    cost: Fitted | None,
    box_w: float,
) -> Block:
    """One option: [number] name [cost] box — the column set depends on the ballot type."""
    height = max(MARK + 3 * mm, visual_height(name) + 2 * 4 * mm)

    def draw(canvas: Canvas, left: float, top: float) -> None:
        mid = top - height / 2
        x = left
        col = iter(widths)
        canvas.setFillGray(0)
        if number is not None:
            w = next(col)
            draw_centred(canvas, number, x, w, mid)
            x += w
        w = next(col)
        draw_centred(canvas, name, x, w, mid, align="left")
        x += w
        if cost is not None:
            w = next(col)
            draw_centred(canvas, cost, x, w, mid, align="right")
            x += w
        w = next(col)
        mark_box(canvas, x + w / 2, mid, box_w, MARK)
        grid(canvas, left, top, widths, height)

    return Block(height, draw)
