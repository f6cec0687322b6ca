"""Text on a ballot: wrapped, sized to fit and centred, but never shortened.

An option name cut to an ellipsis could be mistaken for another option, so text that
does not fit takes more lines (and the row or header grows) instead.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.layout import Fitted, wrap
from assembly_desk.documents.paper_ballots.sizes import CAP_RATIO, CELL_PAD
from assembly_desk.i18n import t


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
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


def flow(
    text: str, font: str, width: float, *, max_size: float, min_size: float, max_lines: int
) -> Fitted:
    """The largest size at which ``text`` fits ``max_lines``; below ``min_size``, more lines.

    Unlike :func:`fit_text` this never ends in an ellipsis: on a ballot a shortened option
    name could be mistaken for another option, so the row (or header) grows instead.
    """
    text = " ".join(text.split())
    size = max_size
    while size >= min_size - 1e-9:
        lines = balanced_lines(text, font, size, width)
        if len(lines) <= max_lines:
            return Fitted(tuple(lines), font, size)
        size -= 0.5
    return Fitted(tuple(balanced_lines(text, font, min_size, width)), font, min_size)


def visual_height(fitted: Fitted) -> float:
    return fitted.leading * (len(fitted.lines) - 1) + fitted.size * CAP_RATIO


def draw_centred(
    canvas: Canvas,
    fitted: Fitted,
    x: float,
    width: float,
    mid_y: float,
    *,
    align: str = "center",
) -> None:
    """Draw lines centred vertically on ``mid_y`` (by their visible height, not the em box)."""
    baseline = mid_y + visual_height(fitted) / 2 - fitted.size * CAP_RATIO
    canvas.setFont(fitted.font, fitted.size)
    for line in fitted.lines:
        if align == "center":
            canvas.drawCentredString(x + width / 2, baseline, line)
        elif align == "right":
            canvas.drawRightString(x + width - CELL_PAD, baseline, line)
        else:
            canvas.drawString(x + CELL_PAD, baseline, line)
        baseline -= fitted.leading


def won(amount: int, lang: str) -> str:
    return t("doc.ballot.won", lang, amount=f"{amount:,}")
