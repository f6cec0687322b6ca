"""Birth dates as people write them in Korean rolls, and the ones we refuse to guess.

Accepted (year first, always four digits): ``1980-03-15``, ``1980.03.15``, ``1980. 3. 15.``,
``1980/3/15``, ``19800315``, ``1980년 3월 15일``, and Excel date cells (which the table
reader has already turned into ``1980-03-15``). A trailing time (``00:00:00``) is ignored.

Six digits (``800315``) and two-digit years (``80-03-15``) are refused rather than guessed:
``150315`` could be 1915 or 2015, and guessing wrong decides someone's eligibility.
Day-first or month-first forms (``15/03/1980``) are refused as unreadable for the same
reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

EARLIEST = date(1900, 1, 1)

_FULL = re.compile(
    r"(?P<y>[0-9]{4})\s*(?:[-./]|년)\s*(?P<m>[0-9]{1,2})\s*(?:[-./]|월)\s*(?P<d>[0-9]{1,2})"
    r"\s*(?:일|\.)?"
    r"|(?P<y8>[0-9]{4})(?P<m8>[0-9]{2})(?P<d8>[0-9]{2})"
)
_TIME = re.compile(r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{6}|[0-9]{2}\s*[-./]\s*[0-9]{1,2}\s*[-./]\s*[0-9]{1,2}\.?")


class DateProblem(ValueError):
    """A birth date we will not read; ``key`` is the catalogue key that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_birth_date(text: str, today: date) -> date:
    """The date in ``text``; raise DateProblem for unreadable, ambiguous or impossible ones."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # full-width digits typed with a Korean IME
    if ":" in text:
        text = _TIME.sub("", text)
    match = _FULL.fullmatch(text)
    if match is None:
        if _TWO_DIGIT_YEAR.fullmatch(text):
            raise DateProblem("import.date_two_digit_year")
        raise DateProblem("import.bad_date")
    year, month, day = match.group("y", "m", "d")
    if year is None:
        year, month, day = match.group("y8", "m8", "d8")
    try:
        result = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateProblem("import.bad_date") from exc
    if not EARLIEST <= result <= today:
        raise DateProblem("import.date_out_of_range")
    return result
