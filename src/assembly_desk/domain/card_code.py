"""Card codes: random digits with a Damm check digit.

Digits only, so a code survives a QR code in numeric mode, a keyboard-wedge scanner
while a Korean IME is in Hangul mode, and a volunteer typing it by hand. The Damm check
digit catches every single-digit error and every swap of adjacent digits, so a mistyped
code is told apart from a code that is not on the roll.
"""

from __future__ import annotations

import secrets
import unicodedata
from enum import StrEnum

RANDOM_DIGITS = 10
CODE_LENGTH = RANDOM_DIGITS + 1

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> int:
    """Return the Damm check digit for a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def is_valid(code: str) -> bool:
    """True when ``code`` (normalised, digits only) carries a correct check digit."""
    return len(code) == CODE_LENGTH and code.isascii() and code.isdigit() and damm_digit(code) == 0


class CodeProblem(StrEnum):
    """What is wrong with something offered as a card code, each said in its own words.

    One "check digit" message for everything told a volunteer who typed four digits, or
    whose scanner read a web address, to look for a slip of one digit.
    """

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHECK_DIGIT = "check_digit"


def problem(code: str) -> CodeProblem | None:
    """Why the normalised ``code`` is not a card code, or ``None`` when it is one."""
    if not code:
        return CodeProblem.EMPTY
    if not (code.isascii() and code.isdigit()):
        return CodeProblem.NOT_DIGITS
    if len(code) < CODE_LENGTH:
        return CodeProblem.TOO_SHORT
    if len(code) > CODE_LENGTH:
        return CodeProblem.TOO_LONG
    return None if damm_digit(code) == 0 else CodeProblem.CHECK_DIGIT


def new_code() -> str:
    """A fresh random card code (never derived from a person's data)."""
    body = str(secrets.randbelow(10**RANDOM_DIGITS)).zfill(RANDOM_DIGITS)
    return body + str(damm_digit(body))


def normalise(text: str) -> str:
    """Strip what scanners and hands add around a code: spaces, dashes, full-width digits.

    NFKC folds full-width digits (typed with a Korean IME in full-width mode) to ASCII.
    Returns the input unchanged apart from that; callers decide whether it looks like a code.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    return "".join(ch for ch in folded if ch not in " -_.\t")


def looks_like_code(text: str) -> bool:
    """True when the text is meant as a card code (all digits, about the right length)."""
    norm = normalise(text)
    return norm.isascii() and norm.isdigit() and CODE_LENGTH - 2 <= len(norm) <= CODE_LENGTH + 2


def display(code: str) -> str:
    """Group a code for reading aloud and typing: ``1234-5678-901``."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"
