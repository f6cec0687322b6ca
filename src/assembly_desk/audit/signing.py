"""Domain-separated Ed25519 signatures and the multi-signer policy.

The signed message is ``prefix + canonical_json(body)``. The prefix names the
format and version and ends in a NUL byte, so a signature over a tally can
never be replayed as a signature over some other kind of message, present or
future (the VotingWorks approach). Verification recomputes the canonical bytes
from the body; the record never carries the message itself.

Roles come from the manifest, not from the signature record: a record's
``role`` is only a claim, and a witness key claiming "chair" must not satisfy
the chair requirement. :class:`SignaturePolicy` therefore lists the allowed
signers with their roles, and :func:`check_policy` compares each record to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from assembly_desk.audit.canonical import JSONValue, canonical_json
from assembly_desk.audit.keys import (
    PublicKeyInfo,
    decode_public_key,
    fingerprint,
    public_key_hex,
)

__all__ = [
    "COUNT_EVENT",
    "POLICY_EVENTS",
    "SIGNATURE_ALG",
    "TALLY_PREFIX",
    "PolicyReport",
    "SignatureCheck",
    "SignaturePolicy",
    "check_policy",
    "policy_shape_problem",
    "sign",
    "sign_bytes",
    "signed_message",
    "verify_bytes",
    "verify_signature",
]

#: Prefix of a signed tally body. A new body format gets a new version here.
TALLY_PREFIX = b"assembly-desk/tally/v1\x00"

#: Value of a record's ``alg`` field; the only algorithm we accept.
SIGNATURE_ALG = "ed25519"

Status = Literal["valid", "invalid", "unknown-key", "role-mismatch", "duplicate", "malformed"]

_RECORD_FIELDS = ("alg", "signer", "role", "public_key", "fingerprint", "signature")

#: Audit events whose ``data["policy"]`` records the whole signature policy, every
#: signer's name, role, public key and fingerprint included, as it stood after the
#: change. The last one before a contest's first count is what the assembly committed
#: to before anyone knew the result; a bundle's manifest policy must equal it.
POLICY_EVENTS = frozenset({"signer.registered", "signature.policy_set"})

#: Audit event of a count; ``data["contest_key"]`` names the bundle contest and
#: ``data["result_sha256"]`` is ``canonical_hash`` of the result stored in tally.json.
COUNT_EVENT = "tally.counted"

_POLICY_FIELDS = frozenset({"required_roles", "min_witnesses", "witness_role", "signers"})
_SIGNER_FIELDS = frozenset({"name", "role", "public_key", "fingerprint"})


def policy_shape_problem(data: Any) -> str | None:
    """None if ``data`` is a policy exactly as :meth:`SignaturePolicy.to_dict` writes it.

    Strict where :meth:`SignaturePolicy.from_dict` is lenient: no missing or unknown
    field, no default filled in, keys in their canonical lowercase form and fingerprints
    present and right, so that what a verifier reads is byte for byte what was signed
    and recorded in the chain.
    """
    if not isinstance(data, Mapping) or set(data) != _POLICY_FIELDS:
        return f"must have exactly the fields {sorted(_POLICY_FIELDS)}"
    roles = data["required_roles"]
    if type(roles) is not list or not all(type(r) is str and r for r in roles):
        return "required_roles must be a list of role names"
    if len(set(roles)) != len(roles):
        return "required_roles names a role twice"
    witnesses = data["min_witnesses"]
    if type(witnesses) is not int or witnesses < 0:
        return "min_witnesses must be a non-negative integer"
    if type(data["witness_role"]) is not str or not data["witness_role"]:
        return "witness_role must be a role name"
    signers = data["signers"]
    if type(signers) is not list:
        return "signers must be a list"
    for index, item in enumerate(signers):
        if not isinstance(item, Mapping) or set(item) != _SIGNER_FIELDS:
            return f"signers[{index}] must have exactly the fields {sorted(_SIGNER_FIELDS)}"
        if not all(type(item[k]) is str for k in _SIGNER_FIELDS):
            return f"signers[{index}]: every field must be a string"
        try:
            info = PublicKeyInfo.from_dict(dict(item))
        except (ValueError, KeyError) as error:
            return f"signers[{index}]: {error}"
        if info.to_dict() != dict(item):
            return f"signers[{index}]: public key not in its canonical form"
    try:
        SignaturePolicy.from_dict(data)
    except ValueError as error:
        return str(error)
    return None


def signed_message(body: JSONValue, prefix: bytes = TALLY_PREFIX) -> bytes:
    """The exact bytes signed: ``prefix`` then the RFC 8785 form of ``body``.

    The prefix must end in one NUL and hold no other, so no prefix is a
    prefix of another and the domains cannot overlap.
    """
    if not prefix.endswith(b"\x00") or prefix.count(b"\x00") != 1:
        raise ValueError("a domain prefix must end with a single NUL byte")
    return prefix + canonical_json(body)


def sign_bytes(private_key: Ed25519PrivateKey, message: bytes) -> bytes:
    """Raw Ed25519 (RFC 8032, deterministic): 64-byte signature over ``message``."""
    return private_key.sign(message)


def verify_bytes(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Raw Ed25519 check; False for a bad signature or a malformed key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign(
    body: JSONValue,
    private_key: Ed25519PrivateKey,
    signer_meta: PublicKeyInfo | Mapping[str, str],
    *,
    prefix: bytes = TALLY_PREFIX,
) -> dict[str, str]:
    """Sign ``body`` and return the record stored in ``tally.json``'s ``signatures``.

    ``signer_meta`` gives ``name`` and ``role`` (a :class:`PublicKeyInfo` or a
    mapping). If it also names a ``public_key``, it must be this key's: that
    catches the wrong key file picked for a person before anything is signed.
    """
    meta = signer_meta.to_dict() if isinstance(signer_meta, PublicKeyInfo) else signer_meta
    public = public_key_hex(private_key)
    stated = meta.get("public_key")
    if stated is not None and stated != public:
        raise ValueError(
            f"key file does not belong to {meta['name']!r}: its fingerprint is "
            f"{fingerprint(public)}, expected {fingerprint(stated)}"
        )
    signature = sign_bytes(private_key, signed_message(body, prefix))
    return {
        "alg": SIGNATURE_ALG,
        "signer": str(meta["name"]),
        "role": str(meta["role"]),
        "public_key": public,
        "fingerprint": fingerprint(public),
        "signature": signature.hex(),
    }


def verify_signature(
    body: JSONValue, record: Mapping[str, Any], *, prefix: bytes = TALLY_PREFIX
) -> bool:
    """True if ``record`` is a well-formed, correct signature over ``body``.

    Checks only the cryptography and the record's self-consistency (``alg``,
    fingerprint matches key); whether the key is allowed is :func:`check_policy`'s
    job. A body that cannot be canonicalised raises, as it is a schema error.
    """
    return _verify_record(signed_message(body, prefix), record) is None


@dataclass(frozen=True, slots=True)
class SignaturePolicy:
    """Who must sign: stored in the manifest next to the signers' public keys.

    ``signers`` are the allowed keys with their manifest roles.
    ``required_roles`` each need a valid signature from a key of that role;
    ``min_witnesses`` counts distinct valid keys whose role is ``witness_role``.
    """

    signers: tuple[PublicKeyInfo, ...]
    required_roles: tuple[str, ...] = ("chair",)
    min_witnesses: int = 1
    witness_role: str = "witness"

    def __post_init__(self) -> None:
        if self.min_witnesses < 0:
            raise ValueError("min_witnesses cannot be negative")
        keys = [signer.public_key for signer in self.signers]
        if len(set(keys)) != len(keys):
            raise ValueError("a public key is listed twice in the signature policy")

    @property
    def allowed_keys(self) -> tuple[str, ...]:
        return tuple(signer.public_key for signer in self.signers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "required_roles": list(self.required_roles),
            "min_witnesses": self.min_witnesses,
            "witness_role": self.witness_role,
            "signers": [signer.to_dict() for signer in self.signers],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignaturePolicy:
        min_witnesses = data.get("min_witnesses", 1)
        if not isinstance(min_witnesses, int) or isinstance(min_witnesses, bool):
            raise ValueError("min_witnesses must be an integer")
        return cls(
            signers=tuple(PublicKeyInfo.from_dict(item) for item in data["signers"]),
            required_roles=tuple(str(role) for role in data.get("required_roles", ["chair"])),
            min_witnesses=min_witnesses,
            witness_role=str(data.get("witness_role", "witness")),
        )


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The verdict on one signature record, in the order the bundle lists them."""

    index: int
    signer: str
    role: str
    fingerprint: str
    status: Status
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "signer": self.signer,
            "role": self.role,
            "fingerprint": self.fingerprint,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class PolicyReport:
    """Each signature's verdict and what the policy still lacks.

    ``met``: the requirements are satisfied by valid signatures. ``clean``:
    every record is valid (a forged or stray record is a finding even when the
    others suffice). A verifier accepts only ``ok`` (both).
    """

    checks: tuple[SignatureCheck, ...]
    missing: tuple[str, ...] = field(default=())

    @property
    def met(self) -> bool:
        return not self.missing

    @property
    def clean(self) -> bool:
        return all(check.status == "valid" for check in self.checks)

    @property
    def ok(self) -> bool:
        return self.met and self.clean

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "met": self.met,
            "clean": self.clean,
            "missing": list(self.missing),
            "signatures": [check.to_dict() for check in self.checks],
        }


def check_policy(
    body: JSONValue,
    signatures: Iterable[Any],
    policy: SignaturePolicy,
    *,
    prefix: bytes = TALLY_PREFIX,
) -> PolicyReport:
    """Verify every record in ``signatures`` and test ``policy`` against the valid ones."""
    message = signed_message(body, prefix)
    by_key = {signer.public_key: signer for signer in policy.signers}
    counted: dict[str, PublicKeyInfo] = {}
    checks: list[SignatureCheck] = []
    for index, record in enumerate(signatures):
        check = _check_one(index, record, message, by_key, counted)
        checks.append(check)
    return PolicyReport(tuple(checks), _missing(policy, list(counted.values())))


def _check_one(
    index: int,
    record: Any,
    message: bytes,
    by_key: Mapping[str, PublicKeyInfo],
    counted: dict[str, PublicKeyInfo],
) -> SignatureCheck:
    if not isinstance(record, Mapping):
        return SignatureCheck(index, "", "", "", "malformed", "signature record is not an object")
    signer, role = str(record.get("signer", "")), str(record.get("role", ""))
    public = record.get("public_key")
    shown = str(record.get("fingerprint", ""))

    def verdict(status: Status, reason: str = "") -> SignatureCheck:
        return SignatureCheck(index, signer, role, shown, status, reason)

    problem = _verify_record(message, record)
    if problem is not None and problem.startswith("malformed"):
        return verdict("malformed", problem)
    assert isinstance(public, str)
    allowed = by_key.get(public)
    if allowed is None:
        return verdict("unknown-key", f"key {fingerprint(public)} is not in the manifest")
    if problem is not None:
        return verdict("invalid", problem)
    if (allowed.name, allowed.role) != (signer, role):
        return verdict(
            "role-mismatch",
            f"record says {signer!r} as {role!r}; the manifest lists this key as "
            f"{allowed.name!r} as {allowed.role!r}",
        )
    if public in counted:
        return verdict("duplicate", "this key already signed; counted once")
    counted[public] = allowed
    return verdict("valid")


def _verify_record(message: bytes, record: Mapping[str, Any]) -> str | None:
    """None if the record verifies, else why not ("malformed: ..." for shape errors)."""
    for name in _RECORD_FIELDS:
        if not isinstance(record.get(name), str):
            return f"malformed: field {name!r} missing or not a string"
    extra = sorted(set(record) - set(_RECORD_FIELDS))
    if extra:
        return f"malformed: unexpected field {extra[0]!r}"
    if record["alg"] != SIGNATURE_ALG:
        return f"malformed: unsupported algorithm {record['alg']!r}"
    try:
        public = decode_public_key(record["public_key"])
    except ValueError as error:
        return f"malformed: {error}"
    signature_hex = record["signature"]
    if len(signature_hex) != 128 or signature_hex != signature_hex.lower():
        return "malformed: signature must be 128 lowercase hex digits"
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        return "malformed: signature must be 128 lowercase hex digits"
    if record["fingerprint"] != fingerprint(public):
        return "fingerprint does not match the public key"
    if not verify_bytes(public, message, signature):
        return "signature does not verify (body changed, or not signed by this key)"
    return None


def unmet_by_keys(policy: SignaturePolicy) -> tuple[str, ...]:
    """What the policy requires that no registered key could ever give (empty: satisfiable).

    Counting asks this first: the policy is committed before the count, so a count made
    while the chair's or a witness's key is missing could never be signed validly.
    """
    return _missing(policy, list(policy.signers))


def _missing(policy: SignaturePolicy, valid: Sequence[PublicKeyInfo]) -> tuple[str, ...]:
    missing: list[str] = []
    roles_present = {signer.role for signer in valid}
    for role in policy.required_roles:
        if role not in roles_present:
            if not any(signer.role == role for signer in policy.signers):
                missing.append(f"missing signature: {role} (no {role} key in the manifest)")
            else:
                missing.append(f"missing signature: {role}")
    witnesses = sum(1 for signer in valid if signer.role == policy.witness_role)
    if witnesses < policy.min_witnesses:
        missing.append(
            f"missing {policy.witness_role} signatures: need {policy.min_witnesses}, "
            f"have {witnesses}"
        )
    return tuple(missing)
