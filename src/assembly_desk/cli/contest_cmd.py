"""``assembly-desk contest create|list|show|open|close`` and ``chair passphrase set``.

The poll console's actions without a window, through the same facade calls
(``Services.polls``): a contest is saved as a draft, opened and closed with the chair's
passphrase under the same rules (wrong tries audited and slowed down). The passphrase is
read from ``--passphrase-file`` or typed without echo; a command run without a terminal
and without the file says so and stops, it never waits on or fails over an empty stdin.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembly_desk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REFUSED,
    print_json,
    read_secret,
    services_from,
)
from assembly_desk.cli.contest_spec import from_args
from assembly_desk.domain.contests import BallotType, Contest
from assembly_desk.domain.errors import DeskError, NotFound
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the polls' services (SQLAlchemy, the ballot box) load when a command runs
    from assembly_desk.services.facade import Services
    from assembly_desk.services.facade.polls import PollRow


def passphrase_refusal_text(error: DeskError) -> str | None:
    """The services' words for a refused passphrase, loaded only when one was refused."""
    from assembly_desk.services.facade.refusals import passphrase_refusal_text as words

    return words(error)


def register(sub: argparse._SubParsersAction) -> None:
    con = sub.add_parser("contest", help=t("fronts.help.contest"))
    con_sub = con.add_subparsers(dest="action", required=True)
    create = con_sub.add_parser("create", help=t("fronts.help.contest_create"))
    create.add_argument("--file", type=Path, help=t("fronts.help.contest_file"))
    create.add_argument("--title")
    create.add_argument("--type", choices=[b.value for b in BallotType])
    create.add_argument("--option", action="append", help=t("fronts.help.contest_option"))
    create.add_argument("--max-choices", type=int)
    create.add_argument("--criterion", action="append", help=t("fronts.help.contest_criterion"))
    create.add_argument("--max-score", type=int)
    create.add_argument("--budget-cap", type=int)
    create.add_argument("--panel", action="append", metavar="CARD", help=t("fronts.help.panel"))
    create.set_defaults(func=_create)
    listing = con_sub.add_parser("list", help=t("fronts.help.contest_list"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    show = con_sub.add_parser("show", help=t("fronts.help.contest_show"))
    show.add_argument("contest", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
    for name, func in (("open", _open), ("close", _close)):
        cmd = con_sub.add_parser(name, help=t(f"fronts.help.contest_{name}"))
        cmd.add_argument("contest", type=int)
        cmd.add_argument("--passphrase-file", help=t("fronts.help.passphrase_file"))
        cmd.set_defaults(func=func)

    chair = sub.add_parser("chair", help=t("fronts.help.chair"))
    chair_sub = chair.add_subparsers(dest="chair_action", required=True)
    phrase = chair_sub.add_parser("passphrase", help=t("fronts.help.chair_passphrase"))
    phrase_sub = phrase.add_subparsers(dest="passphrase_action", required=True)
    pset = phrase_sub.add_parser("set", help=t("fronts.help.chair_passphrase_set"))
    pset.add_argument("--passphrase-file", help=t("fronts.help.new_passphrase_file"))
    pset.add_argument("--current-passphrase-file", help=t("fronts.help.current_passphrase_file"))
    pset.set_defaults(func=_set_passphrase)


def _rows(services: Services, args: argparse.Namespace) -> tuple[int, list[PollRow]]:
    aid = services.setup.assembly_id(args.assembly)
    return aid, list(services.polls.load(aid).rows)


def _find(rows: list[PollRow], contest_id: int) -> tuple[int, PollRow]:
    """The contest and its agenda number (제N호), or ``contest.not_found``."""
    for number, row in enumerate(rows, start=1):
        if row.contest.id == contest_id:
            return number, row
    raise NotFound("contest.not_found", id=contest_id)


def _describe(number: int, row: PollRow) -> dict[str, Any]:
    contest = row.contest
    return {
        "number": number,
        "id": contest.id,
        "state": contest.state.value,
        "definition": contest.definition.to_dict(),
        "panel": list(row.panel_codes),
        "counts": row.counts.to_dict(),
    }


def _create(args: argparse.Namespace) -> int:
    spec = from_args(args)
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    saved = services.polls.save(aid, None, spec.definition, list(spec.panel_codes))
    number, _row = _find(_rows(services, args)[1], saved.id)
    print(t("fronts.contest.created", number=number, id=saved.id, title=saved.definition.title))
    return EXIT_OK


def _state(contest: Contest) -> str:
    return t(f"poll.{contest.state.value}")


def _list(args: argparse.Namespace) -> int:
    _aid, rows = _rows(services_from(args), args)
    if args.json:
        print_json([_describe(n, r) for n, r in enumerate(rows, start=1)])
        return EXIT_OK
    if not rows:
        print(t("fronts.contest.none"))
    for number, row in enumerate(rows, start=1):
        c = row.contest
        kind = t(f"ballot_type.{c.definition.ballot_type.value}")
        print(
            t(
                "fronts.contest.line",
                number=number,
                id=c.id,
                state=_state(c),
                type=kind,
                title=c.definition.title,
            )
        )
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    number, row = _find(_rows(services_from(args), args)[1], args.contest)
    if args.json:
        print_json(_describe(number, row))
        return EXIT_OK
    c, d = row.contest, row.contest.definition
    print(t("fronts.contest.heading", number=number, id=c.id, title=d.title, state=_state(c)))
    print(t("fronts.contest.type", type=t(f"ballot_type.{d.ballot_type.value}")))
    for option in d.options:
        cost = t("fronts.contest.cost", cost=option.cost) if option.cost else ""
        print(f"  - {option.name}{cost}")
    if d.ballot_type in (BallotType.CHOOSE_N, BallotType.RANKED):
        print(t("fronts.contest.max_choices", n=d.max_choices))
    if d.ballot_type is BallotType.SCORE:
        for crit in d.criteria:
            print(t("fronts.contest.criterion", name=crit.name, max=crit.max_score))
        if not d.criteria:
            print(t("fronts.contest.max_score", max=d.max_score))
    if d.ballot_type is BallotType.BUDGET:
        print(t("fronts.contest.budget_cap", cap=d.budget_cap))
    if row.panel_codes:
        print(t("fronts.contest.panel", n=len(row.panel_codes)))
    counts = row.counts
    print(t("fronts.contest.counts", issued=counts.issued, ballots=counts.ballots))
    return EXIT_OK


def _chair_action(args: argparse.Namespace, action: str) -> int:
    services = services_from(args)
    number, row = _find(_rows(services, args)[1], args.contest)
    passphrase = read_secret(t("fronts.chair.prompt"), args.passphrase_file)
    try:
        if action == "open":
            services.polls.open_poll(row.contest.id, passphrase)
            print(t("fronts.contest.opened", number=number, title=row.contest.definition.title))
        else:
            counts = services.polls.close_poll(row.contest.id, passphrase)
            print(
                t(
                    "fronts.contest.closed",
                    number=number,
                    title=row.contest.definition.title,
                    issued=counts.issued,
                )
            )
    except DeskError as error:
        words = passphrase_refusal_text(error)
        if words is None:
            raise
        print(t("cli.error", message=words), file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _open(args: argparse.Namespace) -> int:
    return _chair_action(args, "open")


def _close(args: argparse.Namespace) -> int:
    return _chair_action(args, "close")


def _set_passphrase(args: argparse.Namespace) -> int:
    services = services_from(args)
    aid = services.setup.assembly_id(args.assembly)
    has = services.polls.load(aid).has_passphrase
    current = None
    if has:
        current = read_secret(t("fronts.chair.prompt_current"), args.current_passphrase_file)
    new = read_secret(t("fronts.chair.prompt_new"), args.passphrase_file)
    if args.passphrase_file is None:
        again = read_secret(t("fronts.chair.prompt_again"), None)
        if again != new:
            print(t("cli.error", message=t("gui.polls.passphrase_mismatch")), file=sys.stderr)
            return EXIT_ERROR
    try:
        services.polls.set_passphrase(aid, new, current)
    except DeskError as error:
        words = passphrase_refusal_text(error)
        if words is None:
            raise
        print(t("cli.error", message=words), file=sys.stderr)
        return EXIT_REFUSED
    print(t("fronts.chair.passphrase_set"))
    return EXIT_OK
