"""Read ballots from JSONL, one ballot per line. The only module here that does I/O.

Line shapes (a CVR's "id" is ignored; its "contest" lets :func:`read_contest_ballots`
take one contest out of a bundle's cvrs.jsonl):

    {"vote": "yes"}                       yes/no ("yes", "no", "abstain", 찬성/반대/기권)
    {"choices": ["A", "C"]}               plurality, approval, choose, pb-greedy, mes
    {"ranking": ["B", "A"]}               irv, stv; per rank a name, or a list of names:
                                          ["B", ["A", "C"]] two names at rank 2 (overvote),
                                          ["B", [], "A"] rank 2 left blank (skipped)
    {"scores": {"A": 4, "B": 5}}          score; or {"A": {"vision": 4, "plan": 5}}
    {"scores": {...}, "group": "judges"}  a sheet from a named panel

Numbers with a decimal point are read exactly (as Fraction), never as float. A line
that is not such an object is *malformed*: the reader stops with the line number,
because a damaged file must not be half-counted. Content problems inside a well-formed
line (an unknown name, a "maybe" vote) are left to the count, which marks the ballot
invalid with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from .ballots import Ballot, ChoiceBallot, RankingBallot, ScoreBallot, YesNoBallot

KINDS = ("vote", "choices", "ranking", "scores")
IGNORED = frozenset({"id", "contest", "group"})


class BallotFileError(ValueError):
    """A malformed ballot line (``line`` is 1-based) or an unreadable file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line


def _parse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _names(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{what}" must be a list of names')
    return tuple(value)


def _number(value: Any) -> int | Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise ValueError("a score must be a number")
    return value


def parse_line(text: str) -> Ballot:
    """Parse one JSON ballot object; raises ValueError with a plain message."""
    return parse_cvr_line(text)[0]


def parse_cvr_line(text: str) -> tuple[Ballot, str | None]:
    """One line as (ballot, the CVR's "contest" or None), for files holding several contests."""
    try:
        obj = json.loads(text, parse_float=Fraction, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ValueError("a ballot must be a JSON object")
    kinds = [k for k in KINDS if k in obj]
    unknown = sorted(set(obj) - set(KINDS) - IGNORED)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}")
    if len(kinds) != 1:
        raise ValueError('a ballot needs exactly one of "vote", "choices", "ranking", "scores"')
    contest = obj.get("contest")
    if contest is not None and not isinstance(contest, str):
        raise ValueError('"contest" must be a string')
    return _ballot(obj, kinds[0]), contest


def _ballot(obj: dict[str, Any], kind: str) -> Ballot:
    """The ballot of a checked line object holding exactly the key ``kind``."""
    value = obj[kind]
    if kind != "scores" and "group" in obj:
        raise ValueError('"group" belongs to score sheets only')
    if kind == "vote":
        if value is not None and not isinstance(value, str):
            raise ValueError('"vote" must be a string or null')
        return YesNoBallot(value)
    if kind == "choices":
        return ChoiceBallot(_names(value, "choices"))
    if kind == "ranking":
        if not isinstance(value, list):
            raise ValueError('"ranking" must be a list')
        positions: list[str | tuple[str, ...]] = []
        for pos in value:
            if isinstance(pos, str):
                positions.append(pos)
            else:
                positions.append(_names(pos, "ranking position"))
        return RankingBallot(tuple(positions))
    if not isinstance(value, dict):
        raise ValueError('"scores" must be an object')
    group = obj.get("group", "")
    if not isinstance(group, str):
        raise ValueError('"group" must be a string')
    scores: dict[str, Any] = {}
    for name, score in value.items():
        if isinstance(score, dict):
            scores[name] = {c: _number(s) for c, s in score.items()}
        else:
            scores[name] = _number(score)
    return ScoreBallot.of(scores, group)


def parse_lines(lines: Iterable[str]) -> list[Ballot]:
    """Parse JSONL text lines; blank lines are skipped, errors name the line number."""
    return parse_contest_lines(lines, None)[0]


def parse_contest_lines(
    lines: Iterable[str], contest: str | None
) -> tuple[list[Ballot], tuple[str, ...]]:
    """The ballots of ``contest`` (every ballot when None) and every contest id in the lines.

    Every line is parsed, the other contests' too, so a damaged file is refused whole
    whichever contest is counted; the ids let the caller refuse a mixed file rather than
    count other contests' ballots as invalid.
    """
    ballots: list[Ballot] = []
    contests: set[str] = set()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            ballot, of = parse_cvr_line(text)
        except ValueError as exc:
            raise BallotFileError(str(exc), number) from None
        if of is not None:
            contests.add(of)
        if contest is None or of == contest:
            ballots.append(ballot)
    return ballots, tuple(sorted(contests))


def read_ballots(path: str | Path) -> list[Ballot]:
    """Read a UTF-8 JSONL ballot file (a BOM is tolerated)."""
    return read_contest_ballots(path, None)[0]


def read_contest_ballots(
    path: str | Path, contest: str | None
) -> tuple[list[Ballot], tuple[str, ...]]:
    """Read a UTF-8 JSONL ballot or CVR file: see :func:`parse_contest_lines`."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return parse_contest_lines(handle, contest)
    except OSError as exc:
        raise BallotFileError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BallotFileError(f"{path} is not UTF-8 text") from None
