"""Read ``cvrs.jsonl`` strictly, in one pass of C-level work for a well-formed file.

A bundle of 100,000 CVRs used to spend more time reading its CVR file than recounting
it: a Python loop scanned each line, checked its fields and built its ballot. Here a
file is first read the quick way, which accepts a file only when every check the line
by line reader makes would pass:

* all lines are parsed with **one** decoder call on ``[line1,line2,...]``, with the same
  strict decoder (no float, no NaN); the lines joined by commas could in principle
  parse as a different number of values, or as values whose boundaries are not the
  lines', so
* each value is re-encoded on its own by the C encoder in canonical form and the
  results joined by ``\\n`` must equal the file text byte for byte. Canonical text
  holds no raw newline, so this proves line *i* is exactly the canonical text of value
  *i* (boundaries included), which is the line by line canonical check, and that
  :func:`.canonical_lines.plain_json_is_canonical` holds for the whole file;
* the shape checks (object, only CVR fields, ``id`` and ``contest`` strings, exactly
  one selection) are set operations over all values at once, and ballots are built
  with ``map``; plain rankings (lists of names, the common case) skip the general
  :func:`ballot_from_cvr` and build the same :class:`RankingBallot` directly.

Whenever any of that does not hold, the file is read again line by line by
:func:`parse_cvrs_by_line` (the reader this module always had), which raises the
same error, naming the same line, as before. The quick way never accepts what that
reader refuses, and never refuses on its own.
"""

from __future__ import annotations

import json
import operator
from itertools import compress, repeat
from typing import Any

from assembly_desk.audit.bundle_schema import (
    CVR_FILE,
    CVR_KEYS,
    SchemaError,
    ballot_from_cvr,
    plain_rankings,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json
from assembly_desk.audit.canonical_lines import C_ENCODE, plain_json_is_canonical
from assembly_desk.audit.verify_read import BundleUnreadable
from assembly_desk.counting import Ballot

__all__ = ["CvrFile", "parse_cvrs"]

#: ``(ids, contests, ballots per contest)``: ids and contests in file order.
CvrFile = tuple[list[str], list[str], dict[str, list[Ballot]]]


def _refuse_float(text: str) -> Any:
    raise ValueError(f"number {text} has a fraction or exponent; floats are not allowed")


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"{text} is not valid JSON")


_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_PLAIN_RANKING = frozenset({"contest", "id", "ranking"})


def parse_cvrs(data: bytes) -> CvrFile:
    """Parse and validate ``cvrs.jsonl``; raises BundleUnreadable or SchemaError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_no = data[: error.start].count(b"\n") + 1
        raise BundleUnreadable(CVR_FILE, "not valid UTF-8", line_no) from None
    if text and not text.endswith("\n"):
        raise BundleUnreadable(
            CVR_FILE, "last line does not end with a newline", text.count("\n") + 1
        )
    lines = text.split("\n")[:-1] if text else []
    quick = _parse_quick(text, lines)
    return quick if quick is not None else parse_cvrs_by_line(lines)


def _parse_quick(text: str, lines: list[str]) -> CvrFile | None:
    """The whole file at once, or None when any check fails (the caller then reads by line)."""
    if not lines or C_ENCODE is None:
        return None
    try:
        objs = _DECODER.decode(f"[{','.join(lines)}]")
        if type(objs) is not list or len(objs) != len(lines):
            return None
        if set(map(type, objs)) != {dict}:
            return None
        keys: set[str] = set().union(*objs)
        if not keys <= CVR_KEYS:
            return None
        ids = list(map(operator.itemgetter("id"), objs))
        contests = list(map(operator.itemgetter("contest"), objs))
        if set(map(type, ids)) != {str} or set(map(type, contests)) != {str}:
            return None
        sizes = map(len, objs)
        if "group" in keys:
            sizes = map(operator.sub, sizes, map(operator.contains, objs, repeat("group")))
        if set(sizes) != {3}:
            return None
        # Each line is its value's canonical text, boundaries included (module docstring).
        encoded = "\n".join(map("".join, map(C_ENCODE, objs, repeat(0))))
        if len(encoded) + 1 != len(text) or encoded + "\n" != text:
            return None
        if not plain_json_is_canonical(text):
            return None
        ballots = _ballots(objs, keys)
    except (ValueError, TypeError, KeyError, RecursionError, StopIteration):
        return None
    return ids, contests, _per_contest(contests, ballots)


def _ballots(objs: list[dict[str, Any]], keys: set[str]) -> list[Ballot]:
    """Every CVR's ballot, in file order; raises ValueError as :func:`ballot_from_cvr` does."""
    if keys == _PLAIN_RANKING:
        plain = plain_rankings(objs)
        if plain is not None:
            return plain
    if "ranking" not in keys:
        return list(map(ballot_from_cvr, objs))
    is_ranking = list(map(operator.contains, objs, repeat("ranking")))
    ranked = list(compress(objs, is_ranking))
    # A ranking line with "group" is refused by ballot_from_cvr; only plain ones go quick.
    plain = plain_rankings(ranked) if set(map(len, ranked)) == {3} else None
    ranked_ballots = iter(plain if plain is not None else map(ballot_from_cvr, ranked))
    others = iter(list(map(ballot_from_cvr, compress(objs, map(operator.not_, is_ranking)))))
    return [next(ranked_ballots) if flag else next(others) for flag in is_ranking]


def _per_contest(contests: list[str], ballots: list[Ballot]) -> dict[str, list[Ballot]]:
    if len(set(contests)) == 1:
        return {contests[0]: ballots}
    per: dict[str, list[Ballot]] = {contest: [] for contest in dict.fromkeys(contests)}
    for contest, ballot in zip(contests, ballots, strict=True):
        per[contest].append(ballot)
    return per


def _line_error(number: int, line: str) -> BundleUnreadable | SchemaError:
    """Why one CVR line did not scan as exactly one JSON value (slow path, errors only)."""
    try:
        json.loads(line, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error.msg}", number)
    except ValueError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error}", number)
    return SchemaError(CVR_FILE, "$", "not in canonical form (RFC 8785)", number)


def parse_cvrs_by_line(lines: list[str]) -> CvrFile:
    """The line by line reader: the first problem, by line, is the one raised."""
    # The decoder's scanner, set by JSONDecoder.__init__ (absent from its type stubs).
    scan = _DECODER.scan_once  # type: ignore[attr-defined]
    objs: list[dict[str, Any]] = []
    ids: list[str] = []
    contests: list[str] = []
    ballots: dict[str, list[Ballot]] = {}
    for number, line in enumerate(lines, start=1):
        try:
            obj, end = scan(line, 0)
        except (StopIteration, ValueError):
            raise _line_error(number, line) from None
        except RecursionError:
            raise BundleUnreadable(CVR_FILE, "malformed JSON: nested too deeply", number) from None
        if end != len(line):
            raise _line_error(number, line)
        if type(obj) is not dict:
            raise SchemaError(CVR_FILE, "$", "a CVR must be a JSON object", number)
        if not obj.keys() <= CVR_KEYS:
            extra = sorted(set(obj) - CVR_KEYS)[0]
            raise SchemaError(CVR_FILE, "$", f"field {extra!r} is not allowed in a CVR", number)
        cvr_id, contest = obj.get("id"), obj.get("contest")
        if type(cvr_id) is not str or type(contest) is not str:
            raise SchemaError(CVR_FILE, "$", "id and contest must be strings", number)
        if len(obj) - ("group" in obj) != 3:
            raise SchemaError(
                CVR_FILE, "$", 'needs exactly one of "vote", "choices", "ranking", "scores"', number
            )
        try:
            ballot = ballot_from_cvr(obj)
        except ValueError as error:
            raise SchemaError(CVR_FILE, "$", str(error), number) from None
        objs.append(obj)
        ids.append(cvr_id)
        contests.append(contest)
        ballots.setdefault(contest, []).append(ballot)
    # Canonical form, checked for the whole file at once: every line holds exactly one
    # object, so the joined lines equal the joined canonical texts only line by line.
    if lines:
        joined = ",".join(lines)
        if not (plain_json_is_canonical(joined) and _ENCODER.encode(objs) == f"[{joined}]"):
            for number, (obj, line) in enumerate(zip(objs, lines, strict=True), start=1):
                try:
                    canonical = canonical_json(obj).decode("utf-8")
                except CanonicalizationError as error:
                    raise SchemaError(CVR_FILE, error.path, error.problem, number) from None
                if canonical != line:
                    raise SchemaError(CVR_FILE, "$", "not in canonical form (RFC 8785)", number)
    return ids, contests, ballots
