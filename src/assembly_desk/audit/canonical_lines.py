"""RFC 8785 bytes for the bundle's files, through the C JSON encoder wherever that is exact.

A bundle of 100,000 CVRs spends most of its writing time encoding them; the pure-Python
canonical encoder (:func:`.canonical.canonical_json`) is exact for every value but slow.
For the plain values a bundle holds, ``json`` in compact, sorted, non-ASCII form gives
the same bytes, and :func:`plain_json_is_canonical` says when; anything else takes the
exact path. The verifier uses the same test to read canonical files quickly.
"""

from __future__ import annotations

import contextlib
import gc
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import Any

from assembly_desk.audit.canonical import MAX_SAFE_INTEGER, canonical_json

__all__ = ["canonical_jsonl", "plain_json_is_canonical"]


def _c_encoder() -> Callable[[Any, int], Any] | None:
    """The C encoder for compact, sorted, non-ASCII, NaN-refusing JSON, built once.

    ``JSONEncoder.encode`` builds it again on every call, which for 100,000 short CVRs
    costs as much as the encoding itself. None where the C accelerator is missing.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    encoder: Callable[[Any, int], Any] = make(
        None, None, json.encoder.encode_basestring, None, ":", ",", True, False, False
    )
    return encoder


#: Shared with the verifier's quick CVR reader (:mod:`.verify_cvrs`).
C_ENCODE = _c_encoder()


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is not an exact JSON value for canonical form")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise ValueError(f"integer {text} outside +-(2**53-1)")
    return value


#: Reads back the fast text: no float, no NaN, no int a double cannot hold.
_STRICT = json.JSONDecoder(parse_float=_refuse, parse_constant=_refuse, parse_int=_safe_int)


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
    """One RFC 8785 value per line, each ending in ``\n``: always the bytes of
    ``b"".join(canonical_json(v) + b"\n" for v in values)``, errors included.

    The whole file is encoded by the C encoder (built once) and that text is kept
    only when it is provably the canonical text: :func:`plain_json_is_canonical`
    holds for it and every value is plain JSON (strings, safe ints, booleans, null,
    lists, dicts with string keys). ``checked``: the caller has validated that, as
    :func:`write_bundle` does for CVRs (no float, no int beyond +-(2**53-1), string
    keys, no tuple); otherwise the text is read back strictly and must give exactly
    ``values`` again (a tuple, a non-string key or a float would not). Anything else
    takes the exact encoder line by line, which also raises its errors.
    """
    if not values:
        return b""
    text = _fast_text(values, checked)
    if text is not None:
        return text.encode("utf-8")
    return b"".join(canonical_json(value) + b"\n" for value in values)


def _fast_text(values: Sequence[Any], checked: bool) -> str | None:
    """The C encoder's lines when they are the canonical text, else None."""
    if C_ENCODE is None:
        return None
    try:
        # Compact JSON holds no raw newline (encode_basestring escapes it).
        text = "\n".join(map("".join, map(C_ENCODE, values, repeat(0))))
    except (TypeError, ValueError, RecursionError):
        return None  # an unencodable value, a NaN or a cycle: the exact path says which
    if not plain_json_is_canonical(text):
        return None
    if not checked:
        try:
            back = _STRICT.decode("[" + text.replace("\n", ",") + "]")
        except (ValueError, RecursionError):
            return None
        if type(values) is not list:
            values = list(values)
        if back != values:
            return None
    return text + "\n"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while a bundle's objects are made or read.

    An export or a verify of 100,000 ballots makes over a million small objects (decoded selections,
    CVRs, ballots), none in a cycle; each collection the allocations trigger walks all of
    them again, which was about half the time of decoding and encoding them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
