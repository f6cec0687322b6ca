"""The quick ways of writing a bundle give exactly the bytes and refusals of the exact ones.

``canonical_jsonl`` encodes a whole file with the C encoder and keeps that text only when
it is provably RFC 8785; ``write_bundle`` checks plain CVRs all at once before going one
by one. Each is compared here with the reference: ``canonical_json`` line by line, and
the one-by-one CVR check.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections import OrderedDict
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from assembly_desk.audit import bundle as bundle_module
from assembly_desk.audit.bundle import BundleError
from assembly_desk.audit.canonical import MAX_SAFE_INTEGER, CanonicalizationError, canonical_json
from assembly_desk.audit.canonical_lines import canonical_jsonl
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.audit.verify_cvrs import parse_cvrs

from .conftest import build_bundle, sample_cvrs


def reference(values: list[Any]) -> bytes:
    """Today's bytes: the exact encoder, one line per value."""
    return b"".join(canonical_json(value) + b"\n" for value in values)


def outcome(fn: Any, values: list[Any]) -> tuple[str, Any]:
    try:
        return "ok", fn(values)
    except (CanonicalizationError, TypeError, ValueError) as error:
        return "error", type(error)


NAMES = ["홍길동", "김철수", "이영희", "박", "A", "Zoë", "名前", "\ue000", "\uffff"]
ESCAPES = ["\x00", "\x1f", "\x7f", "\u2028", "\u2029", '"', "\\", "\n", "\r", "\t", "\b", "\f"]


def varied_cvrs(rnd: random.Random, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for number in range(n):
        cvr: dict[str, Any] = {"id": f"{rnd.getrandbits(128):032x}", "contest": "c"}
        kind = number % 6
        if kind == 0:
            cvr["ranking"] = rnd.sample(NAMES, rnd.randint(0, len(NAMES)))
        elif kind == 1:  # tied positions nest a list in the ranking
            cvr["ranking"] = [rnd.choice(NAMES), rnd.sample(NAMES, 2), [], rnd.choice(NAMES)]
        elif kind == 2:
            cvr["choices"] = rnd.sample(NAMES, rnd.randint(0, 3))
        elif kind == 3:
            cvr["vote"] = rnd.choice([None, "yes", "기권", "".join(rnd.sample(ESCAPES, 4))])
        elif kind == 4:
            cvr["scores"] = {
                name: {"비전": rnd.randint(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER), "plan": "7/2"}
                for name in rnd.sample(NAMES, 3)
            }
            cvr["group"] = rnd.choice(["주민", "심사위원", ""])
        else:
            cvr["scores"] = {rnd.choice(NAMES) + rnd.choice(ESCAPES): rnd.randint(0, 10)}
        out.append(cvr)
    return out


EDGE_VALUES: list[Any] = [
    {"n": MAX_SAFE_INTEGER, "m": -MAX_SAFE_INTEGER, "z": 0, "t": True, "f": False, "x": None},
    {"deep": [[[["가", {"나": [1, [2, [3]]]}]]]], "": ""},
    {"ctl": "".join(map(chr, range(0x20))) + "\x7f\u2028\ufeff", "q": '"\\/'},
    {"\ue000": 1, "\uffff": 2, "a": 3, "가": 4, "Z": 5},  # BMP keys: code point order
    {"emoji": "😀", "\U0001f600": 1, "\uffff": 2},  # astral: UTF-16 order differs
    {"nfd": unicodedata.normalize("NFD", "홍길동")},
    {"nfc_after_escape": "\n\u0301"},  # NFC value whose escaped text is not NFC
    {"big": 2**53},
    {"neg": -(2**60)},
    {"float": 0.5},
    {"whole float": 1.0},
    {"nan": float("nan")},
    {1: "int key"},
    {None: "null key"},
    {"tuple": ("a", ("b", "c"))},
    {"proxy": MappingProxyType({"b": 1, "a": 2})},
    OrderedDict([("b", 1), ("a", 2)]),
    {"lone": "\ud800"},
    {"set": {1, 2}},
    {"bytes": b"x"},
    [1, "two", None],
    "just a string",
    7,
]


def test_varied_cvrs_encode_to_the_reference_bytes() -> None:
    values = varied_cvrs(random.Random(20261128), 600)
    assert canonical_jsonl(values) == reference(values)
    assert canonical_jsonl(values, checked=True) == reference(values)
    for value in values:
        assert canonical_jsonl([value]) == reference([value])


@pytest.mark.parametrize("value", EDGE_VALUES, ids=[str(i) for i in range(len(EDGE_VALUES))])
def test_every_edge_value_gives_the_reference_bytes_or_its_error(value: Any) -> None:
    plain = {"id": "0" * 32, "contest": "c", "ranking": ["가"]}
    for values in ([value], [plain, value, plain]):
        assert outcome(canonical_jsonl, values) == outcome(reference, values)


def test_a_file_of_many_plain_cvrs_is_the_reference_and_reads_back() -> None:
    rnd = random.Random(7)
    values = [
        {"id": f"{rnd.getrandbits(128):032x}", "contest": "c", "ranking": rnd.sample(NAMES, 5)}
        for _ in range(5000)
    ]
    data = canonical_jsonl(values, checked=True)
    assert data == reference(values)
    ids, _contests, ballots = parse_cvrs(data)
    assert ids == [v["id"] for v in values] and len(ballots["c"]) == 5000


def test_write_bundle_writes_the_reference_cvr_bytes(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    folder = build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]])
    data = (folder / "cvrs.jsonl").read_bytes()
    lines = [json.loads(line) for line in data.splitlines()]
    assert data == reference(lines)
    assert verify_bundle(folder).exit_code in (0, 1)


BAD_CVRS: list[tuple[str, Any, str]] = [
    ("desk", {"desk": "A"}, "'desk' is not allowed"),
    ("short id", {"id": "1"}, "32 lowercase hex"),
    ("upper id", {"id": "A" * 32}, "32 lowercase hex"),
    ("id with newline", {"id": "a" * 31 + "\n"}, "32 lowercase hex"),
    ("int id", {"id": 7}, "32 lowercase hex"),
    ("unknown contest", {"contest": "other"}, "unknown contest"),
    ("int contest", {"contest": 3}, "contest missing or not a string"),
    ("int name", {"ranking": ["A", 3]}, "ranking position"),
    ("vote number", {"ranking": None, "vote": 1}, "must be a string or null"),
    ("two selections", {"vote": "yes"}, "needs exactly one"),
]


@pytest.mark.parametrize(("what", "change", "message"), BAD_CVRS, ids=[b[0] for b in BAD_CVRS])
def test_the_quick_check_refuses_as_the_one_by_one_check(
    what: str, change: dict[str, Any], message: str
) -> None:
    contests = {"chair-election", "motion-1"}
    cvrs = [dict(cvr, id=f"{n:032x}") for n, cvr in enumerate(sample_cvrs()) if n != 13]
    cvrs[3] = {k: v for k, v in {**cvrs[3], **change}.items() if v is not None}
    assert bundle_module._plain_cvrs_at_once(cvrs, contests) is None
    with pytest.raises(BundleError, match=message) as refused:
        bundle_module._plain_cvrs_one_by_one(cvrs, contests)
    assert str(refused.value).startswith("CVR 3: ")


def test_write_bundle_refuses_a_bad_id_among_plain_cvrs(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    cvrs = [cvr for cvr in sample_cvrs() if cvr.get("ranking") != ["A", ["B", "C"]]]
    cvrs[5] = dict(cvrs[5], id="g" * 32)
    with pytest.raises(BundleError, match="CVR 5: id must be 32 lowercase hex"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]], cvrs=cvrs)
    assert not (tmp_path / "b").exists()


def test_the_quick_check_copies_plain_cvrs_as_the_one_by_one_check() -> None:
    contests = {"chair-election", "motion-1"}
    cvrs = [cvr for cvr in sample_cvrs() if cvr.get("ranking") != ["A", ["B", "C"]]]
    quick = bundle_module._plain_cvrs_at_once(cvrs, contests)
    slow = bundle_module._plain_cvrs_one_by_one(cvrs, contests)
    assert quick is not None and len(quick) == len(slow) == len(cvrs)
    strip = [{k: v for k, v in cvr.items() if k != "id"} for cvr in quick]
    assert strip == [{k: v for k, v in cvr.items() if k != "id"} for cvr in slow] == cvrs
    assert all("id" not in cvr for cvr in cvrs)  # the caller's CVRs are left alone
    assert len({cvr["id"] for cvr in quick}) == len(quick)
    tied = sample_cvrs()  # a tied ranking position is not plain: one by one
    assert bundle_module._plain_cvrs_at_once(tied, contests) is None
    fractions = [{"contest": "c", "scores": {"A": Fraction(7, 2)}}]
    assert bundle_module._plain_cvrs_at_once(fractions, {"c"}) is None


def _selections(monkeypatch: pytest.MonkeyPatch, texts: list[str]) -> Any:
    from assembly_desk.services.tally import results

    rows = [(f"{n:032x}", text) for n, text in enumerate(texts)]
    monkeypatch.setattr(results.ballot_rows, "selections", lambda _uow, _cid: rows)
    return results.stored_selections(None, 1)  # type: ignore[arg-type]


def test_stored_selections_decode_as_json_loads_row_by_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = ['{"ranking":["가","나"]}', '{"vote":null}', ' {"choices": []} ', '{"a":1.5}']
    got = _selections(monkeypatch, texts)
    assert got == [(f"{n:032x}", json.loads(text)) for n, text in enumerate(texts)]
    assert _selections(monkeypatch, []) == []
    # Joined by commas these two rows read as two objects; each row alone is not one.
    with pytest.raises(json.JSONDecodeError, match=f"stored ballot {0:032x}"):
        _selections(monkeypatch, ['{"a":1},{"b":"x}', '{"}'])
    with pytest.raises(json.JSONDecodeError, match=f"stored ballot {1:032x}: .*Extra data"):
        _selections(monkeypatch, ['{"a":1}', '{"b":2}{"c":3}'])
    assert _selections(monkeypatch, ['{"v":"yes"}\n'])[0][1] == {"v": "yes"}


def test_every_count_builds_plain_rankings_as_ballot_from_cvr_does() -> None:
    """The one-pass ballots (the export's recount, the 결과 tab's count, the verifier's
    reader) equal those of ``ballot_from_cvr``, paper by paper, and count the same."""
    from assembly_desk.audit.bundle_schema import ballot_from_cvr, ballots_from_selections
    from assembly_desk.counting import CountOptions, TieRule, count
    from assembly_desk.domain.errors import Refused
    from assembly_desk.services.tally.results import run

    options = CountOptions(candidates=("가", "나", "다"), tie=TieRule(seed="주사위"))
    rankings = [["가", "나"], ["나"], ["다", "가"], [], ["나", "가", "다"], ["다"]] * 5
    plain = [{"ranking": r} for r in rankings]
    tied = [*plain, {"ranking": ["가", ["나", "다"]]}]  # not plain: one call per paper
    for selections in (plain, tied):
        one_by_one = [ballot_from_cvr(sel) for sel in selections]
        assert ballots_from_selections(selections) == one_by_one
        assert run("irv", selections, options) == count("irv", one_by_one, options)
    no_seed = CountOptions(candidates=("가", "나"))
    with pytest.raises(Refused):
        run("irv", [{"ranking": ["가"]}, {"ranking": ["나"]}], no_seed)
