"""A chair who changes the counting rule after the poll opened cannot get a valid bundle.

The attack: the rule is frozen in the database, but whoever holds the database and the
signing keys can edit the stored rule, count again (the count appends an honest
``tally.counted`` with the new result's hash), export and sign. Ballots, recount,
signatures and the result commitment then all agree. Only the rule the chain recorded
when the poll opened (``poll.opened`` → ``rules``) tells the auditor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle_options import options_from_json, tie_rule_from_json
from assembly_desk.audit.bundle_schema import ballot_from_cvr
from assembly_desk.audit.canonical import canonical_hash, loads
from assembly_desk.audit.chain import make_entry
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.counting import count, to_json_dict

from .conftest import SEED, rewrite


def _failed(report: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for check in report.failures:
        out.setdefault(check.name, check.detail("en"))
    return out


def _recount_under_new_rule(folder: Path, signers: list[Any], cid: str, **changes: Any) -> None:
    """Change the options of ``cid``, recount, log the count as the app does, re-sign."""
    manifest = loads((folder / "manifest.json").read_bytes())
    contest = next(c for c in manifest["contests"] if c["id"] == cid)
    options_json = {**contest["options"], **changes}
    tie = tie_rule_from_json(contest["tie_rule"], SEED if contest["seed_commitment"] else None)
    cvrs = [loads(line) for line in (folder / "cvrs.jsonl").read_bytes().splitlines()]
    ballots = [ballot_from_cvr(c) for c in cvrs if c["contest"] == cid]
    result = to_json_dict(count(contest["method"], ballots, options_from_json(options_json, tie)))
    entries = [loads(line) for line in (folder / "audit_log.jsonl").read_bytes().splitlines()]
    first = next(e for e in entries if e["data"].get("contest_key") == cid)

    def edit_manifest(man: dict[str, Any]) -> None:
        for c in man["contests"]:
            if c["id"] == cid:
                c["options"] = options_json

    def log_recount(chain: list[dict[str, Any]]) -> None:
        last = chain[-1]
        data = {**first["data"], "result_sha256": canonical_hash(result)}
        chain.append(make_entry(last["hash"], last["seq"] + 1, last["time"], "tally.counted", data))

    def new_result(body: dict[str, Any]) -> None:
        body["results"][cid] = result

    rewrite(folder, signers, manifest=edit_manifest, audit=log_recount, body=new_result)


def test_a_rule_changed_after_opening_fails_only_on_the_rule_fixed_at_opening(
    bundle: Path, chair: Any, witness: Any
) -> None:
    assert verify_bundle(bundle).ok
    _recount_under_new_rule(bundle, [chair, witness], "motion-1", threshold="simple")
    report = verify_bundle(bundle)
    assert _failed(report) == {
        "rules_commitment": "motion-1: the count used a rule other than the one fixed when "
        "the poll opened, in audit entry 3 (threshold)"
    }
    assert report.exit_code == 1


def test_fewer_seats_or_another_slip_rule_after_opening_are_named(
    bundle: Path, chair: Any, witness: Any
) -> None:
    _recount_under_new_rule(
        bundle, [chair, witness], "chair-election", overvote="skip", skipped="exhaust"
    )
    problem = _failed(verify_bundle(bundle))["rules_commitment"]
    assert problem.startswith("chair-election:") and problem.endswith("(overvote, skipped)")


def test_manifest_rules_rewritten_to_match_still_differ_from_the_chain(
    bundle: Path, chair: Any, witness: Any
) -> None:
    def claim(man: dict[str, Any]) -> None:
        for c in man["contests"]:
            if c["id"] == "motion-1":
                c["rules"] = {"method": "yesno", "threshold": "simple"}

    rewrite(bundle, [chair, witness], manifest=claim)
    assert "(rules)" in _failed(verify_bundle(bundle))["rules_commitment"]


def test_a_chain_without_the_opening_is_refused(bundle: Path, chair: Any, witness: Any) -> None:
    def drop_openings(chain: list[dict[str, Any]]) -> None:
        kept = [e for e in chain if e["kind"] != "poll.opened"]
        rebuilt: list[dict[str, Any]] = []
        prev = chain[0]["prev"]
        for seq, e in enumerate(kept, start=1):
            rebuilt.append(make_entry(prev, seq, e["time"], e["kind"], e["data"]))
            prev = rebuilt[-1]["hash"]
        chain[:] = rebuilt

    rewrite(bundle, [chair, witness], audit=drop_openings)
    problems = _failed(verify_bundle(bundle))
    assert problems == {
        "rules_commitment": "chair-election: the audit log has no opening of this poll "
        "(poll.opened) with the counting rule fixed then"
    }
