"""Signed tally bundles on the command line: ``verify``, ``keys create``, ``bundle create|sign``.

``assembly-desk verify BUNDLE [--json] [--since HASH] [--trust KEYFILE|FINGERPRINT ...]``
    every check of docs/bundle-format.md; exit 0 valid, 1 invalid, 2 unreadable (or a
    ``--trust`` value that cannot be read). Without ``--trust`` the report says that the
    signers' identities were not checked and prints their fingerprints.
``assembly-desk keys create --name N --role chair|witness --out FILE.pem``
    a passphrase-protected Ed25519 key plus ``FILE.pub.json`` (name, role, public key,
    fingerprint) that ``bundle create`` reads to list the signer in the manifest.
``assembly-desk bundle create --out DIR --ballots FILE.jsonl --contest-id ID --title T
    --method M [count options] --key FILE.pem [--key ...] --policy chair,witness ...``
    a headless bundle from a ballot file (the app's own export comes from the database).
``assembly-desk bundle sign DIR --key FILE.pem``
    a witness verifies the bundle on their own machine, then adds their signature.

These commands need no database.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_REFUSED
from assembly_desk.cli.count_options import METHOD_NAMES, add_count_options, options_from
from assembly_desk.cli.key_args import key_file, key_files, new_passphrase
from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t

if TYPE_CHECKING:
    from assembly_desk.audit.keys import PublicKeyInfo

# The audit package (cryptography), counting and the bundle services are imported by the
# function that runs a command, not here: parsing and ``--help`` need none of them.

ROLES = ("chair", "witness")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``verify``, ``keys`` and ``bundle``."""
    ver = sub.add_parser("verify", help=t("bundle.help.verify"))
    ver.add_argument("bundle", help=t("cli.help.bundle_path"))
    ver.add_argument("--json", action="store_true", help=t("bundle.help.json"))
    ver.add_argument("--since", metavar="HASH", help=t("bundle.help.since"))
    ver.add_argument(
        "--trust",
        action="append",
        metavar="KEYFILE|FINGERPRINT",
        help=t("bundle.help.trust"),
    )
    ver.set_defaults(func=run_verify)

    keys = sub.add_parser("keys", help=t("bundle.help.keys"))
    keys_sub = keys.add_subparsers(dest="keys_action", required=True)
    kc = keys_sub.add_parser("create", help=t("bundle.help.keys_create"))
    kc.add_argument("--name", required=True, help=t("bundle.help.name"))
    kc.add_argument("--role", required=True, choices=ROLES, help=t("bundle.help.role"))
    kc.add_argument("--out", required=True, help=t("bundle.help.out_key"))
    kc.add_argument("--passphrase-file", help=t("bundle.help.passphrase_file"))
    kc.set_defaults(func=run_keys_create)

    bun = sub.add_parser("bundle", help=t("bundle.help.bundle"))
    bun_sub = bun.add_subparsers(dest="bundle_action", required=True)
    bc = bun_sub.add_parser("create", help=t("bundle.help.create"))
    bc.add_argument("--out", required=True)
    bc.add_argument("--ballots", required=True, help=t("count.help.ballots"))
    bc.add_argument("--contest-id", required=True)
    bc.add_argument("--title", required=True)
    bc.add_argument("--method", required=True, choices=METHOD_NAMES)
    bc.add_argument("--assembly-title", default="")
    bc.add_argument("--date", default="", help="YYYY-MM-DD")
    bc.add_argument("--district", default="")
    add_count_options(bc)
    bc.add_argument("--key", action="append", required=True, help=t("bundle.help.key"))
    bc.add_argument(
        "--key-passphrase-file",
        action="append",
        default=[],
        help=t("bundle.help.key_passphrase_file"),
    )
    bc.add_argument("--signer", action="append", default=[], help=t("bundle.help.signer"))
    bc.add_argument("--policy", default="chair,witness", help=t("bundle.help.policy"))
    bc.add_argument("--min-witnesses", type=int, help=t("bundle.help.min_witnesses"))
    bc.add_argument("--issued", type=int, required=True)
    bc.add_argument("--checked-in", type=int, required=True)
    bc.set_defaults(func=run_bundle_create)

    bs = bun_sub.add_parser("sign", help=t("bundle.help.sign"))
    bs.add_argument("bundle", help="BUNDLE folder")
    bs.add_argument("--key", required=True, help=t("bundle.help.key"))
    bs.add_argument("--key-passphrase-file", help=t("bundle.help.key_passphrase_file"))
    bs.set_defaults(func=run_bundle_sign)


def _error(message: str) -> None:
    print(t("bundle.error", message=message), file=sys.stderr)


# --- verify ----------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    from assembly_desk.audit.verify import (
        EXIT_UNREADABLE,
        TrustError,
        parse_trust,
        render_report,
        verify_bundle,
    )

    anchors = None
    if args.trust:
        try:
            anchors = [parse_trust(value) for value in args.trust]
        except TrustError as error:
            print(t("verify.trust_bad", reason=str(error)), file=sys.stderr)
            return EXIT_UNREADABLE
    report = verify_bundle(args.bundle, since_head=args.since, trust=anchors)
    if args.json:
        print(json.dumps(report.to_dict("en"), ensure_ascii=False, indent=2))
    else:
        print(render_report(report))
    return report.exit_code


# --- keys --------------------------------------------------------------------------


def run_keys_create(args: argparse.Namespace) -> int:
    from assembly_desk.audit.canonical import canonical_json, nfc
    from assembly_desk.audit.keys import KeyFileError, generate_key, save_private_key
    from assembly_desk.services.bundle_export import sidecar_path

    out = Path(args.out)
    if out.exists():
        _error(t("bundle.key_exists", path=str(out)))
        return EXIT_ERROR
    name = nfc(args.name)
    try:
        pem, info = generate_key(name, args.role, new_passphrase(name, args.passphrase_file))
    except KeyFileError as error:
        _error(error.message())
        return EXIT_ERROR
    except (OSError, ValueError) as error:
        _error(str(error))
        return EXIT_ERROR
    save_private_key(out, pem)
    sidecar_path(out).write_bytes(canonical_json(info.to_dict()) + b"\n")
    print(
        t(
            "bundle.key_created",
            path=str(out),
            name=info.name,
            role=info.role,
            public_key=info.public_key,
            fingerprint=info.fingerprint,
        )
    )
    return EXIT_OK


# --- bundle create / sign ------------------------------------------------------------


def _read_cvrs(path: str, contest_id: str) -> list[dict[str, Any]]:
    """Ballot JSONL -> CVR dicts of one contest (NFC text, exact numbers)."""
    from assembly_desk.audit.bundle_schema import SELECTION_KEYS
    from assembly_desk.audit.canonical import nfc
    from assembly_desk.counting.ballot_file import BallotFileError, parse_line

    cvrs: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        raise BallotFileError(t("count.file.unreadable", path=path, error=error.strerror)) from None
    except UnicodeDecodeError:
        raise BallotFileError(t("count.file.not_utf8", path=path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parse_line(line)  # same validation and messages as `assembly-desk count`
            obj = json.loads(line, parse_float=Fraction)
        except ValueError as error:
            raise BallotFileError(str(error), number) from None
        cvr: dict[str, Any] = {"contest": contest_id}
        for key in (*SELECTION_KEYS, "group"):
            if key in obj:
                cvr[key] = obj[key]
        cvrs.append(nfc(cvr))
    return cvrs


def _signer_arg(text: str) -> PublicKeyInfo:
    from assembly_desk.audit.canonical import nfc
    from assembly_desk.audit.keys import PublicKeyInfo, fingerprint
    from assembly_desk.services.bundle_export import read_public_info

    if text.endswith(".json"):
        return read_public_info(text)
    name, role, public = text.rsplit(":", 2)
    return PublicKeyInfo(nfc(name), role, public, fingerprint(public))


def run_bundle_create(args: argparse.Namespace) -> int:
    from assembly_desk.audit.bundle import BundleError, write_bundle
    from assembly_desk.audit.bundle_schema import ballot_from_cvr, contest_entry
    from assembly_desk.audit.canonical import (
        CanonicalizationError,
        canonical_hash,
        nfc,
        sha256_hex,
    )
    from assembly_desk.audit.chain import GENESIS, make_entry
    from assembly_desk.audit.signing import SignaturePolicy
    from assembly_desk.audit.verify_rules import rules_of_entry
    from assembly_desk.counting import OptionError, TieNeedsLotError, count, to_json_dict
    from assembly_desk.counting.ballot_file import BallotFileError
    from assembly_desk.services.bundle_export import load_listed_signer

    try:
        options = options_from(args)
        cvrs = _read_cvrs(args.ballots, nfc(args.contest_id))
        ballots = [ballot_from_cvr(cvr) for cvr in cvrs]
        result = count(args.method, ballots, options)
        signers = [load_listed_signer(k) for k in key_files(args.key, args.key_passphrase_file)]
        listed = [info for _, info in signers] + [_signer_arg(s) for s in args.signer]
        roles = [r.strip() for r in args.policy.split(",") if r.strip()]
        witnesses = args.min_witnesses
        if witnesses is None:
            witnesses = 1 if "witness" in roles else 0
        policy = SignaturePolicy(
            signers=tuple(listed),
            required_roles=tuple(r for r in roles if r != "witness"),
            min_witnesses=witnesses,
        )
        contest = contest_entry(nfc(args.contest_id), nfc(args.title), args.method, options)
        now = datetime.now(UTC)
        # The policy and keys are recorded before the count, and the count logs its
        # result hash: `verify` compares the manifest and the tally with these.
        # The rule is fixed here, before the count, as a poll's is when it opens.
        events: list[tuple[str, dict[str, Any]]] = [
            ("signature.policy_set", {"policy": policy.to_dict()}),
            ("poll.opened", {"contest": contest["id"], "rules": rules_of_entry(contest)}),
        ]
        if contest["seed_commitment"] is not None:
            events.append(
                (
                    "seed.committed",
                    {"contest": contest["id"], "commitment": contest["seed_commitment"]},
                )
            )
        events.append(("poll.closed", {"contest": contest["id"], "cast": len(cvrs)}))
        events.append(
            (
                "tally.counted",
                {
                    "contest": contest["id"],
                    "contest_key": contest["id"],
                    "method": args.method,
                    "result_sha256": canonical_hash(to_json_dict(result)),
                },
            )
        )
        entries, prev = [], GENESIS
        for seq, (kind, data) in enumerate(events, start=1):
            entry = make_entry(prev, seq, now, kind, data)
            entries.append(entry)
            prev = entry["hash"]
        manifest = {
            "assembly": nfc(
                {"title": args.assembly_title, "date": args.date, "district": args.district}
            ),
            "contests": [contest],
            "policy": policy.to_dict(),
            "counts": {"checked_in": args.checked_in, "issued": {contest["id"]: args.issued}},
        }
        seeds = {contest["id"]: nfc(args.seed)} if args.seed is not None else {}
        out = write_bundle(
            args.out, manifest, cvrs, entries, {contest["id"]: result}, seeds, signers
        )
    except DeskError as error:  # key files, sidecars
        _error(error.message())
        return EXIT_ERROR
    except (
        BallotFileError,
        OptionError,
        TieNeedsLotError,
        BundleError,
        CanonicalizationError,
        OSError,
        ValueError,
        KeyError,
    ) as error:
        _error(str(error))
        return EXIT_ERROR
    print(
        t(
            "bundle.created",
            path=str(out),
            cvrs=len(cvrs),
            signatures=len(signers),
            manifest_hash=sha256_hex((out / "manifest.json").read_bytes()),
        )
    )
    return EXIT_OK


def _sign_refusal(folder: Path) -> str | None:
    """Why ``folder`` cannot be signed as it is, in the current language; None if it can.

    Checked before any passphrase is asked: a zip (a folder is signed in place, and a zip
    cannot be changed in place), a path that is not a bundle folder, and a bundle that does
    not verify (nobody should sign a tally they have not recounted; only the signatures the
    policy still lacks may be missing).
    """
    from assembly_desk.audit.verify import EXIT_UNREADABLE, verify_bundle

    if folder.is_file() and zipfile.is_zipfile(folder):
        return t("fronts.sign.zip", path=str(folder), folder=str(folder.with_suffix("")))
    if not folder.is_dir():
        return t("fronts.sign.not_folder", path=str(folder))
    report = verify_bundle(folder)
    if report.exit_code == EXIT_UNREADABLE:
        failures = report.failures
        detail = failures[0].detail() if failures else ""
        return t("fronts.sign.unreadable", detail=detail)
    blocking = [c for c in report.checks if not c.ok and c.name != "policy"]
    if blocking:
        details = "; ".join(c.detail() for c in blocking)
        return t("fronts.sign.does_not_verify", details=details)
    return None


def _already_signed(folder: Path, public: str) -> bool:
    from assembly_desk.audit.verify_read import LIMITS, read_small_file

    tally = json.loads(read_small_file(folder / "tally.json", LIMITS.files["tally.json"]))
    return any(
        isinstance(old, dict) and old.get("public_key") == public
        for old in tally.get("signatures", [])
    )


def run_bundle_sign(args: argparse.Namespace) -> int:
    from assembly_desk.audit.bundle import BundleError, add_signature
    from assembly_desk.audit.keys import fingerprint, public_key_hex
    from assembly_desk.audit.signing import SignaturePolicy
    from assembly_desk.audit.verify_read import LIMITS, BundleUnreadable, read_small_file
    from assembly_desk.services.bundle_export import load_with_sidecar

    folder = Path(args.bundle)
    try:
        refusal = _sign_refusal(folder)
        if refusal is not None:
            _error(refusal)
            return EXIT_REFUSED
        key, _ = load_with_sidecar(key_file(args.key, args.key_passphrase_file))
        # Read like verify reads: a link or FIFO planted in the folder must not hang signing.
        manifest = json.loads(
            read_small_file(folder / "manifest.json", LIMITS.files["manifest.json"])
        )
        policy = SignaturePolicy.from_dict(manifest["policy"])
        public = public_key_hex(key)
        info = next((s for s in policy.signers if s.public_key == public), None)
        if info is None:
            _error(t("bundle.not_a_signer", fingerprint=fingerprint(public)))
            return EXIT_REFUSED
        if _already_signed(folder, public):
            _error(t("fronts.sign.already", name=info.name, fingerprint=info.fingerprint))
            return EXIT_REFUSED
        record = add_signature(folder, key, info, check=False)  # verified just above
    except (BundleError, BundleUnreadable) as error:
        _error(str(error))
        return EXIT_REFUSED
    except DeskError as error:  # key files, sidecars, no terminal for the passphrase
        _error(error.message())
        return EXIT_ERROR
    except (OSError, ValueError, KeyError) as error:
        _error(str(error))
        return EXIT_ERROR
    print(
        t(
            "bundle.signed",
            name=record["signer"],
            role=record["role"],
            fingerprint=record["fingerprint"],
        )
    )
    return EXIT_OK
