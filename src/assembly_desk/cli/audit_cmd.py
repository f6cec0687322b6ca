"""``assembly-desk audit verify``: walk the hash chain and say where it breaks, if anywhere."""

from __future__ import annotations

import argparse

from assembly_desk.cli.common import EXIT_OK, EXIT_REFUSED, db_from, print_json
from assembly_desk.i18n import t
from assembly_desk.services import audit_log


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    aud = sub.add_parser("audit", help=t("cli.help.audit"))
    aud_sub = aud.add_subparsers(dest="action", required=True)
    ver = aud_sub.add_parser("verify", help=t("cli.help.audit_verify"))
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(func=_verify)


def _verify(args: argparse.Namespace) -> int:
    db = db_from(args)
    with db.uow() as uow:
        report = audit_log.verify(uow)
    if args.json:
        print_json(
            {"ok": report.ok, "entries": report.count, "head": report.head, "error": report.reason}
        )
    elif report.ok:
        print(t("audit.ok", count=report.count, head=report.head))
    else:
        print(t("audit.broken", error=report.reason))
    return EXIT_OK if report.ok else EXIT_REFUSED
