"""Parse the four raw bundle files strictly: canonical JSON, v1 shapes, no unknown field.

Every byte a verifier later reads has passed through here: the manifest and the tally
must be RFC 8785 canonical (so what was hashed and signed is exactly what is read),
each CVR line one canonical object with only the CVR fields, and the audit log one
canonical entry per line (the link and field checks are :func:`chain.verify_chain`'s).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assembly_desk.audit.bundle_schema import (
    AUDIT_FILE,
    CVR_FILE,
    MANIFEST_FILE,
    TALLY_FILE,
    SchemaError,
    validate_manifest,
    validate_tally,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json
from assembly_desk.audit.canonical_lines import gc_paused
from assembly_desk.audit.chain import ChainReport, JsonlError, load_jsonl, verify_chain
from assembly_desk.audit.verify_cvrs import parse_cvrs
from assembly_desk.audit.verify_read import BundleUnreadable, load_json_file
from assembly_desk.counting import Ballot

__all__ = ["Parsed", "parse_bundle"]


@dataclass(slots=True)
class Parsed:
    """The bundle as read: raw bytes (for hashes) and the parsed, validated values."""

    raw: Mapping[str, bytes]
    manifest: dict[str, Any]
    tally: dict[str, Any]
    ids: list[str]  # CVR ids in file order
    contests: list[str]  # each CVR's contest, in file order
    ballots: dict[str, list[Ballot]]
    audit: list[dict[str, Any]]
    #: CVRs per contest, counted once (in C) for the contest and turnout checks.
    per_contest: Counter[str] = field(init=False)
    #: The audit chain checked once here, for every check that needs it (hashing a long
    #: chain is the costly part, and three checks ask).
    chain: ChainReport = field(init=False)

    def __post_init__(self) -> None:
        self.chain = verify_chain(self.audit)
        self.per_contest = Counter(self.contests)

    @property
    def cvrs(self) -> list[tuple[str, str]]:
        """(id, contest) of every CVR in file order."""
        return list(zip(self.ids, self.contests, strict=True))


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


def parse_bundle(raw: Mapping[str, bytes]) -> Parsed:
    """Parse and validate all four files; raises BundleUnreadable or SchemaError."""
    with gc_paused():
        return _parse_bundle(raw)


def _parse_bundle(raw: Mapping[str, bytes]) -> Parsed:
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
    ids, contests, ballots = parse_cvrs(raw[CVR_FILE])
    return Parsed(raw, manifest, tally, ids, contests, ballots, audit)
