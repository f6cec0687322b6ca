"""On the day, headless: ``checkin``, ``undo``, ``search``, ``status``.

``checkin`` takes a card code (as a scanner types it) or ``--person ID`` (a roll id, as
the desk's search list checks someone in who forgot their card). Both go through the
facade's door, the same rules and audit events as the window's desk.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from assembly_desk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    desk_name,
    print_json,
    services_from,
)
from assembly_desk.i18n import t
from assembly_desk.services.clock import local_hhmm

if TYPE_CHECKING:  # the door's services (and SQLAlchemy) load when a command runs
    from assembly_desk.services.checkin import ScanResult
    from assembly_desk.services.facade import DoorService


def register(sub: argparse._SubParsersAction) -> None:
    chk = sub.add_parser("checkin", help=t("cli.help.checkin"))
    who = chk.add_mutually_exclusive_group(required=True)
    who.add_argument("code", nargs="?")
    who.add_argument("--person", type=int, help=t("fronts.help.checkin_person"))
    chk.add_argument("--json", action="store_true")
    chk.set_defaults(func=_checkin)
    undo = sub.add_parser("undo", help=t("cli.help.undo"))
    undo.add_argument("person", type=int)
    undo.add_argument("--reason", required=True)
    undo.set_defaults(func=_undo)
    srch = sub.add_parser("search", help=t("cli.help.search"))
    srch.add_argument("query")
    srch.set_defaults(func=_search)
    st = sub.add_parser("status", help=t("cli.help.status"))
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_status)


def _door(args: argparse.Namespace) -> DoorService:
    services = services_from(args)
    return services.door(services.setup.assembly_id(args.assembly), desk_name(args))


def _tail(result: ScanResult) -> str:
    """What follows the headline: the time (and desk) in brackets when the reason would
    only say the headline again ("Checked in at 18:23"), else ``: `` and the reason."""
    hhmm = local_hhmm(result.checked_in_at) if result.checked_in_at else ""
    if result.outcome.value == "checked_in" and not result.repeat and hhmm:
        return f" ({hhmm})"
    if result.outcome.value == "already" and hhmm:
        return f" ({hhmm}, {result.desk})" if result.desk else f" ({hhmm})"
    detail = result.detail()
    return f": {detail}" if detail else ""


def _checkin(args: argparse.Namespace) -> int:
    door = _door(args)
    result: ScanResult = (
        door.check_in(args.person) if args.person is not None else door.scan(args.code)
    )
    headline, tail = result.headline(), _tail(result)
    if args.json:
        print_json(
            {
                "outcome": result.outcome.value,
                "colour": result.colour.value,
                "person": result.person.id if result.person else None,
                "name": result.person.name if result.person else None,
                "headline": headline,
                "detail": result.detail(),
                "message": headline + tail,
            }
        )
    else:
        who = f" — {result.person.name}" if result.person else ""
        print(f"[{result.colour.value.upper()}] {headline}{who}{tail}")
    return EXIT_OK if result.outcome.value == "checked_in" else EXIT_REFUSED


def _undo(args: argparse.Namespace) -> int:
    _door(args).undo(args.person, args.reason)
    print(t("cli.undone", id=args.person))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    hits = _door(args).search(args.query)
    for hit in hits:
        p = hit.person
        state = t("cli.in_at", time=local_hhmm(hit.checked_in_at)) if hit.checked_in_at else ""
        print(f"{p.id}\t{p.name}\t{p.birth_hint()}\t{p.place_hint()}\t☎{p.phone_last4}\t{state}")
    if not hits:
        print(t("search.none"))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    st = _door(args).status()
    if args.json:
        print_json(st.to_json())
        return EXIT_OK
    print(st.title)
    print(t("status.line", checked_in=st.checked_in, eligible=st.eligible, roll=st.roll_total))
    print(t("status.quorum", required=st.quorum_required, missing=st.quorum_missing))
    if st.quorum_reached_at:
        print(t("status.quorum_reached", time=local_hhmm(st.quorum_reached_at)))
    for c in st.per_category:
        print(f"  {t('category.' + c.category)}: {c.checked_in}/{c.eligible}")
    # Scans kept by desks during an outage that did not simply check someone in.
    if st.conflicts:
        print(t("outage.conflicts.title", count=len(st.conflicts)))
    for conflict in st.conflicts:
        print(
            t(
                "outage.cli.conflict_line",
                time=local_hhmm(conflict.scanned_at),
                desk=conflict.desk,
                who=conflict.who(),
                what=conflict.what(),
            )
        )
    return EXIT_OK
