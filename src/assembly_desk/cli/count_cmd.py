"""``assembly-desk count METHOD BALLOTS.jsonl``: a headless count of a ballot file.

The same counting functions the app and the verifier use, on a JSONL file, so a count
can be run or checked on any machine without the database. Exit codes: 0 counted,
2 unreadable input, unknown method or missing option (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any

from assembly_desk.cli.common import EXIT_ERROR, EXIT_OK
from assembly_desk.counting import (
    METHODS,
    CountOptions,
    OptionError,
    Result,
    TieNeedsLotError,
    TieRule,
    count,
    to_json_dict,
)
from assembly_desk.counting.ballot_file import BallotFileError, read_ballots

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "help": "count a ballot file (JSONL) with a counting method",
        "error": "error: {message}",
        "unknown_method": "unknown method {method!r}; use one of {methods}",
        "bad_option": "{option}: {message}",
        "valid": "valid ballots: {valid}   invalid: {invalid}",
        "reason": "  invalid, {reason}: {count}",
        "quota": "quota: {quota}",
        "round": "round",
        "elected": "elected",
        "eliminated": "eliminated",
        "exhausted": "exhausted",
        "tie": "tie in round {round} ({purpose}) between {tied}: {rules} -> {chosen}",
        "result_elected": "elected (in order): {names}",
        "none": "(none)",
        "passed": "PASSED",
        "failed": "NOT PASSED",
        "quorum_fail": "quorum not met ({present} present, {quorum} needed)",
    },
    "ko": {
        "help": "투표지 파일(JSONL)을 개표합니다",
        "error": "오류: {message}",
        "unknown_method": "알 수 없는 방식 {method!r}; 가능한 방식: {methods}",
        "bad_option": "{option}: {message}",
        "valid": "유효표: {valid}   무효표: {invalid}",
        "reason": "  무효 사유 {reason}: {count}",
        "quota": "당선 기준수: {quota}",
        "round": "라운드",
        "elected": "당선",
        "eliminated": "탈락",
        "exhausted": "소진",
        "tie": "{round}라운드 동점({purpose}) {tied}: {rules} -> {chosen}",
        "result_elected": "당선(순서대로): {names}",
        "none": "(없음)",
        "passed": "가결",
        "failed": "부결",
        "quorum_fail": "정족수 미달 (출석 {present}, 필요 {quorum})",
    },
}


def _msg(args: argparse.Namespace, key: str, **kw: Any) -> str:
    lang = getattr(args, "lang", None)
    table = MESSAGES.get(lang or "en", MESSAGES["en"])
    return table[key].format(**kw)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``count`` subcommand."""
    p = subparsers.add_parser("count", help=MESSAGES["en"]["help"])
    p.add_argument("method", help=f"one of: {', '.join(METHODS)}")
    p.add_argument("ballots", help="JSONL file, one ballot per line")
    p.add_argument("--seats", type=int, default=1)
    p.add_argument("--max-choices", type=int)
    p.add_argument("--threshold", default="simple")
    p.add_argument("--base", default="valid")
    p.add_argument("--present", type=int)
    p.add_argument("--eligible", type=int)
    p.add_argument("--quorum", type=int)
    p.add_argument("--candidates", help="A,B,C: the ballot paper (also lists 0-vote names)")
    p.add_argument("--costs", help='JSON file {"project": cost}')
    p.add_argument("--budget", help="budget cap (exact number, e.g. 50000000 or 12.5)")
    p.add_argument("--satisfaction", default="cardinality", help="mes: cardinality or cost")
    p.add_argument(
        "--completion",
        default="add1-greedy",
        choices=("none", "add1", "add1-greedy", "greedy"),
        help="mes completion (default add1-greedy)",
    )
    p.add_argument("--increment", default="1", help="mes add1: per-voter increase (default 1)")
    p.add_argument("--seed", help="public tie-break seed (revealed after counting)")
    p.add_argument("--tie-order", help="A,B,...: priority for ties, most favoured first")
    p.add_argument("--criteria-weights", help='JSON {"criterion": weight} (or a file)')
    p.add_argument("--group-weights", help='JSON {"panel": weight} (or a file)')
    p.add_argument("--trim", action="store_true", help="score: drop highest and lowest")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


class _Usage(ValueError):
    pass


def _names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _exact(text: str | None, option: str) -> Fraction | None:
    if text is None:
        return None
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise _Usage(f"{option}: not an exact number: {text!r}") from None


def _json_option(text: str | None, option: str) -> dict[str, Fraction] | None:
    """A JSON object of numbers, given inline or as a file path."""
    if text is None:
        return None
    source = text
    if not text.lstrip().startswith("{"):
        try:
            with open(text, encoding="utf-8-sig") as handle:
                source = handle.read()
        except OSError as exc:
            raise _Usage(f"{option}: cannot read {text}: {exc.strerror}") from None
    try:
        data = json.loads(source, parse_float=Fraction)
    except json.JSONDecodeError as exc:
        raise _Usage(f"{option}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | Fraction) and not isinstance(v, bool) for v in data.values()
    ):
        raise _Usage(f"{option}: expected a JSON object of numbers")
    return {str(k): Fraction(v) for k, v in data.items()}


def options_from(args: argparse.Namespace) -> CountOptions:
    """Turn parsed arguments into :class:`CountOptions` (raises ValueError on bad input)."""
    completion = getattr(args, "completion", "add1-greedy")
    increment = _exact(getattr(args, "increment", "1"), "--increment")
    return CountOptions(
        seats=args.seats,
        max_choices=args.max_choices,
        threshold=args.threshold,
        base=args.base,
        present=args.present,
        eligible=args.eligible,
        quorum=args.quorum,
        candidates=_names(args.candidates),
        costs=_json_option(args.costs, "--costs"),
        budget=_exact(args.budget, "--budget"),
        criteria_weights=_json_option(args.criteria_weights, "--criteria-weights"),
        group_weights=_json_option(getattr(args, "group_weights", None), "--group-weights"),
        trim=args.trim,
        satisfaction=getattr(args, "satisfaction", "cardinality"),
        increment=increment if completion in ("add1", "add1-greedy") else None,
        greedy=completion in ("add1-greedy", "greedy"),
        tie=TieRule(priority=_names(args.tie_order) or (), seed=args.seed),
    )


def run(args: argparse.Namespace) -> int:
    """Count ``args.ballots`` with ``args.method``; print a table or JSON."""
    if args.method not in METHODS:
        methods = ", ".join(METHODS)
        _err(args, _msg(args, "unknown_method", method=args.method, methods=methods))
        return EXIT_ERROR
    try:
        options = options_from(args)
        ballots = read_ballots(args.ballots)
        result = count(args.method, ballots, options)
    except (BallotFileError, OptionError, TieNeedsLotError, _Usage, ValueError) as exc:
        _err(args, str(exc))
        return EXIT_ERROR
    if args.json:
        print(json.dumps(to_json_dict(result), ensure_ascii=False, indent=2))
    else:
        print(render(result, args))
    return EXIT_OK


def _err(args: argparse.Namespace, message: str) -> None:
    print(_msg(args, "error", message=message), file=sys.stderr)


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


def render(result: Result, args: argparse.Namespace) -> str:
    """A plain-text report: validity, a rounds table, ties and the outcome."""
    lines = [f"{result.method}", _msg(args, "valid", valid=result.valid, invalid=result.invalid)]
    lines += [_msg(args, "reason", reason=r, count=c) for r, c in result.invalid_reasons.items()]
    if result.quota is not None:
        lines.append(_msg(args, "quota", quota=show(result.quota)))
    names = list(result.candidates)
    header = [_msg(args, "round"), *names, _msg(args, "exhausted"), ""]
    rows = [header]
    for r in result.rounds:
        cells = [str(r.number)]
        cells += [show(r.tallies[n]) if n in r.tallies else "-" for n in names]
        cells.append(show(r.exhausted))
        notes = []
        if r.elected:
            notes.append(f"{_msg(args, 'elected')}: {', '.join(r.elected)}")
        if r.eliminated:
            notes.append(f"{_msg(args, 'eliminated')}: {', '.join(r.eliminated)}")
        if r.note:
            notes.append(r.note)
        cells.append("; ".join(notes))
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [cell.rjust(w) for cell, w in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    for t in result.ties:
        lines.append(
            _msg(
                args,
                "tie",
                round=t.round,
                purpose=t.purpose,
                tied=", ".join(t.tied),
                rules=" > ".join(t.rules),
                chosen=", ".join(t.chosen),
            )
        )
    if result.passed is not None:
        lines.append(_msg(args, "passed" if result.passed else "failed"))
        d = result.details
        if d.get("quorum_met") is False:
            lines.append(_msg(args, "quorum_fail", present=d["present"], quorum=d["quorum"]))
    else:
        elected = ", ".join(result.elected) or _msg(args, "none")
        lines.append(_msg(args, "result_elected", names=elected))
    return "\n".join(lines)
