"""RFC 8785 bytes for the bundle's files, through the C JSON encoder wherever that is exact.

A bundle of 100,000 CVRs spends most of its writing time encoding them; the pure-Python
canonical encoder (:func:`.canonical.canonical_json`) is exact for every value but slow.
For the plain values a bundle holds, ``json`` in compact, sorted, non-ASCII form gives
the same bytes, and :func:`plain_json_is_canonical` says when; anything else takes the
exact path. The verifier uses the same test to read canonical files quickly.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from assembly_desk.audit.canonical import canonical_json

__all__ = ["canonical_jsonl", "plain_json_is_canonical"]

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
)


def plain_json_is_canonical(text: str) -> bool:
    """Whether ``json.dumps(sort_keys, compact, ensure_ascii=False)`` text is RFC 8785 text.

    For values holding only strings, safe ints, booleans, null and containers, that
    form equals RFC 8785 exactly when no character lies outside the Basic
    Multilingual Plane (there, code-point order and UTF-16 order of keys can differ)
    and the text is NFC (which canonical JSON demands). Checked once for a whole file.
    """
    if text.isascii():
        return True
    try:
        if len(text.encode("utf-16-le")) != 2 * len(text):
            return False  # astral characters
    except UnicodeEncodeError:
        return False  # lone surrogates
    return unicodedata.is_normalized("NFC", text)


def canonical_jsonl(values: Sequence[Any], *, checked: bool = False) -> bytes:
    """One RFC 8785 value per line, each ending in ``\n``.

    ``checked``: the caller has validated the values (no floats, no ints beyond
    +-(2**53-1), string keys), as :func:`write_bundle` does for CVRs, so the fast C
    encoder can be used for the whole file after one NFC/BMP check.
    """
    if not values:
        return b""
    if checked or all(_only_safe(value) for value in values):
        text = "\n".join(map(_ENCODER.encode, values)) + "\n"
        if plain_json_is_canonical(text):
            return text.encode("utf-8")
    return b"".join(canonical_json(value) + b"\n" for value in values)


_SAFE = 2**53 - 1


def _only_safe(value: Any) -> bool:
    """No float, no int beyond +-(2**53-1), no non-string key anywhere in ``value``."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_SAFE <= value <= _SAFE
    if isinstance(value, dict):
        return all(isinstance(key, str) and _only_safe(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_only_safe(item) for item in value)
    return False
