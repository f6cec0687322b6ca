"""Find 주민등록번호 (resident registration numbers) in a roll so that none is ever kept.

개인정보 보호법 제24조의2 forbids collecting 주민등록번호 without a legal basis, and an
assembly roll has none: the app identifies people by random card codes. So:

* a column whose header names the number, or where the numbers fill the column (at least
  ``REFUSE_COUNT`` cells, or at least half of its non-empty cells), refuses the whole file;
* a stray number elsewhere makes its row a problem (the row is not imported) and is masked
  wherever we show the cell.

The pattern is ``YYMMDD-GNNNNNN`` with G in 1..8 (8 covers 외국인등록번호). Without the
hyphen we also want a plausible month and day, so that account and barcode numbers are
not taken for one.
"""

from __future__ import annotations

import re
from collections import defaultdict

REFUSE_COUNT = 3
REFUSE_SHARE = 0.5
MASK = "******-*******"

_RRN = re.compile(
    r"(?<![0-9])"
    r"(?:[0-9]{6}\s*[-‐‑–—]\s*"  # with a hyphen: any six digits in front
    r"|[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]) ?)"  # without: a real YYMMDD
    r"[1-8][0-9]{6}"
    r"(?![0-9])"
)

Row = tuple[int, list[str]]


def mask(text: str) -> str:
    """The text with every 주민등록번호-shaped number blanked out."""
    return _RRN.sub(MASK, text)


def scan(rows: list[Row]) -> dict[int, list[int]]:
    """Column position -> row numbers of the cells that hold a 주민등록번호.

    One search over the joined row keeps the common case (no hit) to a single regex call.
    """
    hits: dict[int, list[int]] = defaultdict(list)
    search = _RRN.search
    for number, cells in rows:
        if search("\x1f".join(cells)) is None:
            continue
        for position, cell in enumerate(cells):
            if search(cell) is not None:
                hits[position].append(number)
    return dict(hits)


def column_to_refuse(hits: dict[int, list[int]], rows: list[Row]) -> int | None:
    """The first column that holds 주민등록번호 rather than a stray one, if any."""
    for position in sorted(hits):
        found = len(hits[position])
        if found >= REFUSE_COUNT:
            return position
        filled = sum(1 for _, cells in rows if position < len(cells) and cells[position])
        if found >= REFUSE_SHARE * filled:
            return position
    return None
