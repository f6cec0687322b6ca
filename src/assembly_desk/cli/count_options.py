"""The counting options, defined once for ``count``, ``bundle create`` and ``tally rule``.

``count`` and ``bundle create`` take every option and turn them into ``CountOptions``
with :func:`options_from`; ``tally rule`` stores a rule in the database and takes the
ones a stored rule has (:data:`RULE_OPTIONS`). One table means one spelling, one default
and one help text per option, in the catalogue's language.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from assembly_desk.i18n import t

if TYPE_CHECKING:  # the counting package loads when a count runs, not to parse
    from assembly_desk.counting import CountOptions

# The counting rules' choices, spelled here so that parsing (and ``--help``) needs no
# counting module; tests/test_startup.py checks each against the rule it names.
#: ``counting.METHODS``' names, in its order (the help of ``count METHOD`` lists them)
METHOD_NAMES = ("yesno", "plurality", "approval", "choose", "irv", "stv", "score", "pb-greedy",
                "mes")  # fmt: skip
#: ``counting.yesno.THRESHOLDS``
THRESHOLDS = ("simple", "absolute", "two-thirds", "three-quarters")
#: ``counting.yesno.BASES``
BASES = ("cast", "valid", "present", "eligible")
#: ``counting.slips.OVERVOTE_RULES``
OVERVOTE_RULES = ("invalidate", "exhaust", "skip")
#: ``counting.slips.DUPLICATE_RULES``
DUPLICATE_RULES = ("invalidate", "skip", "exhaust")

COMPLETIONS = ("none", "add1", "add1-greedy", "greedy")

#: Option -> (argparse keywords, catalogue key of its help).
_OPTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "--seats": ({"type": int, "default": 1}, "count.help.seats"),
    "--max-choices": ({"type": int}, "count.help.max_choices"),
    "--threshold": ({"default": "simple", "choices": THRESHOLDS}, "count.help.threshold"),
    "--base": ({"default": "valid", "choices": BASES}, "count.help.base"),
    "--present": ({"type": int}, "count.help.present"),
    "--eligible": ({"type": int}, "count.help.eligible"),
    "--quorum": ({"type": int}, "count.help.quorum"),
    "--candidates": ({"metavar": "NAMES"}, "count.help.candidate_list"),
    "--costs": ({}, "count.help.costs"),
    "--budget": ({}, "count.help.budget"),
    "--satisfaction": ({"default": "cardinality"}, "count.help.satisfaction"),
    "--completion": ({"default": "add1-greedy", "choices": COMPLETIONS}, "count.help.completion"),
    "--increment": ({"default": "0"}, "count.help.increment"),
    "--seed": ({}, "count.help.seed"),
    "--tie-order": ({"metavar": "NAMES"}, "count.help.tie_list"),
    "--criteria-weights": ({}, "count.help.criteria_weights"),
    "--group-weights": ({}, "count.help.group_weights"),
    "--trim": ({"action": "store_true"}, "count.help.trim"),
    "--overvote": ({"default": "invalidate", "choices": OVERVOTE_RULES}, "count.help.overvote"),
    "--skipped": ({"default": "allow", "metavar": "allow|exhaust|N"}, "count.help.skipped"),
    "--duplicates": (
        {"default": "invalidate", "choices": DUPLICATE_RULES},
        "count.help.duplicates",
    ),
}

ALL_OPTIONS = tuple(_OPTIONS)
#: What a stored counting rule (``tally rule``) holds; the seed is given at the count.
RULE_OPTIONS = ("--seats", "--threshold", "--base", "--trim", "--criteria-weights", "--tie-order")


def add_count_options(parser: argparse.ArgumentParser, names: Iterable[str] = ALL_OPTIONS) -> None:
    """Add the counting options ``names`` (all by default) to ``parser``."""
    for name in names:
        kwargs, help_key = _OPTIONS[name]
        parser.add_argument(name, help=t(help_key), **kwargs)


class OptionUsage(ValueError):
    """An option value that cannot be used; the message is already in the user's language."""


def names(text: str | None, option: str = "--tie-order") -> tuple[str, ...] | None:
    """A list of names: ``"A, B,,C"``, a JSON list or ``@file.json``; None stays None.

    The comma form cannot carry a name with a comma ("Brennan, Michael F."), so a JSON
    list, inline (it starts with ``[``) or in a file, is taken exactly as written.
    """
    if text is None:
        return None
    stripped = text.strip()
    if stripped.startswith("@"):
        path = stripped[1:]
        try:
            with open(path, encoding="utf-8-sig") as handle:
                return _json_names(handle.read(), option)
        except OSError as exc:
            message = t("count.option.unreadable", option=option, path=path, error=exc.strerror)
            raise OptionUsage(message) from None
    if stripped.startswith("["):
        return _json_names(stripped, option)
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _json_names(source: str, option: str) -> tuple[str, ...]:
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise OptionUsage(t("count.option.bad_json", option=option, error=exc.msg)) from None
    if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
        raise OptionUsage(t("count.option.not_names", option=option))
    return tuple(data)


def exact(text: str | None, option: str) -> Fraction | None:
    """An exact number (``12.5``, ``3/2``); None stays None."""
    if text is None:
        return None
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise OptionUsage(t("count.option.not_exact", option=option, text=text)) from None


def json_numbers(text: str | None, option: str) -> dict[str, Fraction] | None:
    """A JSON object of numbers, given inline or as a file path (exact, never float)."""
    if text is None:
        return None
    source = text
    if not text.lstrip().startswith("{"):
        try:
            with open(text, encoding="utf-8-sig") as handle:
                source = handle.read()
        except OSError as exc:
            message = t("count.option.unreadable", option=option, path=text, error=exc.strerror)
            raise OptionUsage(message) from None
    try:
        data = json.loads(source, parse_float=Fraction)
    except json.JSONDecodeError as exc:
        raise OptionUsage(t("count.option.bad_json", option=option, error=exc.msg)) from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | Fraction) and not isinstance(v, bool) for v in data.values()
    ):
        raise OptionUsage(t("count.option.not_numbers", option=option))
    return {str(k): Fraction(v) for k, v in data.items()}


def options_from(args: argparse.Namespace) -> CountOptions:
    """Turn parsed arguments into :class:`CountOptions` (raises ``OptionUsage`` on bad input)."""
    from assembly_desk.counting import CountOptions, TieRule

    completion = args.completion
    increment = exact(args.increment, "--increment")
    return CountOptions(
        seats=args.seats,
        max_choices=args.max_choices,
        threshold=args.threshold,
        base=args.base,
        present=args.present,
        eligible=args.eligible,
        quorum=args.quorum,
        candidates=names(args.candidates, "--candidates"),
        costs=json_numbers(args.costs, "--costs"),
        budget=exact(args.budget, "--budget"),
        criteria_weights=json_numbers(args.criteria_weights, "--criteria-weights"),
        group_weights=json_numbers(args.group_weights, "--group-weights"),
        trim=args.trim,
        satisfaction=args.satisfaction,
        increment=increment if completion in ("add1", "add1-greedy") else None,
        greedy=completion in ("add1-greedy", "greedy"),
        tie=TieRule(priority=names(args.tie_order) or (), seed=args.seed),
        overvote=args.overvote,
        skipped=args.skipped,
        duplicates=args.duplicates,
    )
