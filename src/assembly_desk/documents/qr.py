"""QR codes drawn as vector shapes into a reportlab canvas.

Vectors stay crisp on any printer at any size, where an embedded bitmap gets blurred or
dithered by the printer driver. The dark modules are drawn as rectangles merged into
horizontal runs, and identical runs on consecutive rows are stacked into one taller
rectangle: a version-1 code needs ~100 rectangles instead of ~220 squares, which keeps
the PDF small and the drawing fast for a thousand cards. All rectangles go into one path
filled once, so renderers that anti-alias show no hairline seams between them.

Card codes are digits, so they are encoded in numeric mode (11 digits fit version 1,
21×21 modules). Error correction is at least M; segno raises it when the same symbol
size allows (to H for an 11-digit code), which costs nothing and forgives creases.
A regular QR symbol is forced: Micro QR would be smaller but phone cameras and many
desk scanners do not read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import segno
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white around the symbol, the minimum ISO/IEC 18004 requires

Matrix: TypeAlias = Sequence[Sequence[int]]


def qr_matrix(data: str) -> Matrix:
    """The module matrix (rows of 0/1, no quiet zone) for ``data``."""
    mode = "numeric" if data.isascii() and data.isdigit() else None
    return segno.make_qr(data, error="m", mode=mode).matrix


def module_rects(matrix: Matrix) -> list[tuple[int, int, int, int]]:
    """Cover the dark modules with few rectangles: ``(column, row, width, height)``.

    Rows are scanned into runs of dark modules; a run with the same start and width as
    one on the row above extends that rectangle downwards instead of starting a new one.
    Rows count from the top, as in the matrix.
    """
    done: list[tuple[int, int, int, int]] = []
    open_rects: dict[tuple[int, int], tuple[int, int]] = {}  # (col, width) -> (row0, height)
    for row_index, row in enumerate(matrix):
        runs: list[tuple[int, int]] = []
        start = -1
        for col, dark in enumerate(row):
            if dark:
                if start < 0:
                    start = col
            elif start >= 0:
                runs.append((start, col - start))
                start = -1
        if start >= 0:
            runs.append((start, len(row) - start))
        still_open: dict[tuple[int, int], tuple[int, int]] = {}
        for run in runs:
            row0, height = open_rects.pop(run, (row_index, 0))
            still_open[run] = (row0, height + 1)
        for (col, width), (row0, height) in open_rects.items():
            done.append((col, row0, width, height))
        open_rects = still_open
    for (col, width), (row0, height) in open_rects.items():
        done.append((col, row0, width, height))
    return done


def draw_qr(
    canvas: Canvas,
    data: str,
    x: float,
    y: float,
    size: float,
    *,
    quiet_zone: int = QUIET_ZONE,
) -> float:
    """Draw a QR code for ``data`` in the square with lower-left corner ``(x, y)``.

    ``size`` includes the quiet zone, so callers lay out one square and the white margin
    is guaranteed (it is painted white, in case the square sits on a tinted background).
    Returns the module size, for callers that want to check it against a printer's dot.
    """
    return draw_matrix(canvas, qr_matrix(data), x, y, size, quiet_zone=quiet_zone)


def draw_matrix(
    canvas: Canvas,
    matrix: Matrix,
    x: float,
    y: float,
    size: float,
    *,
    quiet_zone: int = QUIET_ZONE,
) -> float:
    """Draw an already encoded matrix; see :func:`draw_qr`."""
    if quiet_zone < QUIET_ZONE:
        raise ValueError(f"a QR quiet zone needs at least {QUIET_ZONE} modules")
    count = len(matrix)
    module = size / (count + 2 * quiet_zone)
    canvas.saveState()
    canvas.setFillGray(1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillGray(0)
    # Work in module units with rows growing downwards, as in the matrix: every rectangle
    # is then four small integers, written straight into the content stream. reportlab's
    # path object would format ~80 floats per card in Python, a third of the render time.
    canvas.translate(x + quiet_zone * module, y + size - quiet_zone * module)
    canvas.scale(module, -module)
    ops = " ".join(f"{c} {r} {w} {h} re" for c, r, w, h in module_rects(matrix))
    canvas.addLiteral(f"{ops} f")
    canvas.restoreState()
    return module
