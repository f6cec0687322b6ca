"""Page helpers shared by the PDFs: fitting text into boxes, dates, cut marks.

Names on a roll run from "이 솔" to a foreign resident's five-part name, and titles are
written by committees. Text is therefore never drawn at a fixed size: :func:`fit_text`
finds the largest size (within limits) at which the text fits its box, wrapping at word
boundaries (Korean breaks between 어절, at spaces) and only then inside a word, and marks
the rare text that still does not fit so the caller can warn instead of clipping silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.i18n import t

LEADING = 1.2  # line height as a multiple of the font size
ELLIPSIS = "…"

__all__ = ["ELLIPSIS", "LEADING", "Fitted", "cut_marks", "draw_fitted", "fit_text", "mm"]


@dataclass(frozen=True, slots=True)
class Fitted:
    """Text laid out for a box: its lines, the size they fit at, whether text was cut."""

    lines: tuple[str, ...]
    font: str
    size: float
    truncated: bool = False

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        return self.leading * (len(self.lines) - 1) + self.size

    def width(self) -> float:
        return max((stringWidth(line, self.font, self.size) for line in self.lines), default=0.0)


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Split a word wider than the box into pieces that fit (last resort for long names)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and stringWidth(current + ch, font, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap at spaces; words wider than the box are broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if stringWidth(word, font, size) <= width:
            current = word
        else:
            *full, current = _break_word(word, font, size, width)
            lines.extend(full)
    if current:
        lines.append(current)
    return lines


def balanced_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap into as few lines as :func:`wrap`, but with lines of similar length.

    "입구에서 이 카드를 / 보여 주세요" reads better than "입구에서 이 카드를 보여 / 주세요":
    the narrowest width that still needs no extra line is found by bisection.
    """
    lines = wrap(text, font, size, width)
    if len(lines) < 2:
        return lines
    # Never narrower than the widest word: balancing must not break a word in two.
    widest = max(stringWidth(word, font, size) for word in text.split())
    low, high = min(widest, width) - 0.01, width
    for _ in range(12):
        mid = (low + high) / 2
        if len(wrap(text, font, size, mid)) <= len(lines):
            high = mid
        else:
            low = mid
    # Bisection may settle a hair below the widest word, where wrap() would split it.
    return wrap(text, font, size, max(high, min(widest, width)))


def _ellipsize(line: str, font: str, size: float, width: float) -> str:
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit_text(
    text: str,
    font: str,
    width: float,
    height: float,
    *,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    step: float = 0.5,
) -> Fitted:
    """The largest size from ``max_size`` down to ``min_size`` at which ``text`` fits.

    At each size one line is tried first, then wrapping into at most ``max_lines`` lines
    whose total height stays within ``height``. When even ``min_size`` fails, the text is
    wrapped at ``min_size`` and the last allowed line ends in an ellipsis (``truncated``).
    """
    text = " ".join(text.split())
    size = max_size
    while size >= min_size - 1e-9:
        if stringWidth(text, font, size) <= width and size <= height:
            return Fitted((text,), font, size)
        if max_lines > 1:
            lines = balanced_wrap(text, font, size, width)
            fitted = Fitted(tuple(lines), font, size)
            if len(lines) <= max_lines and fitted.height <= height:
                return fitted
        size -= step
    lines = wrap(text, font, min_size, width)
    rows = max(1, min(max_lines, int((height - min_size) // (min_size * LEADING)) + 1))
    if len(lines) <= rows:
        return Fitted(tuple(lines), font, min_size)
    kept = [*lines[: rows - 1], _ellipsize(lines[rows - 1], font, min_size, width)]
    return Fitted(tuple(kept), font, min_size, truncated=True)


def draw_fitted(
    canvas: Canvas,
    fitted: Fitted,
    x: float,
    top: float,
    *,
    align: str = "left",
    box_width: float = 0.0,
) -> float:
    """Draw fitted lines hanging from ``top``; return the baseline of the last line.

    Hanging text from the box top (first baseline one ascent below) keeps a box's top edge
    where the layout put it whatever size the text shrank to.
    """
    ascent, _descent = getAscentDescent(fitted.font, fitted.size)
    baseline = top - ascent
    canvas.setFont(fitted.font, fitted.size)
    for line in fitted.lines:
        if align == "center":
            canvas.drawCentredString(x + box_width / 2, baseline, line)
        elif align == "right":
            canvas.drawRightString(x + box_width, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        baseline -= fitted.leading
    return baseline + fitted.leading


def format_date(day: date, lang: str | None = None) -> str:
    """A date as people write it: ``2026년 11월 28일 (토)`` / ``Sat, 28 November 2026``."""
    return t(
        "doc.date",
        lang,
        year=day.year,
        month=day.month,
        day=day.day,
        weekday=t(f"doc.weekday.{day.weekday()}", lang),
        month_name=t(f"doc.month.{day.month}", lang),
    )


def cut_marks(
    canvas: Canvas,
    xs: list[float],
    ys: list[float],
    *,
    gap: float = 2 * mm,
    length: float = 5 * mm,
) -> None:
    """Short crop marks in the page margin, in line with every cut of a grid.

    ``xs``/``ys`` are the grid lines; marks sit outside the grid so they are cut away, and
    let a paper cutter be lined up even when the dashed card borders are faint.
    """
    left, right, bottom, top = xs[0], xs[-1], ys[0], ys[-1]
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0)
    for x in xs:
        canvas.line(x, top + gap, x, top + gap + length)
        canvas.line(x, bottom - gap, x, bottom - gap - length)
    for y in ys:
        canvas.line(left - gap, y, left - gap - length, y)
        canvas.line(right + gap, y, right + gap + length, y)
    canvas.restoreState()
