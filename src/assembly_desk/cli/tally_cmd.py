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

Every step goes through the services facade (``Services.tally``), the object the window
is handed, so a command and the results page run the same use case.
Exit codes: 0 done, 1 refused (e.g. counting an open poll), 2 error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, fail, services_from
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

if TYPE_CHECKING:  # the tally's services (SQLAlchemy, cryptography) load when a command runs
    from assembly_desk.audit.signing import SignaturePolicy
    from assembly_desk.services.facade import Services
    from assembly_desk.services.facade.tally import TallyService


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


def _tally(args: argparse.Namespace) -> tuple[Services, TallyService]:
    """The facade of ``--db`` and its count's use cases (closed when the command is done)."""
    services = services_from(args)
    return services, services.tally


def _assembly(services: Services, args: argparse.Namespace) -> int:
    return services.setup.assembly_id(getattr(args, "assembly", None))


def _signer_add(args: argparse.Namespace) -> int:
    services, tally = _tally(args)
    try:
        signer = tally.register_signer(_assembly(services, args), args.pub_json)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    i = signer.info
    print(t("tally.signer_added", name=i.name, role=i.role, fingerprint=i.fingerprint))
    return EXIT_OK


def _policy_line(policy: SignaturePolicy) -> str:
    roles = ", ".join(policy.required_roles) or "-"
    return t("tally.policy_line", roles=roles, witnesses=policy.min_witnesses)


def _signer_list(args: argparse.Namespace) -> int:
    services, tally = _tally(args)
    found, policy = tally.signers(_assembly(services, args))
    for s in found:
        print(f"{s.info.role}\t{s.info.name}\t{s.info.fingerprint}")
    print(_policy_line(policy))
    return EXIT_OK


def _signer_policy(args: argparse.Namespace) -> int:
    roles = tuple(r.strip() for r in args.require.split(",") if r.strip())
    services, tally = _tally(args)
    policy = tally.set_policy(_assembly(services, args), roles, args.min_witnesses)
    print(_policy_line(policy))
    return EXIT_OK


def _seed_commit(args: argparse.Namespace) -> int:
    _services, tally = _tally(args)
    commitment = args.seed_hash if args.seed is None else tally.commitment_for(args.seed)
    try:
        stored = tally.commit_seed(args.contest, commitment)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.seed_committed", contest=args.contest, commitment=stored))
    return EXIT_OK


def _seed_reveal(args: argparse.Namespace) -> int:
    _services, tally = _tally(args)
    try:
        seed = tally.reveal_seed(args.contest, args.seed)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.seed_revealed", contest=args.contest, seed=seed))
    return EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    try:
        weights = json_numbers(args.criteria_weights, "--criteria-weights")
    except OptionUsage as error:
        print(t("cli.error", message=str(error)), file=sys.stderr)
        return EXIT_ERROR
    # The options this command has replace the stored ones; the rest (quorum,
    # ranked-paper rules, budget options, panel weights) stay as the form set them.
    changes = {
        "method": args.method,
        "seats": args.seats,
        "threshold": args.threshold,
        "base": args.base,
        "trim": args.trim,
        "criteria_weights": weights,
        "tie_priority": names(args.tie_order) or (),
    }
    _services, tally = _tally(args)
    try:
        saved = tally.change_rule(args.contest, changes)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(json.dumps(saved.to_dict(), ensure_ascii=False, sort_keys=True))
    return EXIT_OK


def _count(args: argparse.Namespace) -> int:
    from assembly_desk.cli.count_cmd import render

    _services, tally = _tally(args)
    try:
        counted = tally.count(args.contest, args.seed)
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
    _services, tally = _tally(args)
    try:
        tally.mark_ready(args.contest)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    print(t("tally.ready", contest=args.contest))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    try:
        keys = key_files(args.key, args.key_passphrase_file)
        services, tally = _tally(args)
        path = tally.export(_assembly(services, args), keys, args.out, args.contest)
    except Refused as error:
        return fail(error, EXIT_REFUSED)
    except DeskError as error:  # key files, keys of no registered signer
        return fail(error)
    except (OSError, ValueError) as error:
        print(t("cli.error", message=str(error)), file=sys.stderr)
        return EXIT_ERROR
    print(t("tally.exported", path=str(path), signatures=len(keys)))
    return EXIT_OK
