"""Canonical JSON (RFC 8785, JCS) for everything we hash or sign.

Signatures and hash chains are over *bytes*, so every party (our app, an
auditor's independent verifier in another language) must turn the same value
into the same bytes. RFC 8785 fixes that: sorted keys (by UTF-16 code units),
no whitespace, ECMAScript string escaping, UTF-8 output.

Two deliberate restrictions on top of RFC 8785, both from DESIGN.md:

* No floats. JCS serialises numbers as IEEE doubles; a float's text form is
  where implementations disagree, and our data has none (fractions travel as
  ``"num/den"`` strings). Integers are accepted only within the range a double
  holds exactly, +-(2**53 - 1), so a JavaScript or Go verifier reads the same
  number we wrote.
* Text must already be in Unicode NFC. Two visually identical Korean names in
  NFC and NFD are different bytes, hence different hashes. We refuse rather
  than silently normalise: a verifier that normalised on its own would accept
  a body that was never signed. Call :func:`nfc` at the edge where text enters.

:func:`loads` is the matching strict reader for files we verify: it refuses
duplicate keys, floats and non-finite constants instead of guessing.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalTypeError",
    "CanonicalizationError",
    "JSONValue",
    "canonical_hash",
    "canonical_json",
    "loads",
    "nfc",
    "sha256_hex",
]

#: Largest integer an IEEE double (and so JavaScript's ``Number``) holds exactly.
MAX_SAFE_INTEGER = 2**53 - 1

JSONValue = Any  # None | bool | int | str | list[JSONValue] | dict[str, JSONValue]

_SHORT_ESCAPES = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}


class CanonicalizationError(ValueError):
    """A value cannot be canonicalised; ``path`` says where (``$.a[2].b``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class CanonicalTypeError(CanonicalizationError, TypeError):
    """A value of a type JSON-for-signing does not allow (float, bytes, set, ...).

    Subclasses both ``ValueError`` and ``TypeError`` so either ``except`` works.
    """


def canonical_json(value: JSONValue, *, require_nfc: bool = True) -> bytes:
    """Serialise ``value`` per RFC 8785 and return UTF-8 bytes.

    Accepts ``None``, ``bool``, ``int`` (within +-MAX_SAFE_INTEGER), ``str``,
    ``list``/``tuple`` and ``dict`` with ``str`` keys. Raises
    :class:`CanonicalTypeError` for anything else (notably ``float``) and
    :class:`CanonicalizationError` for out-of-range integers, lone surrogates
    and, unless ``require_nfc`` is false, strings not in NFC. ``require_nfc``
    exists only to replay RFC 8785's own vectors, which include a non-NFC key.
    """
    parts: list[str] = []
    _emit(value, "$", parts, require_nfc)
    return "".join(parts).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """SHA-256 as 64 lowercase hex digits: the same text ``sha256sum`` prints."""
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value: JSONValue) -> str:
    """``sha256_hex(canonical_json(value))``: plain hex, no ``sha256:`` prefix.

    One format for every hash we publish (file hashes, manifest hash, chain
    links) so auditors can compare against ``sha256sum`` output directly.
    """
    return sha256_hex(canonical_json(value))


def nfc(value: JSONValue) -> JSONValue:
    """Return a copy of ``value`` with every string (keys too) in NFC.

    Use where text enters the system (roll import, typed names), never inside
    verification. Raises :class:`CanonicalizationError` if two keys of one
    object become equal after normalisation.
    """
    return _nfc(value, "$")


def loads(data: str | bytes) -> JSONValue:
    """Parse JSON strictly, for files under verification.

    Refuses duplicate object keys (which parsers resolve differently, a classic
    way to show signers one thing and verifiers another), any number with a
    fraction or exponent, ``NaN``/``Infinity``, and integers outside
    +-MAX_SAFE_INTEGER. Raises ``ValueError`` (``json.JSONDecodeError`` for
    syntax errors). NFC is not checked here; :func:`canonical_json` does that.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    value = json.loads(
        data,
        object_pairs_hook=_no_duplicate_keys,
        parse_float=_refuse_float,
        parse_constant=_refuse_constant,
        parse_int=_bounded_int,
    )
    return value


# --- serialisation ---------------------------------------------------------


def _emit(value: JSONValue, path: str, out: list[str], require_nfc: bool) -> None:
    # bool before int: bool is an int subclass.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise CanonicalizationError(
                path, f"integer {value} outside +-(2**53-1); a double cannot hold it exactly"
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise CanonicalTypeError(
            path, f"float {value!r} not allowed (use an int or a 'num/den' string)"
        )
    elif isinstance(value, str):
        out.append(_quote(value, path, require_nfc))
    elif isinstance(value, Mapping):
        items: list[tuple[bytes, str, str, JSONValue]] = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalTypeError(path, f"object key {key!r} is not a string")
            child = _child_path(path, key)
            quoted = _quote(key, child, require_nfc)
            # UTF-16BE bytes compare exactly like UTF-16 code units (RFC 8785 3.2.3).
            items.append((key.encode("utf-16-be", "surrogatepass"), quoted, child, item))
        items.sort(key=lambda entry: entry[0])
        out.append("{")
        for index, (_, quoted, child, item) in enumerate(items):
            if index:
                out.append(",")
            out.append(quoted)
            out.append(":")
            _emit(item, child, out, require_nfc)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _emit(item, f"{path}[{index}]", out, require_nfc)
        out.append("]")
    else:
        raise CanonicalTypeError(path, f"{type(value).__name__} is not a JSON type")


def _quote(text: str, path: str, require_nfc: bool) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError(path, "string contains a lone surrogate") from None
    if require_nfc and not unicodedata.is_normalized("NFC", text):
        raise CanonicalizationError(
            path, f"string {text!r} is not Unicode NFC (normalise with audit.canonical.nfc)"
        )
    pieces = ['"']
    for char in text:
        code = ord(char)
        if code in _SHORT_ESCAPES:
            pieces.append(_SHORT_ESCAPES[code])
        elif code < 0x20:
            pieces.append(f"\\u{code:04x}")
        else:
            pieces.append(char)
    pieces.append('"')
    return "".join(pieces)


def _child_path(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


# --- normalisation and strict parsing ---------------------------------------


def _nfc(value: JSONValue, path: str) -> JSONValue:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        result: dict[Any, JSONValue] = {}
        for key, item in value.items():
            new_key = unicodedata.normalize("NFC", key) if isinstance(key, str) else key
            if new_key in result:
                raise CanonicalizationError(path, f"keys collide after NFC: {new_key!r}")
            result[new_key] = _nfc(item, _child_path(path, str(new_key)))
        return result
    if isinstance(value, list | tuple):
        return [_nfc(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value


def _no_duplicate_keys(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
    result: dict[str, JSONValue] = {}
    for key, item in pairs:
        if key in result:
            raise ValueError(f"duplicate object key {key!r}")
        result[key] = item
    return result


def _refuse_float(text: str) -> JSONValue:
    raise ValueError(f"number {text} has a fraction or exponent; floats are not allowed")


def _refuse_constant(text: str) -> JSONValue:
    raise ValueError(f"{text} is not valid JSON")


def _bounded_int(text: str) -> int:
    number = int(text)
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise ValueError(f"integer {text} outside +-(2**53-1)")
    return number
