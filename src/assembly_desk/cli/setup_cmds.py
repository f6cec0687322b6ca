"""Before the day: ``assembly create``, ``cards``, ``ballots`` (the roll: ``cli.roll_cmd``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assembly_desk.cli.common import EXIT_OK, desk_name, print_json, services_from
from assembly_desk.domain.assembly import (
    DEFAULT_CONSENT_UNDER,
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    asm = sub.add_parser("assembly", help=t("cli.help.assembly"))
    asm_sub = asm.add_subparsers(dest="action", required=True)
    create = asm_sub.add_parser("create", help=t("cli.help.assembly_create"))
    create.add_argument("--title", required=True)
    create.add_argument("--date", required=True, help="YYYY-MM-DD")
    create.add_argument(
        "--kind", choices=[k.value for k in AssemblyKind], default=AssemblyKind.VILLAGE_ASSEMBLY
    )
    create.add_argument("--venue", default="")
    create.add_argument("--district", default="", help=t("cli.help.district"))
    create.add_argument("--min-age", type=int, default=14, help=t("cli.help.min_age"))
    create.add_argument(
        "--allow",
        default=Category.RESIDENT.value,
        help=t("cli.help.allow", values=",".join(c.value for c in Category)),
    )
    create.add_argument("--guardian-consent", action="store_true", help=t("cli.help.guardian"))
    create.add_argument(
        "--guardian-consent-under", type=int, metavar="AGE", help=t("cli.help.guardian_under")
    )
    quorum = create.add_mutually_exclusive_group(required=True)
    quorum.add_argument("--quorum-number", type=int)
    quorum.add_argument("--quorum-percent", type=int)
    quorum.add_argument("--quorum-council-multiple", type=int)
    create.add_argument("--council-members", type=int, default=0)
    create.set_defaults(func=_create)
    listing = asm_sub.add_parser("list", help=t("cli.help.assembly_list"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)

    cds = sub.add_parser("cards", help=t("cli.help.cards"))
    cds.add_argument("--out", type=Path, required=True)
    cds.add_argument("--person", type=int, help=t("fronts.help.cards_person"))
    cds.set_defaults(func=_cards)

    papers = sub.add_parser("ballots", help=t("cli.help.ballots"))
    papers.add_argument("contest", type=int)
    papers.add_argument("--out", type=Path, required=True)
    papers.add_argument("--copies", type=int, default=1)
    papers.set_defaults(func=_ballots)


def _parse_categories(text: str) -> frozenset[Category]:
    try:
        return frozenset(Category(part.strip()) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise SystemExit(t("cli.bad_category", value=text)) from exc


def _rules(args: argparse.Namespace) -> EligibilityRules:
    """``--guardian-consent`` asks consent under 14; ``--guardian-consent-under`` names the age.

    A consent age at or below ``--min-age`` (``--guardian-consent`` with the default 14)
    is refused by the rules' own check with a message saying how to fix it, instead of
    creating an assembly where consent admits nobody.
    """
    under = args.guardian_consent_under
    return EligibilityRules(
        args.min_age,
        _parse_categories(args.allow),
        guardian_consent_under_14=args.guardian_consent or under is not None,
        consent_under=DEFAULT_CONSENT_UNDER if under is None else under,
    )


def _create(args: argparse.Namespace) -> int:
    from assembly_desk.services import assemblies  # with SQLAlchemy: only when creating

    if args.quorum_percent is not None:
        quorum = QuorumRule(QuorumKind.PERCENT_OF_ROLL, args.quorum_percent)
    elif args.quorum_council_multiple is not None:
        quorum = QuorumRule(
            QuorumKind.COUNCIL_MULTIPLE, args.quorum_council_multiple, args.council_members
        )
    else:
        quorum = QuorumRule(QuorumKind.NUMBER, args.quorum_number or 0)
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind(args.kind),
        title=args.title,
        held_on=assemblies.parse_date(args.date),
        venue=args.venue,
        district=args.district,
        rules=_rules(args),
        quorum=quorum,
    )
    created = services_from(args).setup.create_assembly(spec)
    print(t("cli.assembly_created", id=created.id, title=created.title))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    items = services_from(args).setup.list_assemblies()
    if args.json:
        print_json([{"id": a.id, "title": a.title, "date": a.held_on.isoformat()} for a in items])
    else:
        for a in items:
            print(f"{a.id}\t{a.held_on.isoformat()}\t{a.title}")
    return EXIT_OK


def _cards(args: argparse.Namespace) -> int:
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    result = services.printing.write_cards(aid, args.out, args.person, desk_name(args))
    if result.warning:
        print(result.warning)
    print(t("cli.cards_written", count=result.count, path=str(args.out)))
    return EXIT_OK


def _ballots(args: argparse.Namespace) -> int:
    report = services_from(args).printing.write_ballot_papers(args.contest, args.out, args.copies)
    for warning in report.warnings:
        print(warning)
    print(t("cli.ballots_written", copies=report.copies, pages=report.pages, path=str(args.out)))
    return EXIT_OK
