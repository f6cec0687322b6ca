"""The attacks an outsider's verification must withstand, end to end through ``verify``.

Each test here reproduces a forgery that printed VALID before the policy, the chain
commitment and the trust anchors were checked: votes flipped, the result recounted to
match, the policy emptied and the signatures removed; or the same with fresh keys under
the signers' names and roles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle_schema import ballot_from_cvr
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.counting import count, to_json_dict

from .conftest import _signer, rewrite


def _flip_motion(cvrs: list[dict[str, Any]]) -> None:
    """Every 찬성 on motion-1 becomes 반대 and back: the motion now fails."""
    for cvr in cvrs:
        if cvr["contest"] == "motion-1" and cvr["vote"] in ("찬성", "반대"):
            cvr["vote"] = "반대" if cvr["vote"] == "찬성" else "찬성"


def _recount_motion(folder: Path) -> Any:
    """A body mutation that stores the honest recount of the flipped ballots."""
    from assembly_desk.audit.bundle_schema import options_from_json
    from assembly_desk.audit.canonical import loads

    manifest = loads((folder / "manifest.json").read_bytes())
    (contest,) = [c for c in manifest["contests"] if c["id"] == "motion-1"]

    def body(b: dict[str, Any]) -> None:
        lines = (folder / "cvrs.jsonl").read_bytes().splitlines()
        ballots = [ballot_from_cvr(c) for c in map(loads, lines) if c["contest"] == "motion-1"]
        options = options_from_json(contest["options"])
        b["results"]["motion-1"] = to_json_dict(count("yesno", ballots, options))

    return body


def test_flipped_votes_recount_empty_policy_and_no_signatures_is_invalid(bundle: Path) -> None:
    rewrite(bundle, [], cvrs=_flip_motion)

    def empty_policy(m: dict[str, Any]) -> None:
        m["policy"] = {
            "required_roles": [],
            "min_witnesses": 0,
            "witness_role": "witness",
            "signers": [],
        }

    rewrite(bundle, [], manifest=empty_policy, body=_recount_motion(bundle))
    report = verify_bundle(bundle)
    assert report.exit_code == 1, report.to_dict()
    failed = {c.name for c in report.failures}
    assert "policy" in failed
    assert "policy_commitment" in failed


def test_re_signed_with_fresh_keys_under_the_same_names_is_invalid(
    bundle: Path, chair: Any, witness: Any
) -> None:
    fake_chair = _signer(chair[1].name, "chair")
    fake_witness = _signer(witness[1].name, "witness")
    fakes = [fake_chair, fake_witness]

    def fresh_keys(m: dict[str, Any]) -> None:
        m["policy"]["signers"] = [fake_chair[1].to_dict(), fake_witness[1].to_dict()]

    rewrite(bundle, fakes, cvrs=_flip_motion)
    rewrite(bundle, fakes, manifest=fresh_keys, body=_recount_motion(bundle))
    report = verify_bundle(bundle)
    assert report.exit_code == 1, report.to_dict()
    failed = {c.name for c in report.failures}
    assert {"policy_commitment", "result_commitment"} <= failed
