"""The hash-chained, append-only audit log: entry format and verification.

Each entry links to the one before by hash (the Belenios event archive idea),
so editing, removing, inserting or reordering any entry breaks every link
after it. What a chain cannot show on its own is a cut or rewritten *tail*:
compare its head with a head that was published earlier (signed into the
tally, printed in the minutes) via ``expected_head`` or :func:`contains_head`.

Entry (one JSON object per line of ``audit_log.jsonl``, RFC 8785 form)::

    {"seq": 1, "time": "2025-11-25T09:00:00.000Z", "kind": "poll.opened",
     "data": {...}, "prev": "<64 hex: previous entry's hash, or 64 zeros>",
     "sealed": null, "hash": "<64 hex>"}

``seq`` starts at 1 and rises by one.

Two formats, told apart by the ``sealed`` field:

* **v2** (written since the published log became private-by-default) carries
  ``"sealed": null`` or ``"sealed": "<64 hex>"``, a salted commitment to a
  private part (who checked in, at which desk, a free-text reason) that stays
  in the assembly's database::

      sealed = sha256(b"assembly-desk/audit/seal/v1\\x00" + salt(32 bytes)
                      + canonical_json(private))
      hash   = sha256(b"assembly-desk/audit/v2\\x00" + canonical_json(entry minus "hash"))

  The entry hash covers the seal, not the private part, so a published log
  without private parts still verifies link by link, and an official who opens
  a seal (shows salt and private part) proves it was there from the start.
  The random salt stops anyone guessing a small private part (a person id, one
  of three desks) by hashing candidates.
* **v1** (databases from earlier releases) has no ``sealed`` field and hashes
  with ``b"assembly-desk/audit/v1\\x00"``. It still verifies; a v1 entry after
  a v2 entry is refused, since no current writer produces one.

Ballot secrecy: the chain must never hold an event per cast ballot (with its
time or order it would let anyone link voters to ballots). Callers log poll
opened/closed, counts, seeds and the like; this module cannot tell and does
not try.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from assembly_desk.audit.canonical import (
    CanonicalizationError,
    JSONValue,
    canonical_json,
    loads,
)

__all__ = [
    "AUDIT_PREFIX",
    "AUDIT_PREFIX_V2",
    "GENESIS",
    "SALT_BYTES",
    "SEAL_PREFIX",
    "ChainReport",
    "JsonlError",
    "contains_head",
    "dump_jsonl",
    "entry_hash",
    "format_utc",
    "load_jsonl",
    "make_entry",
    "seal_digest",
    "seal_matches",
    "verify_chain",
]

#: ``prev`` of the first entry.
GENESIS = "0" * 64

#: Domain prefix of a v1 entry hash (no ``sealed`` field); distinct from every signature prefix.
AUDIT_PREFIX = b"assembly-desk/audit/v1\x00"

#: Domain prefix of a v2 entry hash (with ``sealed``): the format is named in what is hashed.
AUDIT_PREFIX_V2 = b"assembly-desk/audit/v2\x00"

#: Domain prefix of a seal, so a seal can never be mistaken for an entry hash or a signature.
SEAL_PREFIX = b"assembly-desk/audit/seal/v1\x00"

#: Length of a seal's random salt: enough that guessing the private part is hopeless.
SALT_BYTES = 32

_FIELDS = frozenset({"seq", "time", "kind", "data", "prev", "hash"})
_FIELDS_V2 = _FIELDS | {"sealed"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_KIND = re.compile(r"[a-z0-9][a-z0-9_.\-]*")


class JsonlError(ValueError):
    """A JSONL file line that is not a JSON object; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of :func:`verify_chain`.

    ``count``: entries read. ``head``: hash of the last entry that verified
    (``GENESIS`` if none). On failure, ``first_bad_index`` is the 0-based
    position (JSONL line minus one), ``first_bad_seq`` the entry's seq where
    readable, and ``reason`` says what is wrong in plain words.
    """

    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    first_bad_index: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "head": self.head,
            "first_bad_seq": self.first_bad_seq,
            "first_bad_index": self.first_bad_index,
            "reason": self.reason,
        }


def format_utc(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z"


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Recompute an entry's hash from its content (its ``hash`` field is ignored).

    The prefix follows the format: v2 when the entry has a ``sealed`` field, else v1.
    """
    content = {key: value for key, value in entry.items() if key != "hash"}
    prefix = AUDIT_PREFIX_V2 if "sealed" in entry else AUDIT_PREFIX
    return hashlib.sha256(prefix + canonical_json(content)).hexdigest()


def seal_digest(salt: bytes, private: Mapping[str, Any]) -> str:
    """The commitment an entry's ``sealed`` field holds to its private part.

    Anyone shown ``salt`` and ``private`` can recompute it; nobody shown only the
    digest can tell what it hides, however few the candidates.
    """
    if len(salt) != SALT_BYTES:
        raise ValueError(f"a seal's salt must be {SALT_BYTES} bytes")
    if not isinstance(private, Mapping):
        raise ValueError("a private part must be a JSON object")
    return hashlib.sha256(SEAL_PREFIX + salt + canonical_json(dict(private))).hexdigest()


def seal_matches(entry: Mapping[str, Any], salt: bytes, private: Mapping[str, Any]) -> bool:
    """True if ``salt`` and ``private`` open the entry's seal (an official showing a part)."""
    sealed = entry.get("sealed")
    if not isinstance(sealed, str):
        return False
    try:
        return seal_digest(salt, private) == sealed
    except (ValueError, CanonicalizationError):
        return False


def make_entry(
    prev_hash: str,
    seq: int,
    time: str | datetime,
    kind: str,
    data: Mapping[str, Any],
    *,
    sealed: str | None = None,
) -> dict[str, Any]:
    """Build the next (v2) entry; validates every field so a bad entry is never written.

    ``sealed`` is :func:`seal_digest` of the entry's private part, or None without one.
    """
    if isinstance(time, datetime):
        time = format_utc(time)
    if not isinstance(data, Mapping):
        raise ValueError("data must be a JSON object")
    entry: dict[str, Any] = {
        "seq": seq,
        "time": time,
        "kind": kind,
        "data": dict(data),
        "prev": prev_hash,
        "sealed": sealed,
    }
    problem = _shape_problem(entry, with_hash=False)
    if problem:
        raise ValueError(problem)
    entry["hash"] = entry_hash(entry)
    return entry


def verify_chain(
    entries: Iterable[Mapping[str, Any]], *, expected_head: str | None = None
) -> ChainReport:
    """Check shape, self-hash, seq continuity and links of every entry.

    Stops at the first problem. ``expected_head``, when given, must equal the
    last entry's hash: without it a truncated or rewritten tail goes unseen.
    Accepts v1 entries, v2 entries, and a v1 prefix followed by v2 (a database
    upgraded from an earlier release); the published file alone suffices, since
    seals are checked as opaque digests here (see :func:`seal_matches`).
    """
    head = GENESIS
    count = 0
    failure: tuple[int | None, int, str] | None = None
    seen_v2 = False
    for index, entry in enumerate(entries):
        count += 1
        if failure is not None:
            continue
        expected_seq = index + 1
        problem = _check_entry(entry, expected_seq, head)
        if problem is None and seen_v2 and "sealed" not in entry:
            problem = (
                f"entry {expected_seq}: old-format entry (no 'sealed' field) after a "
                "new-format one (rewritten?)"
            )
        if problem is not None:
            seq = entry.get("seq") if isinstance(entry, Mapping) else None
            good_seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
            failure = (good_seq, index, problem)
            continue
        seen_v2 = seen_v2 or "sealed" in entry
        head = entry["hash"]
    if failure is not None:
        seq, index, reason = failure
        return ChainReport(False, count, head, seq, index, reason)
    if expected_head is not None and head != expected_head:
        return ChainReport(
            False,
            count,
            head,
            None,
            None,
            f"chain head {head} differs from the expected head {expected_head} "
            "(entries removed from or rewritten at the end?)",
        )
    return ChainReport(True, count, head)


def contains_head(entries: Iterable[Mapping[str, Any]], head_hash: str) -> bool:
    """True if an earlier head is still in the chain (``verify --since``).

    Hashes are recomputed, not read. Run :func:`verify_chain` too: only a valid
    chain that contains the old head proves everything up to it is unchanged.
    """
    if head_hash == GENESIS:
        return True
    for entry in entries:
        try:
            if entry_hash(entry) == head_hash:
                return True
        except (CanonicalizationError, AttributeError):
            continue
    return False


def dump_jsonl(entries: Iterable[JSONValue], fp: IO[bytes]) -> None:
    """Write one RFC 8785 object per line (binary file, UTF-8, ``\\n`` endings)."""
    for entry in entries:
        fp.write(canonical_json(entry) + b"\n")


def load_jsonl(fp: IO[bytes] | Iterable[bytes | str]) -> list[dict[str, Any]]:
    """Read a JSONL file of objects strictly (see ``canonical.loads``).

    Raises :class:`JsonlError` naming the 1-based line of the first bad one.
    A final newline is expected; blank lines elsewhere are errors.
    """
    result: list[dict[str, Any]] = []
    for number, raw in enumerate(fp, start=1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            raise JsonlError(number, "not valid UTF-8") from None
        text = text.removesuffix("\n")
        if not text.strip():
            raise JsonlError(number, "empty line")
        try:
            value = loads(text)
        except ValueError as error:
            raise JsonlError(number, f"malformed JSON: {error}") from None
        if not isinstance(value, dict):
            raise JsonlError(number, "not a JSON object")
        result.append(value)
    return result


def _check_entry(entry: Any, expected_seq: int, prev_head: str) -> str | None:
    if not isinstance(entry, Mapping):
        return f"entry {expected_seq}: not a JSON object"
    problem = _shape_problem(entry, with_hash=True)
    label = entry.get("seq") if isinstance(entry.get("seq"), int) else expected_seq
    if problem:
        return f"entry {label}: {problem}"
    try:
        actual = entry_hash(entry)
    except CanonicalizationError as error:
        return f"entry {label}: cannot be canonicalised ({error})"
    if actual != entry["hash"]:
        return f"entry {label}: hash does not match its content (edited?)"
    if entry["seq"] != expected_seq:
        return (
            f"seq gap: expected entry {expected_seq}, found entry {entry['seq']} "
            "(removed, inserted or reordered?)"
        )
    if entry["prev"] != prev_head:
        if expected_seq == 1:
            return "entry 1: prev is not the genesis value (the log does not start here?)"
        return (
            f"entry {expected_seq}: prev does not match entry {expected_seq - 1} "
            "(removed or reordered?)"
        )
    return None


def _shape_problem(entry: Mapping[str, Any], *, with_hash: bool) -> str | None:
    base = _FIELDS_V2 if "sealed" in entry else _FIELDS
    fields = base if with_hash else base - {"hash"}
    if set(entry) != fields:
        extra = sorted(set(entry) - fields)
        lacking = sorted(fields - set(entry))
        return f"wrong fields (missing {lacking}, unexpected {extra})"
    seq = entry["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "seq must be a positive integer"
    if not isinstance(entry["time"], str) or not _TIME.fullmatch(entry["time"]):
        return "time must be ISO-8601 UTC like 2025-11-25T09:00:00.000Z"
    try:
        datetime.fromisoformat(entry["time"])
    except ValueError:
        return f"time {entry['time']!r} is not a real date and time"
    if not isinstance(entry["kind"], str) or not _KIND.fullmatch(entry["kind"]):
        return "kind must be lowercase letters, digits, '.', '_' or '-'"
    if not isinstance(entry["data"], Mapping):
        return "data must be a JSON object"
    for name in ("prev", "hash") if with_hash else ("prev",):
        if not isinstance(entry[name], str) or not _HEX64.fullmatch(entry[name]):
            return f"{name} must be 64 lowercase hex digits"
    sealed = entry.get("sealed")
    if sealed is not None and (not isinstance(sealed, str) or not _HEX64.fullmatch(sealed)):
        return "sealed must be null or 64 lowercase hex digits"
    return None
