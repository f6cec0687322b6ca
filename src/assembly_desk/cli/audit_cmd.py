"""``assembly-desk audit verify|open``: walk the chain and its seals; open one seal.

``verify`` checks the chain as a bundle publishes it and then every seal against the
private part this database keeps. ``open SEQ`` is for an official who must show what a
published seal hides (to a court, a complaints panel): it prints the salt and content,
from which anyone holding the published entry can recompute the seal.
"""

from __future__ import annotations

import argparse
import json

from assembly_desk.cli.common import EXIT_OK, EXIT_REFUSED, fail, print_json, services_from
from assembly_desk.domain.errors import NotFound
from assembly_desk.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    aud = sub.add_parser("audit", help=t("cli.help.audit"))
    aud_sub = aud.add_subparsers(dest="action", required=True)
    ver = aud_sub.add_parser("verify", help=t("cli.help.audit_verify"))
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(func=_verify)
    opn = aud_sub.add_parser("open", help=t("audit_privacy.help_open"))
    opn.add_argument("seq", type=int, help=t("audit_privacy.help_seq"))
    opn.add_argument("--json", action="store_true")
    opn.set_defaults(func=_open)


def _verify(args: argparse.Namespace) -> int:
    check = services_from(args).audit.verify()
    report, sealed = check.report, check.sealed
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "entries": report.count,
                "sealed": sealed,
                "head": report.head,
                "error": report.reason,
            }
        )
    elif report.ok:
        print(t("audit.ok", count=report.count, head=report.head))
        if sealed:
            print(t("audit_privacy.seals_ok", count=sealed))
    else:
        print(t("audit.broken", error=report.reason))
    return EXIT_OK if report.ok else EXIT_REFUSED


def _open(args: argparse.Namespace) -> int:
    services = services_from(args)
    try:
        seal = services.audit.open_seal(args.seq)
    except NotFound as error:
        return fail(error)
    if seal is None:
        if args.json:
            print_json({"seq": args.seq, "sealed": None})
        else:
            print(t("audit_privacy.no_seal", seq=args.seq))
        return EXIT_OK
    if args.json:
        print_json(seal.to_dict())
    else:
        private = json.dumps(seal.private, ensure_ascii=False, sort_keys=True)
        print(
            t(
                "audit_privacy.opened",
                seq=seal.seq,
                kind=seal.kind,
                sealed=seal.sealed,
                salt=seal.salt,
                private=private,
            )
        )
        print(t("audit_privacy.matches" if seal.matches else "audit_privacy.mismatch"))
    return EXIT_OK if seal.matches else EXIT_REFUSED
