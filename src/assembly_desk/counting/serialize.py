"""Result -> JSON-able dict with no floats, for signing, display and re-verification.

Fractions become ints when whole and "num/den" strings otherwise, so the JSON is exact
and canonicalisable (RFC 8785 forbids nothing here, and no float ever rounds). A
verifier recounts the ballots and compares ``to_json_dict`` of both results with ``==``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from fractions import Fraction
from typing import Any

from .results import Result, Round, TieBreak, Transfer


def fraction_to_json(value: Fraction | int) -> int | str:
    """3 -> 3, 7/2 -> "7/2"."""
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    return f"{value.numerator}/{value.denominator}"


def fraction_from_json(value: int | str) -> Fraction:
    """Inverse of :func:`fraction_to_json`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"not an exact number: {value!r}")
    return Fraction(value)


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Fraction):
        return fraction_to_json(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in a result")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _transfer(t: Transfer) -> dict[str, Any]:
    return _plain(t)


def _round(r: Round) -> dict[str, Any]:
    out = {
        "round": r.number,
        "tallies": _plain(r.tallies),
        "elected": list(r.elected),
        "eliminated": list(r.eliminated),
        "transfers": [_transfer(t) for t in r.transfers],
        "exhausted": fraction_to_json(r.exhausted),
    }
    if r.note:
        out["note"] = r.note
    if r.figures:
        out["figures"] = _plain(r.figures)
    return out


def _tie(t: TieBreak) -> dict[str, Any]:
    return _plain(t)


def to_json_dict(result: Result) -> dict[str, Any]:
    """The whole result as plain JSON types; yes/no adds "passed" and its totals."""
    out: dict[str, Any] = {
        "method": result.method,
        "candidates": list(result.candidates),
        "seats": result.seats,
        "elected": list(result.elected),
        "rounds": [_round(r) for r in result.rounds],
        "ties": [_tie(t) for t in result.ties],
        "valid": result.valid,
        "invalid": result.invalid,
        "invalid_reasons": dict(result.invalid_reasons),
        "params": _plain(result.params),
    }
    if result.quota is not None:
        out["quota"] = fraction_to_json(result.quota)
    if result.passed is not None:
        out["passed"] = result.passed
    if result.details:
        out["details"] = _plain(result.details)
    return out
