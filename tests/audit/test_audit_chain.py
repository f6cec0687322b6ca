"""Hash-chained audit log: golden vector, tamper detection, JSONL I/O."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assembly_desk.audit.canonical import CanonicalizationError
from assembly_desk.audit.chain import (
    AUDIT_PREFIX,
    GENESIS,
    JsonlError,
    contains_head,
    dump_jsonl,
    entry_hash,
    format_utc,
    load_jsonl,
    make_entry,
    verify_chain,
)

GOLDEN = json.loads(
    (Path(__file__).parent / "vectors" / "assembly_desk_v1.json").read_text("utf-8")
)
START = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)


def build_chain(n: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = make_entry(prev, seq, START + timedelta(minutes=seq), "poll.event", {"n": seq})
        entries.append(entry)
        prev = entry["hash"]
    return entries


def rehash(entry: dict[str, Any]) -> dict[str, Any]:
    entry["hash"] = entry_hash(entry)
    return entry


def test_golden_v1_chain_still_verifies() -> None:
    """Entries written by the release before seals (no ``sealed`` field) keep verifying."""
    entries = GOLDEN["audit_log"]
    assert all("sealed" not in entry for entry in entries)
    prev = GENESIS
    for entry in entries:
        assert entry["prev"] == prev and entry_hash(entry) == entry["hash"]
        prev = entry["hash"]
    report = verify_chain(entries, expected_head=GOLDEN["audit_head"])
    assert report.ok and report.count == 3 and report.head == GOLDEN["audit_head"]


def test_new_entries_carry_a_seal_field_and_hash_as_v2() -> None:
    entry = make_entry(GENESIS, 1, START, "poll.opened", {"contest": 1})
    assert entry["sealed"] is None
    content = {k: v for k, v in entry.items() if k != "hash"}
    rfc8785 = pytest.importorskip("rfc8785")
    expected = hashlib.sha256(b"assembly-desk/audit/v2\x00" + rfc8785.dumps(content))
    assert entry["hash"] == expected.hexdigest()
    assert verify_chain([entry]).ok


def test_entry_hash_matches_independent_recomputation() -> None:
    rfc8785 = pytest.importorskip("rfc8785")
    for entry in GOLDEN["audit_log"]:
        content = {k: v for k, v in entry.items() if k != "hash"}
        expected = hashlib.sha256(b"assembly-desk/audit/v1\x00" + rfc8785.dumps(content))
        assert entry["hash"] == expected.hexdigest()
    assert AUDIT_PREFIX == b"assembly-desk/audit/v1\x00"


def test_empty_chain_is_valid() -> None:
    report = verify_chain([])
    assert report.ok and report.count == 0 and report.head == GENESIS


# --- tampering: Hypothesis picks the chain length and the victim ---------

chain_and_index = st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1)))


@given(chain_and_index)
def test_edit_is_detected(case: tuple[int, int]) -> None:
    n, i = case
    entries = build_chain(n)
    entries[i]["data"]["n"] = -1
    report = verify_chain(entries)
    assert not report.ok
    assert report.first_bad_seq == i + 1 and report.first_bad_index == i
    assert report.reason == f"entry {i + 1}: hash does not match its content (edited?)"
    assert report.head == (entries[i - 1]["hash"] if i else GENESIS)


@given(chain_and_index)
def test_edit_with_recomputed_hash_is_detected(case: tuple[int, int]) -> None:
    n, i = case
    entries = build_chain(n)
    head = entries[-1]["hash"]
    entries[i]["data"]["n"] = -1
    rehash(entries[i])
    report = verify_chain(entries, expected_head=head)
    assert not report.ok
    if i < n - 1:
        assert report.first_bad_seq == i + 2
        assert report.reason == (
            f"entry {i + 2}: prev does not match entry {i + 1} (removed or reordered?)"
        )
    else:  # a rewritten last entry shows only against a published head
        assert verify_chain(entries).ok
        assert "differs from the expected head" in report.reason


@given(chain_and_index)
def test_delete_is_detected(case: tuple[int, int]) -> None:
    n, i = case
    entries = build_chain(n)
    head = entries[-1]["hash"]
    del entries[i]
    report = verify_chain(entries, expected_head=head)
    assert not report.ok
    if i < n - 1:
        assert not verify_chain(entries).ok
        assert "seq gap" in report.reason
    else:
        assert "expected head" in report.reason


@given(st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.permutations(range(n)))))
def test_reorder_is_detected(case: tuple[int, list[int]]) -> None:
    n, order = case
    entries = build_chain(n)
    shuffled = [entries[k] for k in order]
    assert verify_chain(shuffled).ok == (list(order) == list(range(n)))


@given(chain_and_index)
def test_insert_is_detected(case: tuple[int, int]) -> None:
    """A forged entry that links correctly to its predecessor still breaks the chain."""
    n, i = case
    entries = build_chain(n)
    prev = entries[i - 1]["hash"] if i else GENESIS
    forged = make_entry(prev, i + 1, START, "poll.event", {"n": 999})
    entries.insert(i, forged)
    report = verify_chain(entries)
    assert not report.ok
    assert report.first_bad_index == i + 1


def test_renumbered_deletion_shows_as_broken_link() -> None:
    entries = build_chain(5)
    del entries[2]
    for entry in entries[2:]:
        entry["seq"] -= 1
        rehash(entry)
    report = verify_chain(entries)
    assert report.reason == "entry 3: prev does not match entry 2 (removed or reordered?)"


def test_first_entry_must_start_from_genesis() -> None:
    entries = build_chain(3)[1:]
    report = verify_chain(entries)
    assert not report.ok and "seq gap: expected entry 1, found entry 2" in report.reason
    lone = [make_entry("1" * 64, 1, START, "x", {})]
    assert "genesis" in verify_chain(lone).reason


def test_structural_problems_are_named() -> None:
    entries = build_chain(3)
    broken = copy.deepcopy(entries)
    broken[1]["extra"] = 1
    assert "unexpected ['extra']" in verify_chain(broken).reason
    broken = copy.deepcopy(entries)
    broken[1]["data"]["share"] = 0.5
    assert "cannot be canonicalised" in verify_chain(broken).reason
    assert "not a JSON object" in verify_chain([*entries, "junk"]).reason


# --- building entries -------------------------------------------------------


def test_make_entry_validates() -> None:
    ok = {"prev_hash": GENESIS, "seq": 1, "time": START, "kind": "poll.opened", "data": {}}
    for field, bad, match in [
        ("seq", 0, "seq"),
        ("seq", True, "seq"),
        ("time", "2025-11-25 09:00:00", "ISO-8601"),
        ("time", "2025-02-30T09:00:00Z", "real date"),
        ("time", datetime(2025, 1, 1), "timezone-aware"),
        ("kind", "Poll Opened", "kind"),
        ("prev_hash", "abc", "prev"),
        ("data", [], "data"),
    ]:
        with pytest.raises(ValueError, match=match):
            make_entry(**{**ok, field: bad})
    with pytest.raises(CanonicalizationError):
        make_entry(**{**ok, "data": {"share": 0.5}})


def test_format_utc_converts_to_z() -> None:
    kst = timezone(timedelta(hours=9))
    assert format_utc(datetime(2025, 11, 25, 18, 0, 0, 123456, tzinfo=kst)) == (
        "2025-11-25T09:00:00.123Z"
    )


def test_contains_head() -> None:
    entries = build_chain(5)
    assert all(contains_head(entries, e["hash"]) for e in entries)
    assert contains_head(entries, GENESIS)
    assert not contains_head(entries, "f" * 64)
    edited = copy.deepcopy(entries)
    edited[2]["data"]["n"] = -1  # stored hash no longer matches: not counted
    assert not contains_head(edited, entries[2]["hash"])


# --- JSONL ------------------------------------------------------------------


def test_jsonl_round_trip() -> None:
    entries = build_chain(4)
    buffer = io.BytesIO()
    dump_jsonl(entries, buffer)
    lines = buffer.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 5
    assert lines[0].startswith(b'{"data":{"n":1},"hash":"')
    buffer.seek(0)
    assert load_jsonl(buffer) == entries


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (b'{"a":1}\n{"a":\n', 2, "malformed JSON"),
        (b'{"a":1}\n\n{"a":2}\n', 2, "empty line"),
        (b'{"a":1}\n[1]\n', 2, "not a JSON object"),
        (b'{"a":1.5}\n', 1, "floats are not allowed"),
        (b'{"a":1,"a":2}\n', 1, "duplicate"),
        (b'{"a":"\xff"}\n', 1, "UTF-8"),
    ],
)
def test_jsonl_errors_name_the_line(text: bytes, line: int, problem: str) -> None:
    with pytest.raises(JsonlError) as caught:
        load_jsonl(io.BytesIO(text))
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert problem in str(caught.value)
