"""The counting rule a contest was counted by is the one frozen when its poll opened.

The recount proves the signed result follows from the ballots *and the manifest's
options*; it cannot tell whether those options are the ones agreed. A chair who changed
the rule after seeing the first ballots (two seats instead of three, another threshold,
no greedy fill), counted, and signed would pass every other check. The audit chain
closes that door: ``poll.opened`` records the contest's ``rules`` before the first
ballot (and the definition's digest). Here, for every contest of the manifest:

* the chain holds a ``poll.opened`` entry for it (before its first count);
* the manifest's ``rules``, where present, equal the recorded ones exactly;
* the method and every option the rule decides (seats; threshold, base and quorum of a
  motion; the ranked-ballot slip rules; score weights and trimming; the equal-shares
  satisfaction, completion step and greedy fill; the tie priority) are the ones the
  recorded rule gives. Options the rule does not decide (names, costs, the budget, the
  turnout figures of a motion) come from the ballot paper, whose digest the same entry
  records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from assembly_desk.audit.signing import COUNT_EVENT
from assembly_desk.audit.verify_parse import Parsed
from assembly_desk.audit.verify_report import Check

__all__ = ["OPEN_EVENT", "check_rules_commitment", "expected_options", "rules_of_entry"]

OPEN_EVENT = "poll.opened"
NAME = "rules_commitment"

_RANKED = ("irv", "stv")
_SEATED = ("choose", "plurality", "approval", "irv", "stv", "score")


def _num(value: Any) -> Any:
    """A rule's number in the options' JSON spelling (an int or 'num/den')."""
    if value is None:
        return None
    number = Fraction(str(value))
    return number.numerator if number.denominator == 1 else str(number)


def _pairs(value: Any) -> Any:
    return None if value is None else [[str(k), _num(v)] for k, v in value]


def expected_options(method: str, rules: Mapping[str, Any]) -> dict[str, Any]:
    """The options (in bundle JSON) that ``rules`` fixes for a count by ``method``."""
    out: dict[str, Any] = {}
    if method in _SEATED:
        out["seats"] = rules.get("seats")
    if method == "yesno":
        out.update(threshold=rules.get("threshold"), base=rules.get("base"))
        out["quorum"] = rules.get("quorum")
    if method in _RANKED:
        for key in ("overvote", "skipped", "duplicates"):
            out[key] = rules.get(key)
    if method == "score":
        out["trim"] = rules.get("trim")
        out["group_weights"] = _pairs(rules.get("group_weights"))
        if rules.get("criteria_weights") is not None:
            out["criteria_weights"] = _pairs(rules.get("criteria_weights"))
    if method == "mes":
        completion = rules.get("completion")
        out["satisfaction"] = rules.get("satisfaction")
        out["increment"] = (
            _num(rules.get("increment")) if completion in ("add1", "add1-greedy") else None
        )
        out["greedy"] = completion in ("add1-greedy", "greedy")
    return out


def rules_of_entry(contest: Mapping[str, Any]) -> dict[str, Any]:
    """The rule that gives exactly a manifest contest's method and options.

    For a bundle made from a ballot file (``bundle create``), whose options are fixed
    when it is made: its chain records this as the rule at opening.
    """
    o = contest["options"]
    if o["increment"] is not None:
        completion = "add1-greedy" if o["greedy"] else "add1"
    else:
        completion = "greedy" if o["greedy"] else "none"
    return {
        "method": contest["method"],
        "seats": o["seats"],
        "threshold": o["threshold"],
        "base": o["base"],
        "quorum": o["quorum"],
        "trim": o["trim"],
        "criteria_weights": o["criteria_weights"],
        "group_weights": o["group_weights"],
        "tie_priority": list(contest["tie_rule"]["priority"]),
        "satisfaction": o["satisfaction"],
        "completion": completion,
        "increment": 0 if o["increment"] is None else o["increment"],
        "overvote": o["overvote"],
        "skipped": o["skipped"],
        "duplicates": o["duplicates"],
    }


def _opened(audit: Sequence[Mapping[str, Any]], cid: str) -> Mapping[str, Any] | None:
    """The ``poll.opened`` entry of the contest whose first count names ``cid``."""
    first = next(
        (
            i
            for i, e in enumerate(audit)
            if e["kind"] == COUNT_EVENT and e["data"].get("contest_key") == cid
        ),
        None,
    )
    if first is None:
        return None
    counted = audit[first]["data"]
    if counted.get("contest") is None:
        return None
    for entry in reversed(audit[:first]):
        data = entry["data"]
        if (
            entry["kind"] == OPEN_EVENT
            and data.get("contest") == counted.get("contest")
            and data.get("assembly") == counted.get("assembly")
        ):
            return entry
    return None


def _differences(contest: Mapping[str, Any], rules: Mapping[str, Any]) -> list[str]:
    """Names of what the count used that the recorded rule does not give."""
    out: list[str] = []
    if "rules" in contest and dict(contest["rules"]) != dict(rules):
        out.append("rules")
    method = contest.get("method")
    if rules.get("method") and method != rules["method"]:
        out.append("method")
    options = contest.get("options", {})
    for key, want in expected_options(str(method), rules).items():
        if options.get(key) != want:
            out.append(key)
    priority = contest.get("tie_rule", {}).get("priority")
    if list(priority or ()) != list(rules.get("tie_priority") or ()):
        out.append("tie_priority")
    return out


def check_rules_commitment(p: Parsed) -> list[Check]:
    """Each contest was counted by the rule its ``poll.opened`` entry recorded."""
    if not p.audit or not p.chain.ok:
        return [Check(NAME, False, "verify.commitment.no_chain")]
    failures: list[Check] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        entry = _opened(p.audit, cid)
        rules = None if entry is None else entry["data"].get("rules")
        if entry is None or not isinstance(rules, Mapping):
            failures.append(Check(NAME, False, "verify.rules.not_recorded", {"contest": cid}, cid))
            continue
        changed = _differences(contest, rules)
        if changed:
            params = {"contest": cid, "seq": entry["seq"], "fields": ", ".join(changed)}
            failures.append(Check(NAME, False, "verify.rules.differs", params, cid))
    if failures:
        return failures
    return [Check(NAME, True, "verify.rules.ok", {"count": len(p.manifest["contests"])})]
