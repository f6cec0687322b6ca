"""Hangul helpers for search: initial consonants (초성) so ``ㄱㅁㅅ`` finds 김민수."""

from __future__ import annotations

import unicodedata

_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_COMPAT_JAMO = set(_CHOSEONG)
# Conjoining leading consonants U+1100..U+1112 come in the same order as _CHOSEONG.
_CONJOINING_FIRST = 0x1100
_TO_COMPAT = {_CONJOINING_FIRST + i: ch for i, ch in enumerate(_CHOSEONG)}


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


def compat_jamo(text: str) -> str:
    """Lone conjoining leading consonants (ᄆ) as the compatibility jamo keyboards type (ㅁ).

    NFKC, which the card-code path applies to fold full-width digits, turns ``ㅁㄴㅇㄹ``
    into conjoining jamo that render as broken boxes and no longer read as 초성; text
    pasted from a decomposed source arrives the same way. Syllables are left alone.
    """
    return text.translate(_TO_COMPAT)


def fold_name(text: str) -> str:
    """Normalise a name for matching: NFC, no spaces, lower case for Latin names.

    Conjoining consonants left over after NFC are folded to compatibility jamo, so a
    query of 초성 matches in whichever form it arrived.
    """
    return compat_jamo("".join(unicodedata.normalize("NFC", text).split())).casefold()
