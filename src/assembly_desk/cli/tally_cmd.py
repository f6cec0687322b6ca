"""Counting and signed export from the database, headless.

``assembly-desk signer add F.pub.json`` / ``signer list`` / ``signer policy``
    register the chair's and witnesses' public keys (fingerprint printed and logged).
``assembly-desk seed commit CONTEST --seed-hash H | --seed S`` / ``seed reveal``
    the public lot: the commitment is printed for the room before counting.
``assembly-desk tally rule CONTEST ...`` / ``tally count CONTEST [--seed S] [--json]`` /
``tally ready CONTEST``
    the counting rule (of a draft: it is frozen when the poll opens), the count with
    every round, the release.
``assembly-desk export-bundle --out DIR [--contest ID ...] --key F.pem ...``
    the signed tally bundle; witnesses add theirs later with ``bundle sign``.

Exit codes: 0 done, 1 refused (e.g. counting an open poll), 2 error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, assembly_id, db_from, fail
from assembly_desk.cli.count_options import (
    RULE_OPTIONS,
    OptionUsage,
    add_count_options,
    json_numbers,
    names,
)
from assembly_desk.cli.key_args import key_files
from assembly_desk.domain.errors import DeskError, Refused
from assembly_desk.i18n import t
from assembly_desk.services.clock import utc_now

if TYPE_CHECKING:  # the tally's services (SQLAlchemy, cryptography) load when a command runs
    from assembly_desk.services import signers
    from assembly_desk.services.database import Database


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``signer``, ``seed``, ``tally`` and ``export-bundle``."""
    sig = sub.add_parser("signer", help=t("tally.help.signer"))
    sig_sub = sig.add_subparsers(dest="signer_action", required=True)
    add = sig_sub.add_parser("add", help=t("tally.help.signer_add"))
    add.add_argument("pub_json", help="KEY.pub.json")
    add.set_defaults(func=_signer_add)
    sig_sub.add_parser("list", help=t("tally.help.signer_list")).set_defaults(func=_signer_list)
    pol = sig_sub.add_parser("policy", help=t("tally.help.signer_policy"))
    pol.add_argument("--require", default="chair", help=t("tally.help.require"))
    pol.add_argument("--min-witnesses", type=int, default=1)
    pol.set_defaults(func=_signer_policy)

    seed = sub.add_parser("seed", help=t("tally.help.seed"))
    seed_sub = seed.add_subparsers(dest="seed_action", required=True)
    com = seed_sub.add_parser("commit", help=t("tally.help.seed_commit"))
    com.add_argument("contest", type=int)
    how = com.add_mutually_exclusive_group(required=True)
    how.add_argument("--seed-hash", metavar="H", help=t("tally.help.seed_hash"))
    how.add_argument("--seed", metavar="S", help=t("tally.help.seed_text"))
    com.set_defaults(func=_seed_commit)
    rev = seed_sub.add_parser("reveal", help=t("tally.help.seed_reveal"))
    rev.add_argument("contest", type=int)
    rev.add_argument("--seed", required=True)
    rev.set_defaults(func=_seed_reveal)

    tal = sub.add_parser("tally", help=t("tally.help.tally"))
    tal_sub = tal.add_subparsers(dest="tally_action", required=True)
    rule = tal_sub.add_parser("rule", help=t("tally.help.rule"))
    rule.add_argument("contest", type=int)
    rule.add_argument("--method", default="")
    add_count_options(rule, RULE_OPTIONS)
    # No --seats: the contest's default (a 1인 N표 contest elects N).
    rule.set_defaults(func=_rule, seats=None)
    cnt = tal_sub.add_parser("count", help=t("tally.help.count"))
    cnt.add_argument("contest", type=int)
    cnt.add_argument("--seed", help=t("tally.help.seed_text"))
    cnt.add_argument("--json", action="store_true")
    cnt.set_defaults(func=_count)
    rdy = tal_sub.add_parser("ready", help=t("tally.help.ready"))
    rdy.add_argument("contest", type=int)
    rdy.set_defaults(func=_ready)

    exp = sub.add_parser("export-bundle", help=t("tally.help.export"))
    exp.add_argument("--out", required=True)
    exp.add_argument("--contest", type=int, action="append", help=t("tally.help.contest"))
    exp.add_argument("--key", action="append", required=True, help="KEY.pem")
    exp.add_argument("--key-passphrase-file", action="append", default=[])
    exp.set_defaults(func=_export)


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Database]:
    """The command's database, closed when the command is done."""
    db = db_from(args)
    try:
        yield db
    finally:
        db.dispose()


def _signer_add(args: argparse.Namespace) -> int:
    from assembly_desk.services import signers

    info = signers.read_public_key_file(args.pub_json)
    try:
        with _opened(args) as db:
            aid = assembly_id(db, args)
            with db.uow() as uow:
                signer = signers.register_signer(uow, aid, info, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    i = signer.info
    print(t("tally.signer_added", name=i.name, role=i.role, fingerprint=i.fingerprint))
    return EXIT_OK


def _policy_line(policy: signers.SignaturePolicy) -> str:
    roles = ", ".join(policy.required_roles) or "-"
    return t("tally.policy_line", roles=roles, witnesses=policy.min_witnesses)


def _signer_list(args: argparse.Namespace) -> int:
    from assembly_desk.services import signers

    with _opened(args) as db:
        aid = assembly_id(db, args)
        with db.uow() as uow:
            found, policy = signers.list_signers(uow, aid), signers.policy_for(uow, aid)
    for s in found:
        print(f"{s.info.role}\t{s.info.name}\t{s.info.fingerprint}")
    print(_policy_line(policy))
    return EXIT_OK


def _signer_policy(args: argparse.Namespace) -> int:
    from assembly_desk.services import signers

    roles = tuple(r.strip() for r in args.require.split(",") if r.strip())
    with _opened(args) as db:
        aid = assembly_id(db, args)
        with db.uow() as uow:
            policy = signers.set_policy(uow, aid, roles, args.min_witnesses, utc_now())
    print(_policy_line(policy))
    return EXIT_OK


def _seed_commit(args: argparse.Namespace) -> int:
    from assembly_desk.services import tally

    commitment = args.seed_hash if args.seed is None else tally.commitment_for(args.seed)
    try:
        with _opened(args) as db, db.uow() as uow:
            stored = tally.commit_seed(uow, args.contest, commitment, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.seed_committed", contest=args.contest, commitment=stored))
    return EXIT_OK


def _seed_reveal(args: argparse.Namespace) -> int:
    from assembly_desk.services import tally

    try:
        with _opened(args) as db, db.uow() as uow:
            seed = tally.reveal_seed(uow, args.contest, args.seed, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.seed_revealed", contest=args.contest, seed=seed))
    return EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from assembly_desk.services import tally

    try:
        weights = json_numbers(args.criteria_weights, "--criteria-weights")
    except OptionUsage as error:
        print(t("cli.error", message=str(error)), file=sys.stderr)
        return EXIT_ERROR
    try:
        with _opened(args) as db, db.uow() as uow:
            # The options this command has replace the stored ones; the rest (quorum,
            # ranked-paper rules, budget options, panel weights) stay as the form set them.
            rule = replace(
                tally.get_rule(uow, args.contest),
                method=args.method,
                seats=args.seats,
                threshold=args.threshold,
                base=args.base,
                trim=args.trim,
                criteria_weights=weights,
                tie_priority=names(args.tie_order) or (),
            )
            saved = tally.configure_count(uow, args.contest, rule, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(json.dumps(saved.to_dict(), ensure_ascii=False, sort_keys=True))
    return EXIT_OK


def _count(args: argparse.Namespace) -> int:
    from assembly_desk.cli.count_cmd import render
    from assembly_desk.services import tally

    try:
        with _opened(args) as db, db.uow() as uow:
            counted = tally.count_contest(uow, args.contest, args.seed, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    if args.json:
        print(json.dumps(counted.to_json_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(
        t(
            "tally.counted",
            contest=counted.contest_id,
            title=counted.title,
            method=counted.method,
            ballots=counted.ballots,
            hash=counted.result_hash,
        )
    )
    print(render(counted.result))
    return EXIT_OK


def _ready(args: argparse.Namespace) -> int:
    from assembly_desk.services import tally

    try:
        with _opened(args) as db, db.uow() as uow:
            tally.mark_ready(uow, args.contest, utc_now())
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.ready", contest=args.contest))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from assembly_desk.services import bundle_export

    try:
        keys = key_files(args.key, args.key_passphrase_file)
        with _opened(args) as db:
            aid = assembly_id(db, args)
            path = bundle_export.export_signed(
                db, aid, keys, out=args.out, contest_ids=args.contest, now=utc_now()
            )
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    except DeskError as error:  # key files, keys of no registered signer
        return fail(error)
    except (OSError, ValueError) as error:
        print(t("cli.error", message=str(error)), file=sys.stderr)
        return EXIT_ERROR
    print(t("tally.exported", path=str(path), signatures=len(keys)))
    return EXIT_OK
