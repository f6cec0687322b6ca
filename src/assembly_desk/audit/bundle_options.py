"""A contest's counting options and tie rule as the JSON of a bundle manifest, and back.

Every option is written, none as a float (an exact number is an int or a 'num/den'
string), so a recount on any machine reads back the very options the count used. Kept
apart from :mod:`.bundle_schema` because the verifier's recount and the tally service
need only this part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from fractions import Fraction
from typing import Any

from assembly_desk.audit.canonical import MAX_SAFE_INTEGER
from assembly_desk.counting import CountOptions, TieRule, fraction_to_json

__all__ = [
    "is_int",
    "options_from_json",
    "options_to_json",
    "read_exact_number",
    "tie_rule_from_json",
]

# Option name -> kind: "int", "int?", "str", "bool", "names?", "num?", "nummap?".
_OPTION_KINDS: dict[str, str] = {
    "seats": "int",
    "max_choices": "int?",
    "threshold": "str",
    "base": "str",
    "present": "int?",
    "eligible": "int?",
    "quorum": "int?",
    "candidates": "names?",
    "costs": "nummap?",
    "budget": "num?",
    "criteria_weights": "nummap?",
    "group_weights": "nummap?",
    "trim": "bool",
    "satisfaction": "str",
    "increment": "num?",
    "greedy": "bool",
    "overvote": "str",
    "skipped": "str",
    "duplicates": "str",
}
assert set(_OPTION_KINDS) == {f.name for f in fields(CountOptions)} - {"tie"}


def is_int(value: Any) -> bool:
    """A JSON integer (``bool`` is an ``int`` in Python, but not in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _num_json(value: Any) -> int | str:
    if isinstance(value, float | bool):
        raise TypeError("floats are not allowed; use an int, a Fraction or a 'num/den' string")
    return fraction_to_json(Fraction(value))


def read_exact_number(value: Any, path: str) -> Fraction:
    """An int within +-(2**53-1) or a canonical 'num/den' string as a Fraction."""
    if is_int(value):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{path}: integer outside +-(2**53-1)")
        return Fraction(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+/[0-9]+", value):
        try:
            number = Fraction(value)
        except ZeroDivisionError:
            number = None
        if number is not None and fraction_to_json(number) == value:
            return number
    raise ValueError(f"{path}: not an exact number in canonical form (int or 'num/den')")


def options_to_json(options: CountOptions) -> dict[str, Any]:
    """Every counting option (except the tie rule) as plain JSON: no floats, no None gaps."""
    out: dict[str, Any] = {}
    for name, kind in _OPTION_KINDS.items():
        value = getattr(options, name)
        if value is None:
            out[name] = None
        elif kind.startswith("names"):
            out[name] = [str(item) for item in value]
        elif kind.startswith("nummap"):
            # Pairs, not an object: canonical JSON sorts object keys, and the order of
            # e.g. the costs is the order of the ballot paper (it decides tie order).
            out[name] = [[str(key), _num_json(item)] for key, item in value.items()]
        elif kind.startswith("num"):
            out[name] = _num_json(value)
        else:
            out[name] = value
    return out


def options_from_json(data: Any, tie: TieRule | None = None, path: str = "options") -> CountOptions:
    """Inverse of :func:`options_to_json`; missing keys take the defaults, unknown ones fail."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: must be an object")
    unknown = sorted(set(data) - set(_OPTION_KINDS))
    if unknown:
        raise ValueError(f"{path}.{unknown[0]}: unknown counting option")
    values: dict[str, Any] = {}
    for name, value in data.items():
        kind = _OPTION_KINDS[name]
        here = f"{path}.{name}"
        if value is None:
            if not kind.endswith("?"):
                raise ValueError(f"{here}: must not be null")
            values[name] = None
        elif kind.startswith("int"):
            if not is_int(value):
                raise ValueError(f"{here}: must be an integer")
            values[name] = value
        elif kind == "str":
            if not isinstance(value, str):
                raise ValueError(f"{here}: must be a string")
            values[name] = value
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{here}: must be true or false")
            values[name] = value
        elif kind == "names?":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{here}: must be a list of names")
            values[name] = tuple(value)
        elif kind == "nummap?":
            if not isinstance(value, list) or not all(
                isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                for pair in value
            ):
                raise ValueError(f"{here}: must be a list of [name, number] pairs")
            mapping = {k: read_exact_number(v, f"{here}[{k!r}]") for k, v in value}
            if len(mapping) != len(value):
                raise ValueError(f"{here}: a name appears twice")
            values[name] = mapping
        else:
            values[name] = read_exact_number(value, here)
    if tie is not None:
        values["tie"] = tie
    return CountOptions(**values)


def tie_rule_from_json(data: Any, seed: str | None, path: str = "tie_rule") -> TieRule:
    """The published tie rule of a contest plus the revealed seed (if any)."""
    if not isinstance(data, Mapping) or set(data) != {"backwards", "priority"}:
        raise ValueError(f"{path}: must be an object with exactly backwards and priority")
    if not isinstance(data["backwards"], bool):
        raise ValueError(f"{path}.backwards: must be true or false")
    priority = data["priority"]
    if not isinstance(priority, list) or not all(isinstance(v, str) for v in priority):
        raise ValueError(f"{path}.priority: must be a list of names")
    return TieRule(priority=tuple(priority), seed=seed, backwards=data["backwards"])
