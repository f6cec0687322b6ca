"""The shapes inside a signed tally bundle (format ``assembly-desk/bundle`` v1).

Shared by the writer (:mod:`.bundle`) and the verifier (:mod:`.verify`) so both read
a contest's counting options, a cast vote record and the tally body the same way.
Every problem is a :class:`SchemaError` naming the file and the JSON path (and the
line for JSONL files). Format description: docs/bundle-format.md.

The counting options' JSON form lives in :mod:`.bundle_options`; its readers are
re-exported here, so the shapes of a bundle can all be imported from one module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import chain
from operator import itemgetter
from typing import Any

from assembly_desk.audit.bundle_options import (
    is_int,
    options_from_json,
    options_to_json,
    read_exact_number,
    tie_rule_from_json,
)
from assembly_desk.counting import (
    METHODS,
    Ballot,
    ChoiceBallot,
    CountOptions,
    RankingBallot,
    ScoreBallot,
    YesNoBallot,
    seed_commitment,
)

__all__ = [
    "AUDIT_FILE",
    "CVR_FILE",
    "FILES",
    "FORMAT",
    "MANIFEST_FILE",
    "SELECTION_KEYS",
    "TALLY_FILE",
    "VERSION",
    "SchemaError",
    "ballot_from_cvr",
    "contest_entry",
    "is_hex",
    "options_from_json",
    "options_to_json",
    "tie_rule_from_json",
    "validate_cvr",
    "validate_manifest",
    "validate_tally",
]

FORMAT = "assembly-desk/bundle"
VERSION = 1
MANIFEST_FILE = "manifest.json"
CVR_FILE = "cvrs.jsonl"
AUDIT_FILE = "audit_log.jsonl"
TALLY_FILE = "tally.json"
FILES = (MANIFEST_FILE, CVR_FILE, AUDIT_FILE, TALLY_FILE)

#: The ballot keys of a CVR line (as in the counting JSONL form); exactly one per line.
SELECTION_KEYS = ("vote", "choices", "ranking", "scores")
#: Everything a CVR line may hold. No person, time, desk or sequence: ballot secrecy.
CVR_KEYS = frozenset({"id", "contest", "group", *SELECTION_KEYS})

_HEX = {32: re.compile(r"[0-9a-f]{32}"), 64: re.compile(r"[0-9a-f]{64}")}


class SchemaError(ValueError):
    """A bundle file is readable but not shaped as format v1 requires."""

    def __init__(self, file: str, path: str, problem: str, line: int | None = None) -> None:
        where = f"{file} line {line}" if line is not None else file
        super().__init__(f"{where}: {path}: {problem}")
        self.file = file
        self.path = path
        self.problem = problem
        self.line = line


def is_hex(value: Any, digits: int) -> bool:
    """``value`` is a string of exactly ``digits`` lowercase hex digits."""
    return isinstance(value, str) and _HEX[digits].fullmatch(value) is not None


def contest_entry(
    contest_id: str,
    title: str,
    method: str,
    options: CountOptions,
    rules: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A manifest contest built from the options the count used (seed only as commitment).

    ``rules``: the contest's counting rule as frozen when its poll opened (the same object
    the ``poll.opened`` audit entry carries), so a reader sees what was agreed beside what
    the count ran with.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    tie = options.tie
    if isinstance(tie.seed, bytes):
        raise ValueError("a bundle seed must be text (it is revealed in tally.json)")
    entry: dict[str, Any] = {
        "id": contest_id,
        "title": title,
        "method": method,
        "options": options_to_json(options),
        "tie_rule": {"backwards": tie.backwards, "priority": list(tie.priority)},
        "seed_commitment": None if tie.seed is None else seed_commitment(tie.seed),
    }
    if rules is not None:
        entry["rules"] = dict(rules)
    return entry


# --- CVRs ---------------------------------------------------------------------


def validate_cvr(cvr: Any) -> str | None:
    """None if ``cvr`` is a well-formed CVR line value, else the problem."""
    if not isinstance(cvr, Mapping):
        return "a CVR must be a JSON object"
    extra = set(cvr) - CVR_KEYS
    if extra:
        name = sorted(extra)[0]
        return f"field {name!r} is not allowed in a CVR (only id, contest and the selection)"
    if not isinstance(cvr.get("id"), str):
        return "id missing or not a string"
    if not isinstance(cvr.get("contest"), str):
        return "contest missing or not a string"
    kinds = [key for key in SELECTION_KEYS if key in cvr]
    if len(kinds) != 1:
        return 'needs exactly one of "vote", "choices", "ranking", "scores"'
    try:
        ballot_from_cvr(cvr)
    except ValueError as error:
        return str(error)
    return None


def _all_str(values: Any) -> bool:
    """``values`` is a list whose items are all ``str`` (fast: type set built in C)."""
    return type(values) is list and (not values or set(map(type, values)) == {str})


def _names(value: Any, what: str) -> tuple[str, ...]:
    if not _all_str(value):
        raise ValueError(f'"{what}" must be a list of names')
    return tuple(value)


def _score(value: Any) -> int | Fraction:
    try:
        return read_exact_number(value, "score")
    except ValueError:
        raise ValueError("a score must be an int or a 'num/den' string") from None


def ballot_from_cvr(cvr: Mapping[str, Any]) -> Ballot:
    """The counting ballot of a CVR (the counting JSONL form, fractions as 'num/den')."""
    if "group" in cvr and "scores" not in cvr:
        raise ValueError('"group" belongs to score sheets only')
    if "vote" in cvr:
        vote = cvr["vote"]
        if vote is not None and not isinstance(vote, str):
            raise ValueError('"vote" must be a string or null')
        return YesNoBallot(vote)
    if "choices" in cvr:
        return ChoiceBallot(_names(cvr["choices"], "choices"))
    if "ranking" in cvr:
        value = cvr["ranking"]
        if _all_str(value):
            return RankingBallot(tuple(value))
        if type(value) is not list:
            raise ValueError('"ranking" must be a list')
        return RankingBallot(
            tuple(pos if isinstance(pos, str) else _names(pos, "ranking position") for pos in value)
        )
    value = cvr.get("scores")
    if not isinstance(value, Mapping):
        raise ValueError('"scores" must be an object')
    group = cvr.get("group", "")
    if not isinstance(group, str):
        raise ValueError('"group" must be a string')
    scores: dict[str, Any] = {}
    for name, score in value.items():
        if not isinstance(name, str):
            raise ValueError("score sheet names must be strings")
        if isinstance(score, Mapping):
            if not all(isinstance(c, str) for c in score):
                raise ValueError("criteria names must be strings")
            scores[name] = {c: _score(s) for c, s in score.items()}
        else:
            scores[name] = _score(score)
    return ScoreBallot.of(scores, group)


def plain_rankings(objs: Sequence[Mapping[str, Any]]) -> list[Ballot] | None:
    """Ballots of ranking CVRs (or selections) that all list plain names, else None.

    For a list of ``str``, :func:`ballot_from_cvr` returns ``RankingBallot(tuple(list))``;
    this builds the same ballots without a Python call per paper (the common case of
    100,000 ranked papers, read by the verifier and by every count).
    """
    rankings = list(map(itemgetter("ranking"), objs))
    if set(map(type, rankings)) != {list}:
        return None
    if not set(map(type, chain.from_iterable(rankings))) <= {str}:
        return None
    return list(map(RankingBallot, map(tuple, rankings)))


def ballots_from_selections(selections: Sequence[Mapping[str, Any]]) -> list[Ballot]:
    """:func:`ballot_from_cvr` of each stored selection, plain rankings in one pass."""
    if (
        set(map(type, selections)) == {dict}
        and set(map(len, selections)) == {1}
        and set().union(*selections) == {"ranking"}
    ):
        plain = plain_rankings(selections)
        if plain is not None:
            return plain
    return [ballot_from_cvr(sel) for sel in selections]


# --- manifest and tally -------------------------------------------------------


def _need(data: Mapping[str, Any], key: str, file: str, path: str) -> Any:
    if key not in data:
        raise SchemaError(file, path, f"{key} missing")
    return data[key]


def _exact_keys(data: Any, keys: set[str], file: str, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SchemaError(file, path, "must be an object")
    missing = sorted(keys - set(data))
    extra = sorted(set(data) - keys)
    if missing:
        raise SchemaError(file, path, f"{missing[0]} missing")
    if extra:
        raise SchemaError(file, path, f"unexpected field {extra[0]!r}")
    return data


def validate_manifest(manifest: Any) -> None:
    """Raise :class:`SchemaError` unless ``manifest`` has the v1 shape."""
    from assembly_desk.audit.signing import policy_shape_problem

    f = MANIFEST_FILE
    top = {"format", "version", "assembly", "contests", "policy", "counts", "files"}
    m = _exact_keys(manifest, top, f, "$")
    if m["format"] != FORMAT:
        raise SchemaError(f, "$.format", f"must be {FORMAT!r}")
    if m["version"] != VERSION or not is_int(m["version"]):
        raise SchemaError(f, "$.version", f"unsupported version {m['version']!r} (expected 1)")
    assembly = _exact_keys(m["assembly"], {"title", "date", "district"}, f, "$.assembly")
    for key in ("title", "date", "district"):
        if not isinstance(assembly[key], str):
            raise SchemaError(f, f"$.assembly.{key}", "must be a string")
    contests = m["contests"]
    if not isinstance(contests, list) or not contests:
        raise SchemaError(f, "$.contests", "must be a non-empty list")
    seen: set[str] = set()
    keys = {"id", "title", "method", "options", "tie_rule", "seed_commitment"}
    for index, contest in enumerate(contests):
        path = f"$.contests[{index}]"
        # ``rules`` (the contest's rule as frozen at opening) is optional: older bundles lack it.
        given = set(contest) if isinstance(contest, Mapping) else set()
        c = _exact_keys(contest, keys | (given & {"rules"}), f, path)
        if "rules" in c and not isinstance(c["rules"], Mapping):
            raise SchemaError(f, f"{path}.rules", "must be an object")
        if not isinstance(c["id"], str) or not c["id"]:
            raise SchemaError(f, f"{path}.id", "must be a non-empty string")
        if c["id"] in seen:
            raise SchemaError(f, f"{path}.id", f"contest id {c['id']!r} appears twice")
        seen.add(c["id"])
        if not isinstance(c["title"], str):
            raise SchemaError(f, f"{path}.title", "must be a string")
        if c["method"] not in METHODS:
            raise SchemaError(f, f"{path}.method", f"unknown method {c['method']!r}")
        try:
            tie = tie_rule_from_json(c["tie_rule"], None, f"{path}.tie_rule")
            options_from_json(c["options"], tie, f"{path}.options")
        except ValueError as error:
            raise SchemaError(f, path, str(error)) from None
        if c["seed_commitment"] is not None and not is_hex(c["seed_commitment"], 64):
            raise SchemaError(f, f"{path}.seed_commitment", "must be null or 64 lowercase hex")
    problem = policy_shape_problem(m["policy"])
    if problem is not None:
        raise SchemaError(f, "$.policy", f"not a valid signature policy ({problem})")
    counts = _exact_keys(m["counts"], {"checked_in", "issued"}, f, "$.counts")
    if not is_int(counts["checked_in"]) or counts["checked_in"] < 0:
        raise SchemaError(f, "$.counts.checked_in", "must be a non-negative integer")
    issued = _exact_keys(counts["issued"], seen, f, "$.counts.issued")
    for key, value in issued.items():
        if not is_int(value) or value < 0:
            raise SchemaError(f, f"$.counts.issued[{key!r}]", "must be a non-negative integer")
    files = _exact_keys(m["files"], {CVR_FILE, AUDIT_FILE}, f, "$.files")
    for key, value in files.items():
        if not is_hex(value, 64):
            raise SchemaError(f, f"$.files[{key!r}]", "must be a SHA-256 as 64 lowercase hex")


def validate_tally(tally: Any) -> None:
    """Raise :class:`SchemaError` unless ``tally`` is ``{body, signatures}`` of v1."""
    f = TALLY_FILE
    t = _exact_keys(tally, {"body", "signatures"}, f, "$")
    body = _exact_keys(
        t["body"], {"manifest_hash", "cvrs_hash", "audit_head", "results", "seeds"}, f, "$.body"
    )
    for key in ("manifest_hash", "cvrs_hash", "audit_head"):
        if not is_hex(body[key], 64):
            raise SchemaError(f, f"$.body.{key}", "must be 64 lowercase hex digits")
    if not isinstance(body["results"], Mapping):
        raise SchemaError(f, "$.body.results", "must be an object")
    for key, value in body["results"].items():
        if not isinstance(value, Mapping):
            raise SchemaError(f, f"$.body.results[{key!r}]", "must be an object")
    if not isinstance(body["seeds"], Mapping) or not all(
        isinstance(v, str) for v in body["seeds"].values()
    ):
        raise SchemaError(f, "$.body.seeds", "must be an object of seed strings")
    if not isinstance(t["signatures"], list):
        raise SchemaError(f, "$.signatures", "must be a list")
