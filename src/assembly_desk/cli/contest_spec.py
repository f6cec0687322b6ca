"""A contest's definition from command-line flags or a JSON file, as the editor builds it.

The file is what a chair can write by hand or keep from a previous assembly::

    {"title": "우선 추진 사업", "type": "choose_n", "options": ["도서관", "가로등", "놀이터"],
     "max_choices": 2}

``candidates`` is accepted for ``options``; an option may be ``{"name": ..., "cost": ...}``
(budget contests), a criterion ``{"name": ..., "max_score": ...}``; ``panel`` lists the
card codes of a panel (평가단), which makes the contest a panel contest. Rules are the
domain's (``ContestDefinition.validate`` runs when the facade saves it); here only the
file's shape is checked, so a typo in a key is named instead of silently ignored.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembly_desk.domain.contests import (
    BallotType,
    ContestDefinition,
    Criterion,
    Option,
    VoterScope,
)
from assembly_desk.domain.errors import InvalidInput

KEYS = frozenset(
    {
        "title",
        "type",
        "options",
        "candidates",
        "max_choices",
        "criteria",
        "max_score",
        "budget_cap",
        "scope",
        "panel",
    }
)


@dataclass(frozen=True, slots=True)
class ContestInput:
    definition: ContestDefinition
    panel_codes: tuple[str, ...]


def _int(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput("fronts.contest.bad_number", field=key)
    return value


def _option(item: Any) -> Option:
    if isinstance(item, str):
        return Option(item)
    if (
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and set(item) <= {"name", "cost"}
    ):
        return Option(item["name"], _int(item, "cost", 0))
    raise InvalidInput("fronts.contest.bad_option", value=json.dumps(item, ensure_ascii=False))


def _criterion(item: Any) -> Criterion:
    if (
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and set(item)
        == {
            "name",
            "max_score",
        }
    ):
        return Criterion(item["name"], _int(item, "max_score", 0))
    raise InvalidInput("fronts.contest.bad_criterion", value=json.dumps(item, ensure_ascii=False))


def from_dict(data: Any) -> ContestInput:
    """The definition a JSON object describes (``InvalidInput`` naming what is wrong)."""
    if not isinstance(data, dict):
        raise InvalidInput("fronts.contest.not_object")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise InvalidInput("fronts.contest.unknown_keys", keys=", ".join(unknown))
    try:
        ballot_type = BallotType(data.get("type", ""))
    except ValueError:
        raise InvalidInput(
            "fronts.contest.bad_type",
            value=str(data.get("type", "")),
            types=", ".join(b.value for b in BallotType),
        ) from None
    title = data.get("title", "")
    options = data.get("options", data.get("candidates", []))
    criteria = data.get("criteria", [])
    panel = data.get("panel", [])
    if not isinstance(title, str):
        raise InvalidInput("contest.title_required")
    if not isinstance(options, list) or not isinstance(criteria, list):
        raise InvalidInput("fronts.contest.not_list")
    if not isinstance(panel, list) or not all(isinstance(c, str) for c in panel):
        raise InvalidInput("fronts.contest.not_list")
    scope_text = data.get("scope", VoterScope.PANEL.value if panel else VoterScope.CHECKED_IN.value)
    try:
        scope = VoterScope(scope_text)
    except ValueError:
        raise InvalidInput("fronts.contest.bad_scope", value=str(scope_text)) from None
    defn = ContestDefinition(
        title=title,
        ballot_type=ballot_type,
        options=tuple(_option(o) for o in options),
        max_choices=_int(data, "max_choices", 1),
        criteria=tuple(_criterion(c) for c in criteria),
        max_score=_int(data, "max_score", 10),
        budget_cap=_int(data, "budget_cap", 0),
        scope=scope,
    )
    return ContestInput(defn.normalised(), tuple(panel))


def from_file(path: Path) -> ContestInput:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput("fronts.file_unreadable", path=str(path), error=error.strerror) from None
    except UnicodeDecodeError:
        raise InvalidInput("count.file.not_utf8", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "fronts.contest.bad_json", path=str(path), line=error.lineno, error=error.msg
        ) from None
    return from_dict(data)


def _pair(text: str, flag: str) -> tuple[str, int]:
    name, sep, number = text.rpartition("=")
    if not sep or not name.strip() or not number.strip().isdigit():
        raise InvalidInput("fronts.contest.bad_pair", flag=flag, value=text)
    return name, int(number)


def from_args(args: argparse.Namespace) -> ContestInput:
    """Flags as the same dict a file holds, so both paths meet the same checks."""
    if args.file is not None:
        return from_file(args.file)
    if args.title is None or args.type is None:
        raise InvalidInput("fronts.contest.title_and_type")
    data: dict[str, Any] = {"title": args.title, "type": args.type}
    options: list[Any] = []
    for text in args.option or []:
        if args.type == BallotType.BUDGET.value:
            name, cost = _pair(text, "--option")
            options.append({"name": name, "cost": cost})
        else:
            options.append(text)
    data["options"] = options
    data["criteria"] = [
        dict(zip(("name", "max_score"), _pair(c, "--criterion"), strict=True))
        for c in args.criterion or []
    ]
    for key in ("max_choices", "max_score", "budget_cap"):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    if args.panel:
        data["panel"] = list(args.panel)
    return from_dict(data)
