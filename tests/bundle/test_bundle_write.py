"""write_bundle / add_signature: what they write, what they refuse; every method round-trips."""

from __future__ import annotations

import json
import re
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from assembly_desk.audit.bundle import BundleError, add_signature, write_bundle
from assembly_desk.audit.bundle_schema import (
    ballot_from_cvr,
    contest_entry,
    options_from_json,
    options_to_json,
    tie_rule_from_json,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json
from assembly_desk.audit.canonical_lines import canonical_jsonl
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.counting import CountOptions, TieRule, count
from assembly_desk.i18n import catalogue

from .conftest import SEED, build_bundle, commitment_entries, sample_cvrs

SRC = Path(__file__).resolve().parents[2] / "src" / "assembly_desk"


def _manifest(contests: list[dict[str, Any]], issued: dict[str, int], signers: Any) -> dict:
    return {
        "assembly": {"title": "총회", "date": "2026-11-28", "district": "성산1동"},
        "contests": contests,
        "policy": SignaturePolicy(signers=tuple(s[1] for s in signers)).to_dict(),
        "counts": {"checked_in": max(issued.values()), "issued": issued},
    }


CASES: list[tuple[str, CountOptions, list[dict[str, Any]]]] = [
    (
        "yesno",
        CountOptions(threshold="two-thirds", base="cast"),
        [{"vote": v} for v in ["yes", "no", "yes", "기권", None, "maybe"]],
    ),
    (
        "plurality",
        CountOptions(seats=1, candidates=("갑", "을", "병"), tie=TieRule(seed="lot")),
        [{"choices": c} for c in [["갑"], ["을"], ["갑", "을"], [], ["병"], ["을"], ["갑"]]],
    ),
    (
        "choose",
        CountOptions(seats=2, max_choices=2, tie=TieRule(priority=("C",))),
        [{"choices": c} for c in [["A", "B"], ["C"], ["A", "C"], ["B", "C"], ["A"]]],
    ),
    (
        "stv",
        CountOptions(seats=2, candidates=("A", "B", "C", "D"), tie=TieRule(seed="stv-seed")),
        [{"ranking": r} for r in [["A", "B"], ["A", "C"], ["A", "B"], ["B"], ["C", "D"], ["D"]]],
    ),
    (
        "score",
        CountOptions(
            seats=1,
            criteria_weights={"vision": Fraction(3, 2), "plan": 1},
            group_weights={"residents": 50, "judges": 50},
        ),
        [
            {"scores": {"A": {"vision": Fraction(7, 2), "plan": 4}}, "group": "residents"},
            {
                "scores": {"A": {"vision": 3, "plan": 3}, "B": {"vision": 5, "plan": 5}},
                "group": "judges",
            },
            {"scores": {"B": {"vision": 2, "plan": Fraction(9, 2)}}, "group": "residents"},
        ],
    ),
    (
        "pb-greedy",
        CountOptions(
            costs={"놀이터": 300, "도서관": Fraction(1001, 2), "CCTV": 200},
            budget=700,
            tie=TieRule(seed="pb"),
        ),
        [{"choices": c} for c in [["놀이터", "도서관"], ["CCTV"], ["도서관"], ["놀이터"]]],
    ),
    (
        "mes",
        CountOptions(
            costs={"P1": 300, "P2": 500, "P3": 200},
            budget=800,
            increment=Fraction(1),
            tie=TieRule(seed="mes"),
        ),
        [{"choices": c} for c in [["P1", "P2"], ["P3"], ["P2"], ["P1"], ["P1", "P3"]]],
    ),
]


@pytest.mark.parametrize(("method", "options", "cvrs"), CASES, ids=[c[0] for c in CASES])
def test_every_method_round_trips_through_a_bundle(
    tmp_path: Path, chair: Any, witness: Any, method: str, options: CountOptions, cvrs: list
) -> None:
    contest = contest_entry("c", "안건", method, options)
    cvrs = [{"contest": "c", **cvr} for cvr in cvrs]
    ballots = [
        ballot_from_cvr({**c, "scores": _plain_scores(c)} if "scores" in c else c) for c in cvrs
    ]
    result = count(method, ballots, options)
    seed = options.tie.seed
    signers = [chair, witness]
    manifest = _manifest([contest], {"c": len(cvrs)}, signers)
    out = write_bundle(
        tmp_path / "b",
        manifest,
        cvrs,
        commitment_entries(manifest["policy"], {"c": result}, manifest["contests"]),
        {"c": result},
        {"c": seed} if seed else {},
        signers,
    )
    report = verify_bundle(out)
    assert report.exit_code == 0, [c.to_dict() for c in report.failures]
    # Options survive the JSON trip exactly.
    tie = tie_rule_from_json(contest["tie_rule"], seed)
    assert options_from_json(contest["options"], tie) == options


def _plain_scores(cvr: dict[str, Any]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        return f"{v.numerator}/{v.denominator}" if isinstance(v, Fraction) else v

    return {
        k: ({c: one(s) for c, s in v.items()} if isinstance(v, dict) else one(v))
        for k, v in cvr["scores"].items()
    }


def test_options_json_has_no_floats_and_refuses_unknown_keys() -> None:
    data = options_to_json(CountOptions(budget=Fraction(25, 2), costs={"a": Fraction(1, 3)}))
    assert data["budget"] == "25/2" and data["costs"] == [["a", "1/3"]]
    canonical_json(data)  # no float anywhere
    with pytest.raises(ValueError, match="unknown counting option"):
        options_from_json({"sets": 2})
    with pytest.raises(ValueError, match="canonical form"):
        options_from_json({"budget": "50/2"})


def test_written_ids_are_random_hex_and_no_personal_fields(bundle: Path) -> None:
    for line in (bundle / "cvrs.jsonl").read_text("utf-8").splitlines():
        cvr = json.loads(line)
        assert re.fullmatch(r"[0-9a-f]{32}", cvr["id"])
        assert set(cvr) - {"id", "contest"} in ({"ranking"}, {"vote"})


def test_refuses_a_nonempty_target(tmp_path: Path, chair: Any, witness: Any) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    with pytest.raises(BundleError, match="already exists"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]])
    (tmp_path / "empty").mkdir()
    assert build_bundle(tmp_path / "empty", [chair], [chair[1], witness[1]]).is_dir()


def test_refuses_signer_outside_the_policy(tmp_path: Path, chair: Any, witness: Any) -> None:
    with pytest.raises(BundleError, match="not listed"):
        build_bundle(tmp_path / "b", [chair, witness], [chair[1]])
    assert not (tmp_path / "b").exists()


def test_refuses_personal_fields_and_bad_ids(tmp_path: Path, chair: Any, witness: Any) -> None:
    cvrs = sample_cvrs()
    cvrs[0]["desk"] = "A"
    with pytest.raises(BundleError, match="'desk' is not allowed"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]], cvrs=cvrs)
    cvrs = sample_cvrs()
    cvrs[0]["id"] = "1"
    with pytest.raises(BundleError, match="32 lowercase hex"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]], cvrs=cvrs)
    cvrs = sample_cvrs()
    cvrs[0]["id"] = cvrs[1]["id"] = "a" * 32
    with pytest.raises(BundleError, match="used twice"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]], cvrs=cvrs)


def test_refuses_non_nfc_text(tmp_path: Path, chair: Any, witness: Any) -> None:
    cvrs = sample_cvrs()
    cvrs[0] = {"contest": "chair-election", "ranking": [unicodedata.normalize("NFD", "홍길동")]}
    with pytest.raises(CanonicalizationError, match="NFC"):
        build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]], cvrs=cvrs)


def test_canonical_jsonl_fast_path_equals_rfc8785() -> None:
    values = [
        {"b": 1, "a": ["가", "나"], "c": None, "d": True},
        {"emoji": "😀", "\U0001f600": 1, "\ue000": 2},  # astral keys sort by UTF-16
        {"ctl": "\x00\x1f\u007f\u2028", "q": '"\\'},
        {"n": -(2**53 - 1)},
    ]
    for value in values:
        assert canonical_jsonl([value]) == canonical_json(value) + b"\n"
    assert canonical_jsonl(values) == b"".join(canonical_json(v) + b"\n" for v in values)
    with pytest.raises(CanonicalizationError):
        canonical_jsonl([{"x": 0.5}])


def test_add_signature_needs_a_folder(bundle: Path, tmp_path: Path, witness: Any) -> None:
    from assembly_desk.audit.bundle import zip_bundle

    archive = zip_bundle(bundle, tmp_path / "b.zip")
    with pytest.raises(BundleError, match="not a bundle folder"):
        add_signature(archive, witness[0], witness[1])


def test_add_signature_refuses_twice_and_tampered_bundles(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    folder = build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]])
    with pytest.raises(BundleError, match="already signed"):
        add_signature(folder, chair[0], chair[1])
    lines = (folder / "cvrs.jsonl").read_text("utf-8").splitlines()
    (folder / "cvrs.jsonl").write_text("\n".join(lines[1:]) + "\n", "utf-8")
    with pytest.raises(BundleError, match="refusing to sign"):
        add_signature(folder, witness[0], witness[1])


def test_seed_must_match_commitment_when_writing(tmp_path: Path, chair: Any) -> None:
    options = CountOptions(tie=TieRule(seed=SEED))
    contest = contest_entry("c", "t", "irv", options)
    cvrs = [{"contest": "c", "ranking": ["A"]}]
    result = count("irv", [ballot_from_cvr(c) for c in cvrs], options)
    with pytest.raises(BundleError, match="commitment"):
        write_bundle(
            tmp_path / "b",
            _manifest([contest], {"c": 1}, [chair]),
            cvrs,
            [],
            {"c": result},
            {"c": "another seed"},
            [chair],
        )


def test_every_verify_message_key_exists_in_both_languages() -> None:
    known = catalogue()
    text = (SRC / "audit" / "verify.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(verify\.[a-z_]+\.[a-z_]+)"', text))
    keys |= {f"verify.name.{n}" for n in re.findall(r'Check\(\s*"([a-z_]+)"', text)}
    statuses = ("valid", "invalid", "unknown-key", "role-mismatch", "duplicate", "malformed")
    keys |= {"verify.status." + s.replace("-", "_") for s in statuses}
    assert keys, "no keys found"
    missing = sorted(k for k in keys if k not in known)
    assert missing == []
    cli = (SRC / "cli" / "bundle_cmd.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(bundle\.[a-z_.]+)"', cli))
    assert sorted(k for k in keys if k not in known) == []
