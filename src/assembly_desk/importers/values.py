"""Readers for the small fields of a roll row: name, category, phone, consent, 통/반.

Each returns the value the roll keeps or raises ``ValueProblem`` with a catalogue key.
They are called 100,000 times on a large 읍 roll, so they stay cheap: precompiled patterns,
dictionary lookups, and no Unicode normalisation for plain ASCII input.
"""

from __future__ import annotations

import re
import unicodedata

from assembly_desk.domain.assembly import Category

_NOT_DIGIT = re.compile(r"[^0-9]+")
_LABEL_NOISE = re.compile(r"[\s_\-.,/·ㆍ\u119e・()]+")  # NFKC turns ㆍ into U+119E


class ValueProblem(ValueError):
    """A cell we will not import; ``key`` is the catalogue key that says why."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _label(text: str) -> str:
    """Fold a short label for lookup: ``"학생 · 교직원"`` and ``"학생교직원"`` agree."""
    return _LABEL_NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


_CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.RESIDENT: ("주민", "주민등록", "주민등록자", "거주자", "관내거주자", "resident"),
    Category.FOREIGN_RESIDENT: (
        "외국인",
        "영주",
        "영주외국인",
        "외국인주민",
        "foreign",
        "foreigner",
        "foreign resident",
        "foreign_resident",
        "permanent-resident foreigner",
    ),
    Category.WORKER: ("직장인", "근무자", "관내직장인", "worker", "worker in the area"),
    Category.STUDENT: (
        "학생",
        "교직원",
        "학생·교직원",
        "관내 학생·교직원",
        "student",
        "staff",
        "student/staff",
        "student/staff in the area",
    ),
}
CATEGORIES: dict[str, Category] = {
    _label(word): category for category, words in _CATEGORY_WORDS.items() for word in words
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


_YES_WORDS = ("y", "yes", "예", "네", "o", "○", "ㅇ", "v", "✓", "✔", "true", "t", "1", "동의")
_NO_WORDS = ("n", "no", "아니오", "아니요", "x", "×", "false", "f", "0", "미동의", "비동의")
_YES = frozenset(_fold(word) for word in _YES_WORDS)
_NO = frozenset(_fold(word) for word in _NO_WORDS)


def clean_name(text: str) -> str:
    """NFC, runs of spaces made one: ``"홍  길동"`` or a decomposed (Mac) name → ``"홍 길동"``."""
    if not text:
        raise ValueProblem("import.missing_name")
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_address(text: str) -> str:
    """Like a name: NFC and single spaces, so duplicates are found despite stray spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split()) if text else ""


def parse_category(text: str, default: Category) -> Category:
    """A category from its Korean or English label; empty means ``default``."""
    if not text:
        return default
    category = CATEGORIES.get(_label(text))
    if category is None:
        raise ValueProblem("import.unknown_category", value=text)
    return category


def phone_last4(text: str) -> str:
    """Only the last four digits of a phone number; the rest is never kept."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < 4:
        raise ValueProblem("import.bad_phone")
    return digits[-4:]


def parse_consent(text: str) -> bool:
    """Guardian consent from Y/N, 예/아니오, O/X, true/false, 1/0, 동의/미동의; empty is no."""
    if not text:
        return False
    folded = _fold(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueProblem("import.bad_consent", value=text)


def clean_unit(text: str, suffix: str) -> str:
    """통 or 반 as a plain number when it is one: ``"03통"`` → ``"3"``; otherwise as written."""
    if text.endswith(suffix):
        text = text[: -len(suffix)].rstrip()
    if text.isascii() and text.isdigit():
        return str(int(text))
    return text
