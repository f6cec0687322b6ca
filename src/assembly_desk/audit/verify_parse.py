"""Parse the four raw bundle files strictly: canonical JSON, v1 shapes, no unknown field.

Every byte a verifier later reads has passed through here: the manifest and the tally
must be RFC 8785 canonical (so what was hashed and signed is exactly what is read),
each CVR line one canonical object with only the CVR fields, and the audit log one
canonical entry per line (the link and field checks are :func:`chain.verify_chain`'s).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assembly_desk.audit.bundle_schema import (
    AUDIT_FILE,
    CVR_FILE,
    CVR_KEYS,
    MANIFEST_FILE,
    TALLY_FILE,
    SchemaError,
    ballot_from_cvr,
    validate_manifest,
    validate_tally,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json
from assembly_desk.audit.canonical_lines import plain_json_is_canonical
from assembly_desk.audit.chain import ChainReport, JsonlError, load_jsonl, verify_chain
from assembly_desk.audit.verify_read import BundleUnreadable, load_json_file
from assembly_desk.counting import Ballot

__all__ = ["Parsed", "parse_bundle"]


@dataclass(slots=True)
class Parsed:
    """The bundle as read: raw bytes (for hashes) and the parsed, validated values."""

    raw: Mapping[str, bytes]
    manifest: dict[str, Any]
    tally: dict[str, Any]
    cvrs: list[tuple[str, str]]  # (id, contest) in file order
    ballots: dict[str, list[Ballot]]
    audit: list[dict[str, Any]]
    #: The audit chain checked once here, for every check that needs it (hashing a long
    #: chain is the costly part, and three checks ask).
    chain: ChainReport = field(init=False)

    def __post_init__(self) -> None:
        self.chain = verify_chain(self.audit)


def _refuse_float(text: str) -> Any:
    raise ValueError(f"number {text} has a fraction or exponent; floats are not allowed")


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"{text} is not valid JSON")


def _require_canonical(name: str, data: bytes, value: Any) -> None:
    try:
        expected = canonical_json(value)
    except CanonicalizationError as error:
        raise SchemaError(name, error.path, error.problem) from None
    if expected != data:
        raise SchemaError(name, "$", "not in canonical form (RFC 8785, no spaces or newline)")


def _require_canonical_line(name: str, number: int, data: bytes, value: Any) -> None:
    """An audit line must be its entry's canonical bytes: nothing outside the hash."""
    try:
        expected = canonical_json(value)
    except CanonicalizationError as error:
        raise SchemaError(name, error.path, error.problem, number) from None
    if expected != data:
        raise SchemaError(name, "$", "not in canonical form (RFC 8785)", number)


_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _line_error(number: int, line: str) -> BundleUnreadable | SchemaError:
    """Why one CVR line did not scan as exactly one JSON value (slow path, errors only)."""
    try:
        json.loads(line, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error.msg}", number)
    except ValueError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error}", number)
    return SchemaError(CVR_FILE, "$", "not in canonical form (RFC 8785)", number)


def _parse_cvrs(data: bytes) -> tuple[list[tuple[str, str]], dict[str, list[Ballot]]]:
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
    # The decoder's scanner, set by JSONDecoder.__init__ (absent from its type stubs).
    scan = _DECODER.scan_once  # type: ignore[attr-defined]
    objs: list[dict[str, Any]] = []
    cvrs: list[tuple[str, str]] = []
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
        cvrs.append((cvr_id, contest))
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
    return cvrs, ballots


def parse_bundle(raw: Mapping[str, bytes]) -> Parsed:
    """Parse and validate all four files; raises BundleUnreadable or SchemaError."""
    manifest = load_json_file(MANIFEST_FILE, raw[MANIFEST_FILE])
    tally = load_json_file(TALLY_FILE, raw[TALLY_FILE])
    try:
        audit = load_jsonl(raw[AUDIT_FILE].splitlines(keepends=True))
    except JsonlError as error:
        raise BundleUnreadable(AUDIT_FILE, error.problem, error.line) from None
    except RecursionError:
        raise BundleUnreadable(AUDIT_FILE, "malformed JSON: nested too deeply") from None
    if raw[AUDIT_FILE] and not raw[AUDIT_FILE].endswith(b"\n"):
        raise BundleUnreadable(
            AUDIT_FILE, "last line does not end with a newline", raw[AUDIT_FILE].count(b"\n") + 1
        )
    # The same line split load_jsonl used, so line N is the text entry N came from.
    raw_lines = [line.removesuffix(b"\n") for line in raw[AUDIT_FILE].splitlines(keepends=True)]
    validate_manifest(manifest)
    _require_canonical(MANIFEST_FILE, raw[MANIFEST_FILE], manifest)
    for number, entry in enumerate(audit, start=1):
        _require_canonical_line(AUDIT_FILE, number, raw_lines[number - 1], entry)
    validate_tally(tally)
    _require_canonical(TALLY_FILE, raw[TALLY_FILE], tally)
    cvrs, ballots = _parse_cvrs(raw[CVR_FILE])
    return Parsed(raw, manifest, tally, cvrs, ballots, audit)
