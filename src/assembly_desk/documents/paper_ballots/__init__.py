"""Paper ballots (투표용지): one contest per PDF, as many identical copies as asked.

The layout of the paper; :mod:`assembly_desk.services.print_ballots` is the use case that
fills its header from a stored contest.

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

Modules, in the order they build a paper: :mod:`.sizes` (measures), :mod:`.text` (fitting
text), :mod:`.blocks` (rows, tables, pagination), :mod:`.bodies` (one per ballot type),
:mod:`.header` (repeated on every page), :mod:`.render` (forms, copies, the file).
"""

from assembly_desk.documents.paper_ballots.header import BallotHeader
from assembly_desk.documents.paper_ballots.render import BallotPaperReport, render_ballot_papers
from assembly_desk.documents.paper_ballots.sizes import MARK, MAX_COPIES

__all__ = [
    "MARK",
    "MAX_COPIES",
    "BallotHeader",
    "BallotPaperReport",
    "render_ballot_papers",
]
