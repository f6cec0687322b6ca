"""Write, read and co-sign the signed tally bundle (format ``assembly-desk/bundle`` v1).

A bundle is a folder (or a zip of the same files)::

    manifest.json     assembly, contests (method, options, tie rule, seed commitment),
                      signers' public keys + signature policy, turnout counts,
                      SHA-256 of cvrs.jsonl and audit_log.jsonl
    cvrs.jsonl        one cast vote record per line, sorted by a random 128-bit id;
                      no person, time, desk or sequence (ballot secrecy)
    audit_log.jsonl   the hash-chained audit log (see chain.py)
    tally.json        {"body": {manifest_hash, cvrs_hash, audit_head, results, seeds},
                       "signatures": [records from signing.sign(body)]}

Every file is RFC 8785 canonical JSON (one object per line for JSONL), so
``sha256sum manifest.json`` prints ``body.manifest_hash``. Verification lives in
:mod:`.verify`; the format is described in docs/bundle-format.md.
"""

from __future__ import annotations

import contextlib
import operator
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import chain, compress, pairwise, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle_files import replace_file, write_folder
from assembly_desk.audit.bundle_schema import (
    AUDIT_FILE,
    CVR_FILE,
    FILES,
    FORMAT,
    MANIFEST_FILE,
    TALLY_FILE,
    VERSION,
    contest_entry,
    is_hex,
    validate_cvr,
    validate_manifest,
    validate_tally,
)
from assembly_desk.audit.canonical import canonical_json, sha256_hex
from assembly_desk.audit.canonical_lines import canonical_jsonl
from assembly_desk.audit.chain import GENESIS, verify_chain
from assembly_desk.audit.keys import PublicKeyInfo, public_key_hex
from assembly_desk.audit.signing import SignaturePolicy, sign
from assembly_desk.audit.verify_read import (
    BundleFiles,
    BundleUnreadable,
    load_json_file,
    read_bundle_files,
)
from assembly_desk.counting import (
    CountOptions,
    Result,
    fraction_to_json,
    seed_commitment,
    to_json_dict,
)

__all__ = [
    "BundleError",
    "BundleFiles",
    "BundleUnreadable",
    "add_signature",
    "load_json_file",
    "read_bundle_files",
    "write_bundle",
    "zip_bundle",
]

Signer = tuple[Ed25519PrivateKey, PublicKeyInfo]


class BundleError(ValueError):
    """A bundle cannot be written or co-signed as asked (the message says why)."""


# --- writing -------------------------------------------------------------------


_NAME_LISTS = ("ranking", "choices")


def _plain_and_valid(cvr: dict[str, Any]) -> bool:
    """A CVR of exactly id, contest and a list of names (ranking, choices) or a vote
    (a string or null); anything else takes the full :func:`validate_cvr` path."""
    if len(cvr) != 3 or type(cvr.get("contest")) is not str:
        return False
    for key in _NAME_LISTS:
        if key in cvr:
            value = cvr[key]
            return type(value) is list and (not value or set(map(type, value)) == {str})
    if "vote" in cvr:
        return cvr["vote"] is None or type(cvr["vote"]) is str
    return False


def _plain_cvrs_one_by_one(
    cvr_list: list[Mapping[str, Any]], contest_ids: set[str]
) -> list[dict[str, Any]]:
    """Each CVR copied, given a fresh id if it lacks one and checked; the first bad one raises."""
    fresh_ids = os.urandom(16 * len(cvr_list)).hex()
    plain_cvrs: list[dict[str, Any]] = []
    for index, cvr in enumerate(cvr_list):
        plain = dict(cvr)
        if "id" not in plain:
            # 128 random bits each, drawn in one call (same source as secrets.token_hex).
            plain["id"] = fresh_ids[32 * index : 32 * index + 32]
        elif not is_hex(plain["id"], 32):
            raise BundleError(f"CVR {index}: id must be 32 lowercase hex digits")
        if not _plain_and_valid(plain):
            plain = _plain_cvr(plain)
            problem = validate_cvr(plain)
            if problem is not None:
                raise BundleError(f"CVR {index}: {problem}")
        if plain["contest"] not in contest_ids:
            raise BundleError(f"CVR {index}: unknown contest {plain['contest']!r}")
        plain_cvrs.append(plain)
    return plain_cvrs


_IDS = re.compile(r"[0-9a-f]{32}(?:\n[0-9a-f]{32})*")
_PLAIN_KEYS = frozenset({"id", "contest", "vote", *_NAME_LISTS})


def _plain_cvrs_at_once(
    cvr_list: list[Mapping[str, Any]], contest_ids: set[str]
) -> list[dict[str, Any]] | None:
    """The copies :func:`_plain_cvrs_one_by_one` makes, checked by set operations over all
    CVRs at once: None (go one by one, which raises) unless every CVR is a dict passing
    :func:`_plain_and_valid` with a hex id and a known contest. Accepts nothing more."""
    if not cvr_list or set(map(type, cvr_list)) != {dict}:
        return None
    plain_cvrs: list[dict[str, Any]] = list(map(dict, cvr_list))
    has_id = list(map(operator.contains, plain_cvrs, repeat("id")))
    if not all(has_id):
        fresh_ids = os.urandom(16 * len(plain_cvrs)).hex()
        for index in compress(range(len(plain_cvrs)), map(operator.not_, has_id)):
            plain_cvrs[index]["id"] = fresh_ids[32 * index : 32 * index + 32]
    keys: set[str] = set().union(*plain_cvrs)
    if not keys <= _PLAIN_KEYS or set(map(len, plain_cvrs)) != {3}:
        return None
    try:
        ids = list(map(itemgetter("id"), plain_cvrs))
        contests = list(map(itemgetter("contest"), plain_cvrs))
    except KeyError:
        return None
    if set(map(type, ids)) != {str} or set(map(len, ids)) != {32}:
        return None
    if _IDS.fullmatch("\n".join(ids)) is None:
        return None
    if set(map(type, contests)) != {str} or not set(contests) <= contest_ids:
        return None
    for key in keys & set(_NAME_LISTS):
        lists = [cvr[key] for cvr in plain_cvrs if key in cvr]
        if set(map(type, lists)) != {list}:
            return None
        if not set(map(type, chain.from_iterable(lists))) <= {str}:
            return None
    votes = [cvr["vote"] for cvr in plain_cvrs if "vote" in cvr] if "vote" in keys else []
    return plain_cvrs if set(map(type, votes)) <= {str, type(None)} else None


def _plain_cvr(cvr: Mapping[str, Any]) -> dict[str, Any]:
    """Copy a CVR, turning Fraction scores into 'num/den' strings and tuples into lists."""
    out = dict(cvr)
    scores = out.get("scores")
    if isinstance(scores, Mapping):
        out["scores"] = {
            name: (
                {c: _exact(s) for c, s in value.items()}
                if isinstance(value, Mapping)
                else _exact(value)
            )
            for name, value in scores.items()
        }
    for key in ("choices", "ranking"):
        value = out.get(key)
        if value is not None and type(value) is not list:
            if isinstance(value, tuple):
                out[key] = [list(p) if isinstance(p, tuple) else p for p in value]
        elif value is not None and any(type(p) is tuple for p in value):
            out[key] = [list(p) if isinstance(p, tuple) else p for p in value]
    return out


def _exact(value: Any) -> Any:
    if isinstance(value, Fraction):
        return fraction_to_json(value)
    return value


def _prepare_manifest(manifest: Mapping[str, Any], signers: Sequence[Signer]) -> dict[str, Any]:
    out = dict(manifest)
    out["format"] = FORMAT
    out["version"] = VERSION
    contests = []
    for contest in out.get("contests", []):
        if isinstance(contest.get("options"), CountOptions):
            contest = contest_entry(
                contest["id"],
                contest.get("title", contest["id"]),
                contest["method"],
                contest["options"],
            )
        contests.append(contest)
    out["contests"] = contests
    policy = out.get("policy")
    if policy is None:
        policy = SignaturePolicy(signers=tuple(info for _, info in signers))
    if isinstance(policy, SignaturePolicy):
        policy = policy.to_dict()
    out["policy"] = policy
    return out


def write_bundle(
    out_dir: str | os.PathLike[str],
    manifest: Mapping[str, Any],
    cvrs: Iterable[Mapping[str, Any]],
    audit_entries: Sequence[Mapping[str, Any]],
    results: Mapping[str, Result | Mapping[str, Any]],
    seeds: Mapping[str, str],
    signers: Sequence[Signer],
) -> Path:
    """Write a signed bundle folder at ``out_dir`` (must not exist or be empty).

    ``manifest`` gives ``assembly``, ``contests`` (from :func:`contest_entry`, or with
    ``options`` as a :class:`CountOptions`), ``counts`` and optionally ``policy``
    (default: chair required, one witness, allowed keys = ``signers``); ``format``,
    ``version`` and ``files`` are filled in. CVRs get a random id if they lack one and
    are sorted by id. ``results`` maps contest id to a :class:`Result` or its
    ``to_json_dict``; ``seeds`` reveals each committed tie-break seed. Every signer
    must be listed in the policy; more can sign later with :func:`add_signature`.
    Text must already be NFC (see ``canonical.nfc``). The folder appears whole or not
    at all.
    """
    target = Path(out_dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BundleError(f"{target} already exists and is not an empty folder")
    man = _prepare_manifest(manifest, signers)
    contest_ids = {c["id"] for c in man["contests"] if isinstance(c, Mapping) and "id" in c}

    cvr_list = list(cvrs)
    plain_cvrs = _plain_cvrs_at_once(cvr_list, contest_ids)
    if plain_cvrs is None:
        plain_cvrs = _plain_cvrs_one_by_one(cvr_list, contest_ids)
    plain_cvrs.sort(key=itemgetter("id"))
    for first, second in pairwise(plain_cvrs):
        if first["id"] == second["id"]:
            raise BundleError(f"CVR id {first['id']} used twice")
    cvr_bytes = canonical_jsonl(plain_cvrs, checked=True)

    entries = [dict(entry) for entry in audit_entries]
    chain = verify_chain(entries)
    if not chain.ok:
        raise BundleError(f"audit log does not verify: {chain.reason}")
    audit_bytes = canonical_jsonl(entries)

    man["files"] = {CVR_FILE: sha256_hex(cvr_bytes), AUDIT_FILE: sha256_hex(audit_bytes)}
    try:
        validate_manifest(man)
    except ValueError as error:
        raise BundleError(str(error)) from None
    manifest_bytes = canonical_json(man)

    plain_results = {
        key: to_json_dict(value) if isinstance(value, Result) else dict(value)
        for key, value in results.items()
    }
    if set(plain_results) != contest_ids:
        raise BundleError(
            f"results must cover exactly the contests {sorted(contest_ids)}, "
            f"got {sorted(plain_results)}"
        )
    for contest in man["contests"]:
        seed = seeds.get(contest["id"])
        commitment = contest["seed_commitment"]
        if commitment is not None and (seed is None or seed_commitment(seed) != commitment):
            raise BundleError(
                f"contest {contest['id']}: seed missing or not matching its commitment"
            )
        if commitment is None and seed is not None:
            raise BundleError(f"contest {contest['id']}: seed given but none was committed")
    extra_seeds = sorted(set(seeds) - contest_ids)
    if extra_seeds:
        raise BundleError(f"seed for unknown contest {extra_seeds[0]!r}")
    body = {
        "manifest_hash": sha256_hex(manifest_bytes),
        "cvrs_hash": sha256_hex(cvr_bytes),
        "audit_head": chain.head if entries else GENESIS,
        "results": plain_results,
        "seeds": dict(seeds),
    }
    policy = SignaturePolicy.from_dict(man["policy"])
    signatures = [_sign_checked(body, key, info, policy) for key, info in signers]
    tally = {"body": body, "signatures": signatures}
    try:
        validate_tally(tally)
    except ValueError as error:
        raise BundleError(str(error)) from None
    files = {
        MANIFEST_FILE: manifest_bytes,
        CVR_FILE: cvr_bytes,
        AUDIT_FILE: audit_bytes,
        TALLY_FILE: canonical_json(tally),
    }
    write_folder(target, files)
    return target


def _sign_checked(
    body: Mapping[str, Any], key: Ed25519PrivateKey, info: PublicKeyInfo, policy: SignaturePolicy
) -> dict[str, str]:
    listed = {signer.public_key: signer for signer in policy.signers}
    public = public_key_hex(key)
    allowed = listed.get(public)
    if allowed is None:
        raise BundleError(
            f"{info.name}'s key ({info.fingerprint}) is not listed among the manifest's signers"
        )
    if (allowed.name, allowed.role) != (info.name, info.role):
        raise BundleError(
            f"the manifest lists this key as {allowed.name!r} ({allowed.role}), "
            f"not {info.name!r} ({info.role})"
        )
    return sign(body, key, allowed)


def add_signature(
    bundle_dir: str | os.PathLike[str],
    private_key: Ed25519PrivateKey,
    info: PublicKeyInfo,
    *,
    check: bool = True,
) -> dict[str, str]:
    """Co-sign an existing bundle folder (e.g. a witness, later, on their own laptop).

    With ``check`` (the default) the bundle is verified first and signing is refused
    unless every check passes except a signature policy that still lacks signatures:
    nobody should sign a tally they have not recounted. The key must be listed in the
    manifest's policy and must not have signed already. Returns the new record;
    ``tally.json`` is replaced atomically.
    """
    from assembly_desk.audit.verify import verify_bundle

    folder = Path(bundle_dir)
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a bundle folder (unpack a zip before signing)")
    if check:
        report = verify_bundle(folder)
        if report.exit_code == 2:
            raise BundleError(f"bundle unreadable: {report.failures[0].detail()}")
        blocking = [c for c in report.checks if not c.ok and c.name != "policy"]
        if blocking:
            raise BundleError(
                "bundle does not verify, refusing to sign: "
                + "; ".join(f"{c.name}: {c.detail()}" for c in blocking)
            )
    tally = load_json_file(TALLY_FILE, (folder / TALLY_FILE).read_bytes())
    manifest = load_json_file(MANIFEST_FILE, (folder / MANIFEST_FILE).read_bytes())
    validate_tally(tally)
    policy = SignaturePolicy.from_dict(manifest["policy"])
    record = _sign_checked(tally["body"], private_key, info, policy)
    if any(
        isinstance(old, Mapping) and old.get("public_key") == record["public_key"]
        for old in tally["signatures"]
    ):
        raise BundleError(f"{info.name} ({info.fingerprint}) has already signed this bundle")
    tally["signatures"].append(record)
    replace_file(folder / TALLY_FILE, canonical_json(tally))
    return record


def zip_bundle(bundle_dir: str | os.PathLike[str], zip_path: str | os.PathLike[str]) -> Path:
    """Pack a bundle folder into a zip (files at the top level), written atomically."""
    folder = Path(bundle_dir)
    target = Path(zip_path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in FILES:
                archive.write(folder / name, name)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target
