"""The measures of a paper ballot: sheet, margins, marking boxes and table columns.

In one place so the header, the tables and the page plan agree on them.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4

from assembly_desk.documents.layout import mm

PAGE_W, PAGE_H = A4
MARGIN = 7 * mm  # sheet edge (or cut line) to the ballot frame: outside any printer's dead zone
PAD = 5 * mm  # frame to content
CONTENT_W = PAGE_W - 2 * (MARGIN + PAD)
MARK = 13 * mm  # side of a marking box; the brief's floor is 12 mm
SEAL = 20 * mm  # the "(관인)" box
FOOTER_H = 7 * mm
BODY_GAP = 4 * mm  # header to the first table
MAX_COPIES = 20_000  # a typo guard: the largest assembly planned for is 2,000 people

NUM_W = 14 * mm
MARK_COL_W = 24 * mm
COST_W = 40 * mm
SCORE_COL_MIN = MARK + 5 * mm
SCORE_COL_MAX = 34 * mm
SCORE_NAME_MIN = 45 * mm
CELL_PAD = 3 * mm
HEAD_FILL = 0.88
NOTE_GREY = 0.3
CAP_RATIO = 0.74  # visual height of Hangul and capitals, as a share of the font size
