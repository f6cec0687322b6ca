"""``assembly-desk cast CODE --contest ID --selection JSON``: one voter's ballot, headless.

``assembly-desk cast CODE --contest ID --paper`` records instead that a paper ballot was
handed to the card's holder (the count of papers issued bounds the papers entered).

For scripted rehearsals and tests: the card unlocks the station exactly as a scan does
(``Services.station``: checked in, eligible, on the panel, not yet voted), then the
ballot goes into this laptop's box through the same cast protocol as the touch screen.
Nothing about the ballot is printed back, as a station shows nothing of it either.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assembly_desk.cli.common import EXIT_OK, EXIT_REFUSED, desk_name, services_from
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    cast = sub.add_parser("cast", help=t("fronts.help.cast"))
    cast.add_argument("code", help=t("fronts.help.cast_code"))
    cast.add_argument("--contest", type=int, required=True)
    how = cast.add_mutually_exclusive_group(required=True)
    how.add_argument("--selection", help=t("fronts.help.selection"))
    how.add_argument("--vote", choices=("yes", "no", "abstain"))
    how.add_argument("--choice", action="append", help=t("fronts.help.choice"))
    how.add_argument("--rank", action="append", help=t("fronts.help.rank"))
    how.add_argument("--paper", action="store_true", help=t("fronts.help.paper"))
    cast.set_defaults(func=_cast)


def selection_from(args: argparse.Namespace) -> dict[str, Any]:
    if args.vote is not None:
        return {"vote": args.vote}
    if args.choice is not None:
        return {"choices": list(args.choice)}
    if args.rank is not None:
        return {"ranking": list(args.rank)}
    try:
        value = json.loads(args.selection)
    except json.JSONDecodeError as error:
        raise InvalidInput("fronts.cast.bad_json", error=error.msg) from None
    if not isinstance(value, dict):
        raise InvalidInput("fronts.cast.bad_json", error="{…}")
    return value


def _cast(args: argparse.Namespace) -> int:
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    if args.paper:
        name = services.door(aid, desk_name(args)).issue_paper(args.contest, args.code)
        print(t("fronts.cast.paper_issued", name=name))
        return EXIT_OK
    selection = selection_from(args)
    station = services.station(aid)
    unlock = station.unlock(args.code)
    if not unlock.ok or unlock.person_id is None:
        print(t("cli.error", message=unlock.message()), file=sys.stderr)
        return EXIT_REFUSED
    if args.contest not in {c.id for c in unlock.contests}:
        print(
            t("cli.error", message=t("fronts.cast.not_for_you", id=args.contest)), file=sys.stderr
        )
        return EXIT_REFUSED
    station.cast(args.contest, unlock.person_id, selection)
    print(t("fronts.cast.done", name=unlock.name))
    return EXIT_OK
