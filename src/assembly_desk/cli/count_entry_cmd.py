"""``assembly-desk count-entry …``: paper counts entered from a spreadsheet.

The count table's screen, step by step, through the same facade calls
(``Services.count_entry``): a batch is created, two volunteers' entries (side A and B)
come from CSV files (see ``paper_sheet``), the comparison lists where they disagree,
each difference is resolved by someone who looked at the paper, and the batch is
committed (after the poll's close) into ballots.

    assembly-desk count-entry create 2 --label "상자 1" --expected 40
    assembly-desk count-entry enter 1 --side A --volunteer 김 --papers box1-a.csv
    assembly-desk count-entry enter 1 --side B --volunteer 이 --papers box1-b.csv
    assembly-desk count-entry compare 1
    assembly-desk count-entry resolve 1 3:3 '{"vote": "no"}' --by 박
    assembly-desk count-entry commit 1
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembly_desk.cli.common import EXIT_OK, EXIT_REFUSED, print_json, services_from
from assembly_desk.cli.paper_sheet import read_papers, read_totals, special_mark
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the count entry's services (SQLAlchemy) load when a command runs
    from assembly_desk.services.count_entry import Comparison

#: The two typings of a batch, ``services.count_entry.Side``'s values, spelled here so that
#: parsing needs no service (tests/test_startup.py checks the two agree).
SIDES = ("A", "B")


def register(sub: argparse._SubParsersAction) -> None:
    ce = sub.add_parser("count-entry", help=t("fronts.help.count_entry"))
    ce_sub = ce.add_subparsers(dest="action", required=True)
    create = ce_sub.add_parser("create", help=t("fronts.help.ce_create"))
    create.add_argument("contest", type=int)
    create.add_argument("--label", required=True)
    create.add_argument("--expected", type=int, help=t("fronts.help.ce_expected"))
    create.add_argument("--totals", action="store_true", help=t("fronts.help.ce_totals"))
    create.set_defaults(func=_create)
    batches = ce_sub.add_parser("batches", help=t("fronts.help.ce_batches"))
    batches.add_argument("contest", type=int)
    batches.add_argument("--json", action="store_true")
    batches.set_defaults(func=_batches)
    enter = ce_sub.add_parser("enter", help=t("fronts.help.ce_enter"))
    enter.add_argument("batch", type=int)
    enter.add_argument("--side", required=True, choices=SIDES)
    enter.add_argument("--volunteer", required=True)
    what = enter.add_mutually_exclusive_group(required=True)
    what.add_argument("--papers", type=Path, help=t("fronts.help.ce_papers"))
    what.add_argument("--totals", type=Path, help=t("fronts.help.ce_totals_file"))
    enter.set_defaults(func=_enter)
    compare = ce_sub.add_parser("compare", help=t("fronts.help.ce_compare"))
    compare.add_argument("batch", type=int)
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(func=_compare)
    resolve = ce_sub.add_parser("resolve", help=t("fronts.help.ce_resolve"))
    resolve.add_argument("batch", type=int)
    resolve.add_argument("item", help=t("fronts.help.ce_item"))
    resolve.add_argument("value", help=t("fronts.help.ce_value"))
    resolve.add_argument("--by", required=True)
    resolve.set_defaults(func=_resolve)
    commit = ce_sub.add_parser("commit", help=t("fronts.help.ce_commit"))
    commit.add_argument("batch", type=int)
    commit.set_defaults(func=_commit)


def _create(args: argparse.Namespace) -> int:
    from assembly_desk.services.count_entry import BatchKind

    kind = BatchKind.TOTALS if args.totals else BatchKind.BALLOTS
    batch = services_from(args).count_entry.create_batch(
        args.contest, args.label, args.expected, kind
    )
    print(t("fronts.ce.created", id=batch.id, label=batch.label))
    return EXIT_OK


def _batches(args: argparse.Namespace) -> int:
    found = services_from(args).count_entry.batches(args.contest)
    if args.json:
        print_json(
            [
                {
                    "id": b.id,
                    "label": b.label,
                    "kind": b.kind.value,
                    "state": b.state.value,
                    "expected": b.expected_size,
                    "papers": b.papers,
                    "entered": [s.value for s in b.entered],
                }
                for b in found
            ]
        )
        return EXIT_OK
    for b in found:
        sides = ",".join(s.value for s in b.entered) or "-"
        print(f"{b.id}\t{b.label}\t{b.kind.value}\t{b.state.value}\t{sides}\t{b.papers}")
    if not found:
        print(t("fronts.ce.no_batches"))
    return EXIT_OK


def _enter(args: argparse.Namespace) -> int:
    from assembly_desk.services.count_entry import Side

    entry = services_from(args).count_entry
    side = Side(args.side)
    if args.papers is not None:
        count = entry.save_entry(args.batch, side, args.volunteer, read_papers(args.papers))
        print(t("fronts.ce.entered", side=side.value, papers=count))
    else:
        clean = entry.save_totals(args.batch, side, args.volunteer, read_totals(args.totals))
        print(t("fronts.ce.entered", side=side.value, papers=clean["papers"]))
    return EXIT_OK


def _show(comparison: Comparison) -> None:
    print(t("fronts.ce.counts", a=comparison.count_a, b=comparison.count_b))
    for side in comparison.missing:
        print(t("fronts.ce.missing", side=side.value))
    for d in comparison.differences:
        a = json.dumps(d.a, ensure_ascii=False)
        b = json.dumps(d.b, ensure_ascii=False)
        if d.resolved:
            value = json.dumps(d.value, ensure_ascii=False)
            print(
                t("fronts.ce.resolved_line", item=d.item, a=a, b=b, value=value, who=d.resolved_by)
            )
        else:
            print(t("fronts.ce.difference", item=d.item, a=a, b=b))
    if comparison.ready and comparison.expected_mismatch:
        print(
            t(
                "fronts.ce.expected",
                expected=comparison.expected_size,
                papers=comparison.result_count,
            )
        )
    print(
        t(
            "fronts.ce.ready" if comparison.ready else "fronts.ce.not_ready",
            open=comparison.unresolved,
        )
    )


def _compare(args: argparse.Namespace) -> int:
    comparison = services_from(args).count_entry.compare(args.batch)
    if args.json:
        print_json(
            {
                "ready": comparison.ready,
                "count_a": comparison.count_a,
                "count_b": comparison.count_b,
                "missing": [s.value for s in comparison.missing],
                "differences": [
                    {
                        "item": d.item,
                        "a": d.a,
                        "b": d.b,
                        "resolved": d.resolved,
                        "value": d.value,
                        "resolved_by": d.resolved_by,
                    }
                    for d in comparison.differences
                ],
            }
        )
    else:
        _show(comparison)
    return EXIT_OK if comparison.ready else EXIT_REFUSED


def _value(text: str) -> Any:
    """A mark or a count as typed: JSON, a number, the words blank/invalid, or none."""
    if text.strip().lower() in ("none", "-", "null"):
        return None
    special = special_mark(text) if text.strip() else None
    if special is not None:
        return special
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {"vote": text.strip()}


def _resolve(args: argparse.Namespace) -> int:
    comparison = services_from(args).count_entry.resolve(
        args.batch, args.item, _value(args.value), args.by
    )
    _show(comparison)
    return EXIT_OK


def _commit(args: argparse.Namespace) -> int:
    done = services_from(args).count_entry.commit(args.batch)
    print(
        t(
            "count_entry.committed",
            label=done.label,
            papers=done.papers,
            blank=done.blank,
            invalid=done.invalid,
        )
    )
    return EXIT_OK
