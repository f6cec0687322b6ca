"""Ranked CVRs that carry a paper ballot's slips, in a signed bundle.

A rank is a name, a list of names (several: an overvote; none: a skipped rank), so the
CVRs of paper ballots travel in the same ``ranking`` field; the contest's rules are in
its options, and the verifier recounts with them. The auditors' "recount only" path,
``count --contest ID cvrs.jsonl``, reproduces the signed result.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from assembly_desk.audit.bundle import write_bundle
from assembly_desk.audit.bundle_schema import ballot_from_cvr, contest_entry
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.cli import count_cmd
from assembly_desk.counting import CountOptions, TieRule, count
from assembly_desk.i18n import set_language

from .conftest import SEED, commitment_entries

RULES = {"overvote": "skip", "skipped": "1", "duplicates": "exhaust"}
PAPERS: list[Any] = (
    [["A", "B"]] * 6
    + [["B"]] * 4
    + [["C", ["A", "B"], "B"]] * 1  # B at the skipped overvote, then again: a repeat
    + [["C", [], [], "A"]] * 1  # two blank ranks in a row: exhausts once C is out
    + [["C", "C", "A"]] * 1  # a repeat: exhausts once C is out
)


def _write(
    out: Path, signers: list[Any], rules: dict[str, str], counted_with: dict[str, str]
) -> Path:
    """A bundle whose manifest says ``rules`` and whose signed result used ``counted_with``."""
    cvrs = [{"contest": "chair", "ranking": r} for r in PAPERS]
    cvrs += [{"contest": "motion", "vote": v} for v in ["찬성"] * 3 + ["반대"]]
    tie = TieRule(seed=SEED)
    irv = CountOptions(candidates=("A", "B", "C"), tie=tie, **rules)
    motion = CountOptions()
    ballots = [ballot_from_cvr(c) for c in cvrs if c["contest"] == "chair"]
    results = {
        "chair": count(
            "irv", ballots, CountOptions(candidates=("A", "B", "C"), tie=tie, **counted_with)
        ),
        "motion": count(
            "yesno", [ballot_from_cvr(c) for c in cvrs if c["contest"] == "motion"], motion
        ),
    }
    policy = SignaturePolicy(signers=tuple(info for _, info in signers)).to_dict()
    manifest = {
        "assembly": {"title": "총회", "date": "2026-11-28", "district": "성산1동"},
        "contests": [
            contest_entry("chair", "chair", "irv", irv),
            contest_entry("motion", "m", "yesno", motion),
        ],
        "policy": policy,
        "counts": {"checked_in": 20, "issued": {"chair": 13, "motion": 4}},
    }
    entries = commitment_entries(policy, results, manifest["contests"])
    return write_bundle(out, manifest, cvrs, entries, results, {"chair": SEED}, signers)


def test_slips_travel_in_cvrs_and_recount_under_the_contests_rules(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    bundle = _write(tmp_path / "b", [chair, witness], RULES, RULES)
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8")
    assert '"ranking":["C",[],[],"A"]' in lines and '"ranking":["C",["A","B"],"B"]' in lines
    report = verify_bundle(bundle)
    assert report.ok, [c.detail("en") for c in report.failures]
    signed = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))["body"]["results"][
        "chair"
    ]
    assert signed["params"]["ballot_rules"] == RULES
    assert signed["elected"] == ["A"]
    assert signed["rounds"][0]["transfers"][0]["exhausted"] == 3
    assert signed["rounds"][1]["figures"] == {"exhausted_by": {"duplicate": 2, "skipped_ranks": 1}}
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert {k: manifest["contests"][0]["options"][k] for k in RULES} == RULES


def test_a_result_counted_under_other_rules_does_not_recount(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    bundle = _write(tmp_path / "b", [chair, witness], RULES, {})
    failures = {c.name: c.detail("en") for c in verify_bundle(bundle).failures}
    assert set(failures) == {"recount"}
    assert "chair" in failures["recount"]


def _count(argv: list[str]) -> int:
    set_language("en")
    try:
        parser = argparse.ArgumentParser(prog="assembly-desk")
        count_cmd.register(parser.add_subparsers())
        args = parser.parse_args(["count", *argv])
        return int(args.func(args))
    finally:
        set_language("ko")


def test_recount_only_counts_one_contest_of_the_bundle(
    tmp_path: Path, chair: Any, witness: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _write(tmp_path / "b", [chair, witness], RULES, RULES)
    cvrs = str(bundle / "cvrs.jsonl")
    assert _count(["irv", cvrs]) == 2
    assert "several contests (chair, motion)" in capsys.readouterr().err
    assert _count(["irv", cvrs, "--contest", "chiar"]) == 2
    assert "contests in it: chair, motion" in capsys.readouterr().err
    flags = [f"--{k}={v}" for k, v in RULES.items()]
    argv = [
        "irv",
        str(bundle),
        "--contest",
        "chair",
        "--candidates",
        '["A", "B", "C"]',
        "--seed",
        SEED,
    ]
    assert _count([*argv, *flags, "--json"]) == 0
    recount = json.loads(capsys.readouterr().out)
    signed = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))["body"]["results"][
        "chair"
    ]
    assert recount == signed
    assert _count([*argv, *flags]) == 0
    out = capsys.readouterr().out
    assert "ranked ballot rules: overvote skip, skipped ranks 1, duplicates exhaust" in out
    assert "exhausted by a rule up to round 2: skipped_ranks 1, duplicate 2" in out
