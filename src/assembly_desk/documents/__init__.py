"""Printable documents as PDFs (reportlab): check-in cards and paper ballots.

No database and no Qt here: each renderer takes plain data and a target, writes a PDF and
returns a report whose warnings (a missing Korean font, shortened text) the caller shows.
Cards are :mod:`.cards`; paper ballots are the :mod:`.paper_ballots` package.
"""

from assembly_desk.documents.cards import CardAssembly, CardInfo, CardsReport, render_cards
from assembly_desk.documents.fonts import FontChoice, korean_fonts, reset_font_cache
from assembly_desk.documents.qr import draw_qr

__all__ = [
    "CardAssembly",
    "CardInfo",
    "CardsReport",
    "FontChoice",
    "draw_qr",
    "korean_fonts",
    "render_cards",
    "reset_font_cache",
]
