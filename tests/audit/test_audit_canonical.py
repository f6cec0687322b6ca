"""RFC 8785 canonical JSON: published vectors, our restrictions, cross-check."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assembly_desk.audit.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalizationError,
    CanonicalTypeError,
    canonical_hash,
    canonical_json,
    loads,
    nfc,
    sha256_hex,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc8785_jcs.json").read_text("utf-8"))


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"][:5])
def test_rfc8785_vectors(vector: dict) -> None:
    value = json.loads(vector["input"])
    out = canonical_json(value, require_nfc=vector["require_nfc"])
    assert out == vector["expected"].encode("utf-8")
    if "expected_utf8_hex" in vector:
        assert out.hex() == vector["expected_utf8_hex"]


def test_rfc8785_sorting_vector_is_refused_under_nfc_rule() -> None:
    """U+FB33 decomposes under NFC, so our default rule names the key."""
    sorting = next(v for v in VECTORS["vectors"] if v["name"].startswith("3.2.3"))
    with pytest.raises(CanonicalizationError) as caught:
        canonical_json(json.loads(sorting["input"]))
    assert "NFC" in str(caught.value)
    assert "\ufb33" in caught.value.path


def test_sorting_uses_utf16_code_units_not_code_points() -> None:
    # U+1F600 (surrogates D83D DE00) sorts before U+FF61 in UTF-16, after it by code point.
    out = canonical_json({"\uff61": 1, "\U0001f600": 2}).decode()
    assert out == '{"\U0001f600":2,"\uff61":1}'


def test_control_characters_escape_as_lowercase_hex() -> None:
    assert canonical_json("\x00\x1f\x7f") == b'"\\u0000\\u001f\x7f"'
    assert canonical_json('\b\t\n\f\r"\\/') == b'"\\b\\t\\n\\f\\r\\"\\\\/"'


def test_non_ascii_is_not_escaped() -> None:
    assert canonical_json({"이름": "홍길동"}) == '{"이름":"홍길동"}'.encode()


@pytest.mark.parametrize("bad", [1.0, 0.5, float("nan"), [1, 2.5], {"a": {"b": 1e3}}])
def test_floats_are_refused(bad: object) -> None:
    with pytest.raises(CanonicalTypeError) as caught:
        canonical_json(bad)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, ValueError)
    assert "float" in str(caught.value)


def test_float_error_names_the_path() -> None:
    with pytest.raises(CanonicalTypeError, match=r"\$\.contests\[1\]\.share"):
        canonical_json({"contests": [{}, {"share": 0.5}]})


@pytest.mark.parametrize("bad", [b"x", {1, 2}, object(), {1: "int key"}])
def test_other_types_are_refused(bad: object) -> None:
    with pytest.raises(CanonicalTypeError):
        canonical_json(bad)


def test_integer_range() -> None:
    assert canonical_json(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonical_json(-MAX_SAFE_INTEGER) == b"-9007199254740991"
    for bad in (MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30):
        with pytest.raises(CanonicalizationError, match="2\\*\\*53"):
            canonical_json(bad)


def test_bool_and_null_are_not_ints() -> None:
    assert canonical_json([True, False, None, 0, 1]) == b"[true,false,null,0,1]"


def test_nfd_text_is_refused_with_path_and_nfc_fixes_it() -> None:
    decomposed = unicodedata.normalize("NFD", "홍길동")
    assert decomposed != "홍길동"
    with pytest.raises(CanonicalizationError) as caught:
        canonical_json({"signers": [{"name": decomposed}]})
    assert caught.value.path == "$.signers[0].name"
    fixed = nfc({"signers": [{"name": decomposed}]})
    assert canonical_json(fixed) == canonical_json({"signers": [{"name": "홍길동"}]})


def test_nfd_key_is_refused() -> None:
    with pytest.raises(CanonicalizationError, match="NFC"):
        canonical_json({unicodedata.normalize("NFD", "é"): 1})


def test_nfc_reports_colliding_keys() -> None:
    with pytest.raises(CanonicalizationError, match="collide"):
        nfc({"é": 1, unicodedata.normalize("NFD", "é"): 2})


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(CanonicalizationError, match="surrogate"):
        canonical_json("\ud800")


def test_tuples_serialise_as_arrays() -> None:
    assert canonical_json({"a": (1, "x")}) == b'{"a":[1,"x"]}'


def test_hash_formats() -> None:
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert canonical_hash({"b": 1, "a": []}) == sha256_hex(b'{"a":[],"b":1}')


def test_strict_loads() -> None:
    assert loads(b'{"a": [1, "x", null, true]}') == {"a": [1, "x", None, True]}
    for bad in ('{"a": 1, "a": 2}', "[1.0]", "[1e3]", "[NaN]", "[-Infinity]", "[9007199254740992]"):
        with pytest.raises(ValueError):
            loads(bad)


# --- cross-check with the independent rfc8785 package ---------------------

json_text = (
    st.text()
    .map(lambda s: unicodedata.normalize("NFC", s))
    .filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s))
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | json_text,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(json_text, children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(json_values)
def test_matches_rfc8785_package(value: object) -> None:
    rfc8785 = pytest.importorskip("rfc8785")
    assert canonical_json(value) == rfc8785.dumps(value)


@given(json_values)
def test_round_trip_through_strict_loads(value: object) -> None:
    assert loads(canonical_json(value)) == value
