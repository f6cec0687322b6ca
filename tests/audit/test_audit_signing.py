"""Ed25519 signatures: RFC 8032 vectors, our golden tally, the signer policy."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.audit.signing import (
    TALLY_PREFIX,
    SignaturePolicy,
    check_policy,
    policy_shape_problem,
    sign,
    sign_bytes,
    signed_message,
    verify_bytes,
    verify_signature,
)

VECTOR_DIR = Path(__file__).parent / "vectors"
RFC8032 = json.loads((VECTOR_DIR / "rfc8032_ed25519.json").read_text("utf-8"))["vectors"]
GOLDEN = json.loads((VECTOR_DIR / "assembly_desk_v1.json").read_text("utf-8"))


def _key(secret_hex: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret_hex))


def _info(key: Ed25519PrivateKey, name: str, role: str) -> PublicKeyInfo:
    public = public_key_hex(key)
    return PublicKeyInfo(name, role, public, fingerprint(public))


CHAIR = _key(GOLDEN["chair_secret_key"])
WITNESS = _key(GOLDEN["witness_secret_key"])
WITNESS2 = _key(RFC8032[2]["secret_key"])
STRANGER = _key(RFC8032[3]["secret_key"])
CHAIR_INFO = _info(CHAIR, "김의장", "chair")
WITNESS_INFO = _info(WITNESS, "이참관", "witness")
WITNESS2_INFO = _info(WITNESS2, "박참관", "witness")
POLICY = SignaturePolicy((CHAIR_INFO, WITNESS_INFO, WITNESS2_INFO), ("chair",), 1)
BODY = GOLDEN["tally"]["body"]


@pytest.mark.parametrize("vector", RFC8032, ids=lambda v: v["name"])
def test_rfc8032_vectors(vector: dict) -> None:
    key = _key(vector["secret_key"])
    message = bytes.fromhex(vector["message"])
    assert public_key_hex(key) == vector["public_key"]
    assert sign_bytes(key, message).hex() == vector["signature"]
    public = bytes.fromhex(vector["public_key"])
    signature = bytes.fromhex(vector["signature"])
    assert verify_bytes(public, message, signature)
    assert not verify_bytes(public, message + b"\x00", signature)
    assert not verify_bytes(public[:31], message, signature)


def test_golden_tally_reproduces() -> None:
    """Canonical form, prefix and signatures are pinned: any drift breaks old bundles."""
    assert signed_message(BODY).hex() == GOLDEN["tally_message_hex"]
    assert signed_message(BODY).startswith(b"assembly-desk/tally/v1\x00{")
    records = GOLDEN["tally"]["signatures"]
    assert sign(BODY, CHAIR, CHAIR_INFO) == records[0]
    assert sign(BODY, WITNESS, {"name": "이참관", "role": "witness"}) == records[1]
    policy = SignaturePolicy.from_dict(GOLDEN["policy"])
    assert check_policy(BODY, records, policy).ok


def test_verify_signature_detects_changes() -> None:
    record = sign(BODY, CHAIR, CHAIR_INFO)
    assert verify_signature(BODY, record)
    changed = copy.deepcopy(BODY)
    changed["contests"][0]["result"]["yes"] += 1
    assert not verify_signature(changed, record)
    assert not verify_signature(BODY, record, prefix=b"assembly-desk/manifest/v1\x00")
    assert not verify_signature(BODY, {**record, "fingerprint": WITNESS_INFO.fingerprint})
    assert not verify_signature(BODY, {**record, "public_key": WITNESS_INFO.public_key})
    assert not verify_signature(BODY, {**record, "alg": "rsa"})
    assert not verify_signature(BODY, {**record, "signature": record["signature"].upper()})
    assert not verify_signature(BODY, {k: v for k, v in record.items() if k != "signature"})


@given(st.integers(0, 63), st.integers(1, 255))
def test_any_flipped_signature_bit_fails(position: int, mask: int) -> None:
    record = sign(BODY, CHAIR, CHAIR_INFO)
    raw = bytearray(bytes.fromhex(record["signature"]))
    raw[position] ^= mask
    assert not verify_signature(BODY, {**record, "signature": raw.hex()})


def test_domain_prefix_must_end_in_single_nul() -> None:
    for bad in (b"assembly-desk/tally/v1", b"a\x00b\x00", b""):
        with pytest.raises(ValueError, match="NUL"):
            signed_message(BODY, bad)
    assert TALLY_PREFIX.endswith(b"\x00")


def test_sign_refuses_someone_elses_key_file() -> None:
    with pytest.raises(ValueError, match="does not belong"):
        sign(BODY, WITNESS, CHAIR_INFO)


def _statuses(report) -> list[str]:
    return [check.status for check in report.checks]


def test_policy_met() -> None:
    report = check_policy(
        BODY, [sign(BODY, CHAIR, CHAIR_INFO), sign(BODY, WITNESS, WITNESS_INFO)], POLICY
    )
    assert report.ok and report.met and report.clean
    assert report.missing == ()
    assert report.to_dict()["signatures"][0]["fingerprint"] == CHAIR_INFO.fingerprint


def test_policy_missing_chair() -> None:
    report = check_policy(BODY, [sign(BODY, WITNESS, WITNESS_INFO)], POLICY)
    assert not report.met
    assert report.missing == ("missing signature: chair",)


def test_policy_missing_witnesses() -> None:
    policy = SignaturePolicy(POLICY.signers, ("chair",), 2)
    report = check_policy(
        BODY, [sign(BODY, CHAIR, CHAIR_INFO), sign(BODY, WITNESS, WITNESS_INFO)], policy
    )
    assert report.missing == ("missing witness signatures: need 2, have 1",)
    both = [
        sign(BODY, k, i)
        for k, i in ((CHAIR, CHAIR_INFO), (WITNESS, WITNESS_INFO), (WITNESS2, WITNESS2_INFO))
    ]
    assert check_policy(BODY, both, policy).ok


def test_role_comes_from_the_manifest_not_the_record() -> None:
    """A witness key claiming the chair role does not satisfy the chair requirement."""
    forged = sign(BODY, WITNESS, {"name": "김의장", "role": "chair"})
    report = check_policy(BODY, [forged, sign(BODY, WITNESS2, WITNESS2_INFO)], POLICY)
    assert _statuses(report) == ["role-mismatch", "valid"]
    assert "missing signature: chair" in report.missing
    assert "manifest lists this key" in report.checks[0].reason


def test_unknown_key_is_reported_and_not_counted() -> None:
    stranger = sign(BODY, STRANGER, {"name": "외부인", "role": "chair"})
    report = check_policy(BODY, [stranger, sign(BODY, WITNESS, WITNESS_INFO)], POLICY)
    assert _statuses(report) == ["unknown-key", "valid"]
    assert report.missing == ("missing signature: chair",)
    assert not report.clean


def test_invalid_signature_spoils_an_otherwise_met_policy() -> None:
    bad = sign(BODY, WITNESS2, WITNESS2_INFO)
    bad["signature"] = sign(BODY, WITNESS, WITNESS_INFO)["signature"]
    records = [sign(BODY, CHAIR, CHAIR_INFO), sign(BODY, WITNESS, WITNESS_INFO), bad]
    report = check_policy(BODY, records, POLICY)
    assert report.met and not report.clean and not report.ok
    assert _statuses(report) == ["valid", "valid", "invalid"]


def test_duplicate_and_malformed_records() -> None:
    chair = sign(BODY, CHAIR, CHAIR_INFO)
    report = check_policy(BODY, [chair, chair, "junk", {"signer": "x"}], POLICY)
    assert _statuses(report) == ["valid", "duplicate", "malformed", "malformed"]
    assert report.missing == ("missing witness signatures: need 1, have 0",)


def test_required_role_without_any_key_says_so() -> None:
    policy = SignaturePolicy((WITNESS_INFO,), ("chair",), 0)
    report = check_policy(BODY, [sign(BODY, WITNESS, WITNESS_INFO)], policy)
    assert report.missing == ("missing signature: chair (no chair key in the manifest)",)


def test_policy_dict_round_trip_and_validation() -> None:
    assert SignaturePolicy.from_dict(POLICY.to_dict()) == POLICY
    assert POLICY.allowed_keys == tuple(i.public_key for i in POLICY.signers)
    with pytest.raises(ValueError):
        SignaturePolicy((CHAIR_INFO, CHAIR_INFO))
    with pytest.raises(ValueError):
        SignaturePolicy((CHAIR_INFO,), min_witnesses=-1)
    with pytest.raises(ValueError):
        SignaturePolicy.from_dict({**POLICY.to_dict(), "min_witnesses": "1"})


def test_a_record_with_an_unknown_field_is_malformed_not_ignored() -> None:
    record = {**sign(BODY, CHAIR, CHAIR_INFO), "note": "signed at the desk"}
    report = check_policy(BODY, [record, sign(BODY, WITNESS, WITNESS_INFO)], POLICY)
    assert _statuses(report) == ["malformed", "valid"]
    assert "unexpected field 'note'" in report.checks[0].reason
    assert not report.ok


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p.pop("witness_role"), "exactly the fields"),
        (lambda p: p.update(extra=1), "exactly the fields"),
        (lambda p: p.update(required_roles=["chair", "chair"]), "twice"),
        (lambda p: p.update(min_witnesses=True), "non-negative integer"),
        (lambda p: p["signers"][0].pop("fingerprint"), "exactly the fields"),
        (lambda p: p["signers"][0].update(title="동장"), "exactly the fields"),
        (
            lambda p: p["signers"][0].update(public_key=p["signers"][0]["public_key"].upper()),
            "lowercase",
        ),
        (
            lambda p: p["signers"][1].update(fingerprint=p["signers"][0]["fingerprint"]),
            "does not match",
        ),
        (lambda p: p["signers"].append(dict(p["signers"][0])), "listed twice"),
    ],
    ids=[
        "no-witness-role",
        "extra-field",
        "role-twice",
        "bool-witnesses",
        "no-fingerprint",
        "signer-extra-field",
        "uppercase-key",
        "wrong-fingerprint",
        "key-twice",
    ],
)
def test_policy_shape_is_strict_where_from_dict_is_lenient(change: Any, problem: str) -> None:
    assert policy_shape_problem(POLICY.to_dict()) is None
    data = copy.deepcopy(POLICY.to_dict())
    change(data)
    found = policy_shape_problem(data)
    assert found is not None and problem in found, found
