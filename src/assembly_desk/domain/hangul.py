"""Hangul helpers for search: initial consonants (초성) so ``ㄱㅁㅅ`` finds 김민수."""

from __future__ import annotations

import unicodedata

_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_COMPAT_JAMO = set(_CHOSEONG)


def initials(text: str) -> str:
    """Replace each Hangul syllable by its initial consonant; other characters stay."""
    out = []
    for ch in text:
        code = ord(ch)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            out.append(_CHOSEONG[(code - _SYLLABLE_FIRST) // 588])
        else:
            out.append(ch)
    return "".join(out)


def is_initials_query(text: str) -> bool:
    """True when the query consists of compatibility-jamo consonants only (e.g. ``ㄱㅁㅅ``)."""
    return bool(text) and all(ch in _COMPAT_JAMO for ch in text)


def fold_name(text: str) -> str:
    """Normalise a name for matching: NFC, no spaces, lower case for Latin names."""
    return "".join(unicodedata.normalize("NFC", text).split()).casefold()
