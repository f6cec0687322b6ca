"""The roll over time on the command line: import or merge a roll, correct a person, export.

``roll import FILE`` imports a first roll (all or nothing). ``--merge`` takes an updated
roll instead: it prints what would change (new, changed field by field, missing) and
changes nothing unless ``--yes`` is given, so a script cannot merge a file nobody read.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, desk_name, services_from
from assembly_desk.domain.assembly import Category
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the roll's services (SQLAlchemy, the readers) load when a command runs
    from assembly_desk.importers.records import RollPreview
    from assembly_desk.services import roll_merge

#: How a command line desk is named in the sealed part of a correction's audit entry.
CLI_DESK = "cli"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``roll import|export|correct|card`` to the parser."""
    rl = sub.add_parser("roll", help=t("cli.help.roll"))
    rl_sub = rl.add_subparsers(dest="action", required=True)
    imp = rl_sub.add_parser("import", help=t("cli.help.roll_import"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help=t("cli.help.dry_run"))
    imp.add_argument("--merge", action="store_true", help=t("roll_merge.cli.help_merge"))
    imp.add_argument("--yes", action="store_true", help=t("roll_merge.cli.help_yes"))
    imp.set_defaults(func=_import)

    exp = rl_sub.add_parser("export", help=t("roll_merge.cli.help_export"))
    exp.add_argument("file", type=Path)
    exp.set_defaults(func=_export)

    cor = rl_sub.add_parser("correct", help=t("roll_merge.cli.help_correct"))
    cor.add_argument("id", type=int)
    cor.add_argument("--name")
    cor.add_argument("--birth", help="YYYY-MM-DD")
    cor.add_argument("--category", choices=[c.value for c in Category])
    cor.add_argument("--address")
    cor.add_argument("--tong")
    cor.add_argument("--ban")
    cor.add_argument("--phone")
    consent = cor.add_mutually_exclusive_group()
    consent.add_argument("--guardian-consent", dest="consent", action="store_true", default=None)
    consent.add_argument("--no-guardian-consent", dest="consent", action="store_false")
    cor.set_defaults(func=_correct)

    card = rl_sub.add_parser("card", help=t("roll_merge.cli.help_card"))
    card.add_argument("id", type=int)
    card.add_argument("--out", type=Path, required=True)
    card.set_defaults(func=_card)


def _print_preview(preview: RollPreview) -> None:
    print(t("cli.import_preview", rows=preview.total_rows, encoding=preview.encoding))
    for header, field in preview.mapping.items():
        print(f"  {header} → {t('field.' + field) if field else t('cli.ignored')}")
    for notice in preview.notices:  # e.g. a hidden sheet that was not read
        print(t("import.notices", text=notice.message()))
    if preview.eligible is not None:
        print(
            t("roll_merge.eligible_in_file", count=len(preview.records), eligible=preview.eligible)
        )


def _import(args: argparse.Namespace) -> int:
    from assembly_desk.services import roll

    if args.merge:
        return _merge(args)
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    preview = services.roll.preview_import(aid, args.file)
    _print_preview(preview)
    if args.dry_run:
        for problem in preview.problems:
            print(problem.message())
        return EXIT_OK if preview.ok else EXIT_ERROR
    try:
        report = services.roll.import_roll(aid, args.file, preview)
    except roll.ImportRejected as rejected:
        for problem in rejected.problems:
            print(problem.message())
        print(rejected.message())
        return EXIT_ERROR
    print(t("cli.imported", count=report.imported, eligible=report.eligible))
    return EXIT_OK


def print_plan(plan: roll_merge.MergePlan) -> None:
    from assembly_desk.services import roll_merge

    """The merge preview as text: counts, then every change and every missing person."""
    _print_preview(plan.preview)
    for problem in plan.problems:
        print(problem.message())
    print(
        t(
            "roll_merge.summary",
            new=len(plan.new),
            changed=len(plan.changed),
            unchanged=plan.unchanged,
            missing=len(plan.missing),
            eligible=plan.new_eligible,
        )
    )
    for record in plan.new:
        print(t("roll_merge.cli.new", row=record.row, name=record.name))
    for change in plan.changed:
        print(t("roll_merge.cli.changed", id=change.person_id, row=change.row, name=change.name))
        for c in change.changes:
            print(
                t(
                    "roll_merge.cli.field",
                    field=t(f"field.{c.field}"),
                    old=roll_merge.shown(c.field, c.old),
                    new=roll_merge.shown(c.field, c.new),
                )
            )
    for gone in plan.missing:
        key = "roll_merge.cli.missing_in" if gone.checked_in else "roll_merge.cli.missing"
        print(t(key, id=gone.person_id, name=gone.name, birth=gone.birth_hint))
    if plan.missing:
        print(t("roll_merge.missing_kept"))


def _merge(args: argparse.Namespace) -> int:
    from assembly_desk.services import roll_merge

    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    plan = services.roll.preview_merge(aid, args.file)
    print_plan(plan)
    if not plan.ok:
        print(roll_merge.MergeRejected(list(plan.problems)).message())
        return EXIT_ERROR
    if args.dry_run or not args.yes:
        print(t("roll_merge.cli.not_applied"))
        return EXIT_OK
    report = services.roll.merge_roll(aid, args.file, plan)
    print(
        t(
            "roll_merge.done",
            added=report.added,
            changed=report.changed,
            missing=report.missing,
            eligible=report.eligible,
        )
    )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    services = services_from(args)
    count = services.roll.export_roll(services.setup.assembly_id(args.assembly), args.file)
    print(t("roll_merge.exported", count=count, path=str(args.file)))
    return EXIT_OK


def _correct(args: argparse.Namespace) -> int:
    from assembly_desk.services import assemblies, roll_edit

    correction = roll_edit.Correction(
        name=args.name,
        birth_date=assemblies.parse_date(args.birth) if args.birth else None,
        category=Category(args.category) if args.category else None,
        address=args.address,
        tong=args.tong,
        ban=args.ban,
        phone=args.phone,
        guardian_consent=args.consent,
    )
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    done = services.roll.correct_person(aid, args.id, correction, CLI_DESK)
    if not done.fields:
        print(t("roll_merge.nothing_corrected", id=args.id))
        return EXIT_REFUSED
    fields = ", ".join(t(f"field.{f}") for f in done.fields)
    print(t("roll_merge.corrected", id=args.id, fields=fields))
    if done.notice:
        print(done.notice)
    return EXIT_OK


def _card(args: argparse.Namespace) -> int:
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    result = services.roll.write_card(aid, args.id, args.out, desk_name(args))
    if result.warning:
        print(result.warning)
    print(t("cli.cards_written", count=result.count, path=str(args.out)))
    return EXIT_OK
