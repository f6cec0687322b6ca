"""``assembly-desk count METHOD BALLOTS.jsonl``: a headless count of a ballot file.

The same counting functions the app and the verifier use, on a JSONL file, so a count
can be run or checked on any machine without the database. Its words come from the
catalogue like every other command's (``--lang``, else the system language).
A bundle's ``cvrs.jsonl`` (or the bundle folder) is counted one contest at a time
(``--contest ID``): counting a mixed file would report the other contests' ballots as
invalid. A name on a ballot or in ``--tie-order`` that is not on the candidate list is
refused by name: a misspelt list would otherwise count every ballot invalid and exit 0.
Exit codes: 0 counted, 2 unreadable input, unknown method, missing or unusable option
(message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK
from assembly_desk.cli.count_options import (
    METHOD_NAMES,
    OptionUsage,
    add_count_options,
    options_from,
)
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the counting package loads when a count runs, not to parse
    from assembly_desk.counting import Ballot, CountOptions, Result

__all__ = ["options_from", "register", "render", "run", "show"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``count`` subcommand."""
    p = subparsers.add_parser("count", help=t("count.help"))
    p.add_argument("method", help=t("count.help.method", methods=", ".join(METHOD_NAMES)))
    p.add_argument("ballots", help=t("count.help.ballots"))
    p.add_argument("--contest", metavar="ID", help=t("count.help.contest"))
    add_count_options(p)
    p.add_argument("--json", action="store_true", help=t("count.help.json"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Count ``args.ballots`` with ``args.method``; print a table or JSON."""
    from assembly_desk.counting import METHODS, OptionError, TieNeedsLotError, count, to_json_dict
    from assembly_desk.counting.ballot_file import BallotFileError

    if args.method not in METHODS:
        methods = ", ".join(METHODS)
        _err(t("count.unknown_method", method=args.method, methods=methods))
        return EXIT_ERROR
    try:
        options = options_from(args)
        ballots = _contest_ballots(args.ballots, args.contest)
        _check_names(ballots, options)
        result = count(args.method, ballots, options)
    except (BallotFileError, OptionError, TieNeedsLotError, OptionUsage, ValueError) as exc:
        _err(str(exc))
        return EXIT_ERROR
    if args.json:
        print(json.dumps(to_json_dict(result), ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return EXIT_OK


def _contest_ballots(path: str, contest: str | None) -> list[Ballot]:
    """The ballots to count: one contest's of a CVR file (a bundle folder: its cvrs.jsonl)."""
    from assembly_desk.counting.ballot_file import read_contest_ballots

    if Path(path).is_dir():
        path = str(Path(path) / "cvrs.jsonl")
    ballots, contests = read_contest_ballots(path, contest)
    listed = ", ".join(contests) or t("count.none")
    if contest is None and len(contests) > 1:
        raise OptionUsage(t("count.option.several_contests", contests=listed))
    if contest is not None and contest not in contests:
        raise OptionUsage(t("count.option.no_such_contest", contest=contest, contests=listed))
    return ballots


def _names_on(ballot: Ballot) -> Iterable[str]:
    from assembly_desk.counting import ChoiceBallot, RankingBallot, ScoreBallot
    from assembly_desk.counting.slips import marks_of

    if isinstance(ballot, ChoiceBallot):
        return ballot.choices
    if isinstance(ballot, RankingBallot):
        return (name for position in ballot.ranking for name in marks_of(position))
    if isinstance(ballot, ScoreBallot):
        return (name for name, _ in ballot.scores)
    return ()


def _check_names(ballots: Sequence[Ballot], options: CountOptions) -> None:
    """Refuse names outside the candidate list (``--candidates``, else the ``--costs`` projects).

    Without a list the names on the ballots form it, and ``--tie-order`` is checked
    against those.
    """
    listed = options.candidates
    if listed is None and options.costs is not None:
        listed = tuple(options.costs)
    known = set(listed) if listed is not None else None
    found: set[str] = set()
    strays: set[str] = set()
    hit = 0
    for ballot in ballots:
        names = set(_names_on(ballot))
        found |= names
        if known is not None and not names <= known:
            strays |= names - known
            hit += 1
    if strays:
        shown = ", ".join(repr(name) for name in sorted(strays))
        raise OptionUsage(t("count.option.unknown_ballot_names", ballots=hit, names=shown))
    allowed = known if known is not None else found
    unknown = [name for name in options.tie.priority if name not in allowed]
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        raise OptionUsage(t("count.option.unknown_tie_names", names=shown))


def _err(message: str) -> None:
    print(t("cli.error", message=message), file=sys.stderr)


def show(value: Fraction | int) -> str:
    """Exact when whole or at most 5 decimals; otherwise 5 decimals with '~'."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    scaled = value * 100_000
    whole = round(scaled)  # Fraction rounding is exact (half to even)
    sign = "-" if whole < 0 else ""
    digits = f"{abs(whole) // 100_000}.{abs(whole) % 100_000:05d}".rstrip("0")
    return ("" if scaled == whole else "~") + sign + digits


def _mes_sense(note: str) -> str:
    """The catalogue key saying what an equal shares round's figures are."""
    if note == "greedy completion":
        return "cli.mes_table.greedy"
    return "cli.mes_table.votes" if note == "nothing funded" else "cli.mes_table.rho"


def render(result: Result) -> str:
    """A plain-text report: validity, a rounds table, ties and the outcome."""
    lines = [f"{result.method}", t("count.valid", valid=result.valid, invalid=result.invalid)]
    lines += [t("count.reason", reason=r, count=c) for r, c in result.invalid_reasons.items()]
    slip_rules = result.params.get("ballot_rules")
    if isinstance(slip_rules, dict):
        lines.append(t("count.ballot_rules", **slip_rules))
    if result.quota is not None:
        lines.append(t("count.quota", quota=show(result.quota)))
    names = list(result.candidates)
    # Equal shares rounds hold each project's ρ (won per supporter), not votes, and spend
    # nothing to exhaust: the table says which figure a block of rounds holds, without
    # the exhausted column. Its greedy completion (and a count that funds nothing) are votes.
    mes = result.method == "mes"
    header = [t("count.round"), *names, *([] if mes else [t("count.exhausted")]), ""]
    rows: list[list[str] | str] = [header]
    sense = ""
    for r in result.rounds:
        if mes and _mes_sense(r.note) != sense:
            sense = _mes_sense(r.note)
            if len(rows) == 1:  # the first block's words stand above the header
                rows.insert(0, t(sense))
            else:
                rows.append(t(sense))
        cells = [str(r.number)]
        cells += [show(r.tallies[n]) if n in r.tallies else "-" for n in names]
        if not mes:
            cells.append(show(r.exhausted))
        notes = []
        if r.elected:
            notes.append(f"{t('count.elected')}: {', '.join(r.elected)}")
        if r.eliminated:
            notes.append(f"{t('count.eliminated')}: {', '.join(r.eliminated)}")
        if r.note and not (mes and r.note == "greedy completion"):  # the block says it
            notes.append(r.note)
        cells.append("; ".join(notes))
        rows.append(cells)
    table = [row for row in rows if isinstance(row, list)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
            continue
        cells = [cell.rjust(w) for cell, w in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    shown_by: object = None
    for r in result.rounds:
        by_rule = r.figures.get("exhausted_by")
        if by_rule and by_rule != shown_by:
            reasons = ", ".join(f"{reason} {show(value)}" for reason, value in by_rule.items())
            lines.append(t("count.exhausted_by", round=r.number, reasons=reasons))
            shown_by = by_rule
    for tie in result.ties:
        lines.append(
            t(
                "count.tie",
                round=tie.round,
                purpose=tie.purpose,
                tied=", ".join(tie.tied),
                rules=" > ".join(tie.rules),
                chosen=", ".join(tie.chosen),
            )
        )
    if result.passed is not None:
        lines.append(t("count.passed" if result.passed else "count.failed"))
        d = result.details
        if d.get("quorum_met") is False:
            lines.append(t("count.quorum_fail", present=d["present"], quorum=d["quorum"]))
    else:
        elected = ", ".join(result.elected) or t("count.none")
        lines.append(t("count.result_elected", names=elected))
    return "\n".join(lines)
