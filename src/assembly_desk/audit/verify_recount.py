"""The full recount: every contest counted again from the CVRs must equal the signed result.

:func:`first_difference` names the earliest place two results part (the first round
that does not reproduce), so an auditor sees where, not only that, a tally is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assembly_desk.audit.bundle_schema import options_from_json, tie_rule_from_json
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json
from assembly_desk.audit.verify_parse import Parsed
from assembly_desk.audit.verify_report import Check, Msg
from assembly_desk.counting import count, to_json_dict

__all__ = ["check_recounts", "first_difference"]


_KEY_ORDER = (
    "method",
    "candidates",
    "seats",
    "params",
    "quota",
    "rounds",
    "ties",
    "elected",
    "passed",
    "valid",
    "invalid",
    "invalid_reasons",
    "details",
)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    try:
        text = canonical_json(value).decode("utf-8")
    except (CanonicalizationError, TypeError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_MISSING = object()


def first_difference(signed: Any, recount: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place (path, signed value, recounted value) where two results differ.

    Object keys are visited in a meaningful order (rounds before the elected list), so
    the first difference named is the earliest round that does not reproduce.
    """
    if isinstance(signed, Mapping) and isinstance(recount, Mapping):
        keys = [k for k in _KEY_ORDER if k in signed or k in recount]
        keys += sorted((set(signed) | set(recount)) - set(keys))
        for key in keys:
            sub = f"{path}.{key}" if path else str(key)
            a, b = signed.get(key, _MISSING), recount.get(key, _MISSING)
            if a is _MISSING or b is _MISSING:
                return (sub, a, b)
            found = first_difference(a, b, sub)
            if found:
                return found
        return None
    if isinstance(signed, list) and isinstance(recount, list):
        for index in range(max(len(signed), len(recount))):
            sub = f"{path}[{index}]"
            if index >= len(signed) or index >= len(recount):
                a = signed[index] if index < len(signed) else _MISSING
                b = recount[index] if index < len(recount) else _MISSING
                return (sub, a, b)
            found = first_difference(signed[index], recount[index], sub)
            if found:
                return found
        return None
    if type(signed) is not type(recount) or signed != recount:
        return (path or "$", signed, recount)
    return None


def check_recounts(p: Parsed) -> list[Check]:
    body = p.tally["body"]
    results, seeds = body["results"], body["seeds"]
    checks: list[Check] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        signed = results.get(cid)
        if signed is None:
            checks.append(
                Check("recount", False, "verify.recount.no_result", {"contest": cid}, cid)
            )
            continue
        ballots = p.ballots.get(cid, [])
        try:
            tie = tie_rule_from_json(contest["tie_rule"], seeds.get(cid))
            options = options_from_json(contest["options"], tie)
            recount = to_json_dict(count(contest["method"], ballots, options))
        except (
            Exception
        ) as error:  # e.g. TieNeedsLotError; an auditor's tool reports, never crashes
            checks.append(
                Check(
                    "recount",
                    False,
                    "verify.recount.error",
                    {"contest": cid, "reason": str(error)},
                    cid,
                )
            )
            continue
        diff = first_difference(signed, recount)
        if diff is None:
            elected: Any = ", ".join(recount.get("elected", [])) or "-"
            if recount.get("passed") is not None:
                elected = Msg(
                    "verify.recount.passed" if recount["passed"] else "verify.recount.failed"
                )
            params = {
                "contest": cid,
                "method": contest["method"],
                "ballots": len(ballots),
                "rounds": len(recount.get("rounds", [])),
                "elected": elected,
            }
            checks.append(Check("recount", True, "verify.recount.ok", params, cid))
            continue
        where, a, b = diff
        round_no = None
        if where.startswith("rounds["):
            index = int(where[len("rounds[") : where.index("]")])
            rounds = signed.get("rounds") or []
            if index < len(rounds) and isinstance(rounds[index], Mapping):
                round_no = rounds[index].get("round")
        params = {"contest": cid, "where": where, "signed": _show(a), "recount": _show(b)}
        if round_no is not None:
            params["round"] = round_no
            checks.append(Check("recount", False, "verify.recount.round_differs", params, cid))
        else:
            checks.append(Check("recount", False, "verify.recount.differs", params, cid))
    known = {c["id"] for c in p.manifest["contests"]}
    for cid in sorted(set(results) - known):
        checks.append(Check("recount", False, "verify.recount.unknown", {"contest": cid}, cid))
    return checks
