"""verify_bundle: a valid bundle passes every check; each kind of damage fails the right one."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assembly_desk.audit.bundle import add_signature, zip_bundle
from assembly_desk.audit.bundle_schema import FILES
from assembly_desk.audit.chain import GENESIS, make_entry
from assembly_desk.audit.verify import first_difference, render_report, verify_bundle

from .conftest import SEED, build_bundle, rewrite

ORDER = [
    "files",
    "manifest_hash",
    "signature",
    "signature",
    "policy",
    "cvr_file",
    "cvr_contests",
    "recount",
    "recount",
    "turnout",
    "seeds",
    "audit_chain",
    "audit_head",
    "policy_commitment",
    "result_commitment",
    "rules_commitment",
]


def failed(report: Any) -> dict[str, str]:
    """name -> English detail of the first failure of that name."""
    out: dict[str, str] = {}
    for check in report.failures:
        out.setdefault(check.name, check.detail("en"))
    return out


def test_valid_bundle_passes_every_check_in_order(bundle: Path) -> None:
    report = verify_bundle(bundle)
    assert report.exit_code == 0, report.to_dict()
    assert report.ok
    assert [c.name for c in report.checks] == ORDER
    assert all(c.ok for c in report.checks)
    data = report.to_dict()
    assert data["ok"] is True
    assert {"name", "ok", "detail"} <= set(data["checks"][0])
    text = render_report(report, "ko")
    assert text.count("✓") == len(ORDER) and "✗" not in text
    assert "유효합니다" in text
    assert "Every check passed" in render_report(report, "en")


def test_bundle_files_are_canonical_and_hashes_match_sha256sum(bundle: Path) -> None:
    from assembly_desk.audit.canonical import canonical_json, loads, sha256_hex

    manifest_bytes = (bundle / "manifest.json").read_bytes()
    tally = loads((bundle / "tally.json").read_bytes())
    assert canonical_json(loads(manifest_bytes)) == manifest_bytes
    assert tally["body"]["manifest_hash"] == sha256_hex(manifest_bytes)
    assert tally["body"]["cvrs_hash"] == sha256_hex((bundle / "cvrs.jsonl").read_bytes())
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for line in lines:
        cvr = json.loads(line)
        assert set(cvr) <= {"id", "contest", "vote", "choices", "ranking", "scores", "group"}


# --- any single-byte change is caught --------------------------------------------------


@st.composite
def byte_edit(draw: st.DrawFn) -> tuple[str, str, int, int]:
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["replace", "delete", "insert"]))
    position = draw(st.integers(min_value=0, max_value=10**6))
    value = draw(st.integers(min_value=0, max_value=255))
    return name, kind, position, value


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edit=byte_edit())
def test_any_single_byte_change_fails_verification(_master_bundle: Path, edit: Any) -> None:
    name, kind, position, value = edit
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "b"
        shutil.copytree(_master_bundle, folder)
        data = bytearray((folder / name).read_bytes())
        index = position % (len(data) + (1 if kind == "insert" else 0))
        if kind == "replace":
            if data[index] == value:
                value = (value + 1) % 256
            data[index] = value
        elif kind == "delete":
            del data[index]
        else:
            data.insert(index, value)
        (folder / name).write_bytes(bytes(data))
        report = verify_bundle(folder)
        assert report.exit_code in (1, 2), (name, kind, index, value)


# --- signatures and policy ---------------------------------------------------------------


def test_missing_witness_signature_fails_the_policy_clearly(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    folder = build_bundle(tmp_path / "b", [chair], [chair[1], witness[1]])
    report = verify_bundle(folder)
    assert report.exit_code == 1
    assert list(failed(report)) == ["policy"]
    assert failed(report)["policy"] == "not met: missing witness signatures: need 1, have 0"
    policy = next(c for c in report.checks if c.name == "policy")
    assert "witness 서명 부족: 1명 필요, 0명 서명" in policy.detail("ko")

    record = add_signature(folder, witness[0], witness[1])
    assert record["role"] == "witness"
    assert verify_bundle(folder).exit_code == 0


def test_missing_chair_signature_is_named(tmp_path: Path, chair: Any, witness: Any) -> None:
    folder = build_bundle(tmp_path / "b", [witness], [chair[1], witness[1]])
    report = verify_bundle(folder)
    assert failed(report) == {"policy": "not met: missing signature: chair"}


def test_forged_signature_is_reported_per_record(bundle: Path) -> None:
    tally = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))
    sig = tally["signatures"][1]["signature"]
    tally["signatures"][1]["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    from assembly_desk.audit.canonical import canonical_json

    (bundle / "tally.json").write_bytes(canonical_json(tally))
    report = verify_bundle(bundle)
    sigs = [c for c in report.checks if c.name == "signature"]
    assert [c.ok for c in sigs] == [True, False]
    assert "invalid" in sigs[1].detail("en")
    assert "policy" in failed(report)


def test_key_not_in_manifest_is_unknown(tmp_path: Path, chair: Any, witness: Any) -> None:
    from .conftest import _signer

    stranger = _signer("박외부", "witness")
    folder = build_bundle(tmp_path / "b", [chair, witness], [chair[1], witness[1]])
    from assembly_desk.audit.bundle import BundleError

    with pytest.raises(BundleError, match="not listed"):
        add_signature(folder, stranger[0], stranger[1])


# --- CVRs ---------------------------------------------------------------------------------


def test_added_cvr_fails_hash_and_recount(bundle: Path) -> None:
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    extra = '{"contest":"chair-election","id":"ffffffffffffffffffffffffffffffff","ranking":["B"]}'
    (bundle / "cvrs.jsonl").write_text("\n".join([*lines, extra]) + "\n", encoding="utf-8")
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    problems = failed(report)
    assert "cvr_file" in problems and "manifest" in problems["cvr_file"]
    assert "recount" in problems and "chair-election" in problems["recount"]


def test_removed_cvr_fails_hash_and_recount(bundle: Path) -> None:
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    victim = next(i for i, line in enumerate(lines) if "ranking" in line)
    del lines[victim]
    (bundle / "cvrs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = failed(verify_bundle(bundle))
    assert {"cvr_file", "recount"} <= set(problems)


def test_resigned_extra_cvr_still_fails_recount_and_names_the_round(
    bundle: Path, chair: Any, witness: Any
) -> None:
    def add(cvrs: list[dict[str, Any]]) -> None:
        cvrs.append({"contest": "chair-election", "id": "f" * 32, "ranking": ["B", "A"]})

    rewrite(bundle, [chair, witness], cvrs=add)
    report = verify_bundle(bundle)
    problems = failed(report)
    assert list(problems) == ["recount"]
    assert problems["recount"].startswith("chair-election: round 1 does not reproduce (rounds[0]")


def test_unsorted_or_duplicate_or_bad_ids(bundle: Path, chair: Any, witness: Any) -> None:
    rewrite(bundle, [chair, witness], cvrs=lambda c: c.reverse())
    assert "not sorted" in failed(verify_bundle(bundle))["cvr_file"]

    def dup(cvrs: list[dict[str, Any]]) -> None:
        cvrs.reverse()
        cvrs.sort(key=lambda c: c["id"])
        cvrs[1]["id"] = cvrs[0]["id"]

    rewrite(bundle, [chair, witness], cvrs=dup)
    assert "used twice" in failed(verify_bundle(bundle))["cvr_file"]

    def short(cvrs: list[dict[str, Any]]) -> None:
        cvrs[0]["id"] = "0001"

    rewrite(bundle, [chair, witness], cvrs=short)
    assert "32 lowercase hex" in failed(verify_bundle(bundle))["cvr_file"]


def test_cvr_naming_unknown_contest(bundle: Path, chair: Any, witness: Any) -> None:
    def move(cvrs: list[dict[str, Any]]) -> None:
        cvrs[0]["contest"] = "ghost"

    rewrite(bundle, [chair, witness], cvrs=move)
    problems = failed(verify_bundle(bundle))
    assert "unknown contest ghost" in problems["cvr_contests"]


def test_cvr_with_a_personal_field_is_a_schema_error(
    bundle: Path, chair: Any, witness: Any
) -> None:
    def stamp(cvrs: list[dict[str, Any]]) -> None:
        cvrs[2]["time"] = "2026-11-28T10:00:00Z"

    rewrite(bundle, [chair, witness], cvrs=stamp)
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    assert [c.name for c in report.checks] == ["files"]
    assert "cvrs.jsonl line 3" in report.checks[0].detail("en")
    assert "'time' is not allowed" in report.checks[0].detail("en")


def test_non_canonical_cvr_line_is_refused(bundle: Path) -> None:
    text = (bundle / "cvrs.jsonl").read_text(encoding="utf-8")
    (bundle / "cvrs.jsonl").write_text(text.replace('"contest":', '"contest" :', 1), "utf-8")
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    assert "line 1" in report.checks[0].detail("en") and "canonical" in report.checks[0].detail(
        "en"
    )


# --- recount, turnout, seeds -----------------------------------------------------------------


def test_tampered_result_names_the_round_and_field(bundle: Path, chair: Any, witness: Any) -> None:
    def bump(body: dict[str, Any]) -> None:
        tallies = body["results"]["chair-election"]["rounds"][1]["tallies"]
        tallies["A"] = tallies["A"] + 1

    rewrite(bundle, [chair, witness], body=bump)
    problems = failed(verify_bundle(bundle))
    # The chain logged the honest result's hash at counting: that fails too.
    assert list(problems) == ["recount", "result_commitment"]
    assert problems["recount"] == (
        "chair-election: round 2 does not reproduce (rounds[1].tallies.A): signed 10, recount 9"
    )


def test_tampered_winner_list(bundle: Path, chair: Any, witness: Any) -> None:
    def flip(body: dict[str, Any]) -> None:
        body["results"]["motion-1"]["passed"] = False

    rewrite(bundle, [chair, witness], body=flip)
    problems = failed(verify_bundle(bundle))
    assert problems.pop("result_commitment").startswith("motion-1: the signed result hashes to")
    assert problems == {
        "recount": "motion-1: result does not reproduce (passed): signed false, recount true"
    }


def test_first_difference_reports_missing_and_extra() -> None:
    assert first_difference({"a": 1}, {"a": 1}) is None
    assert first_difference({"a": [1, 2]}, {"a": [1]})[0] == "a[1]"
    assert first_difference({"a": 1}, {"b": 1})[0] == "a"
    assert first_difference({"x": True}, {"x": 1})[0] == "x"


def test_turnout_counted_more_than_issued(bundle: Path, chair: Any, witness: Any) -> None:
    def shrink(man: dict[str, Any]) -> None:
        man["counts"]["issued"]["motion-1"] = 10

    rewrite(bundle, [chair, witness], manifest=shrink)
    problems = failed(verify_bundle(bundle))
    assert problems == {
        "turnout": "motion-1: 11 ballots counted but only 10 issued (checked in 20)"
    }


def test_turnout_issued_more_than_checked_in(bundle: Path, chair: Any, witness: Any) -> None:
    def shrink(man: dict[str, Any]) -> None:
        man["counts"]["checked_in"] = 14

    rewrite(bundle, [chair, witness], manifest=shrink)
    problems = failed(verify_bundle(bundle))
    assert list(problems) == ["turnout"]
    assert "15 ballots issued but only 14 checked in" in problems["turnout"]


def test_seed_not_matching_commitment(bundle: Path, chair: Any, witness: Any) -> None:
    def swap(body: dict[str, Any]) -> None:
        body["seeds"]["chair-election"] = SEED + " (다른 값)"

    rewrite(bundle, [chair, witness], body=swap)
    problems = failed(verify_bundle(bundle))
    assert "seeds" in problems
    assert "chair-election: revealed seed does not match its commitment" in problems["seeds"]


def test_seed_not_revealed_and_seed_without_commitment(
    bundle: Path, chair: Any, witness: Any
) -> None:
    rewrite(bundle, [chair, witness], body=lambda b: b["seeds"].clear())
    assert failed(verify_bundle(bundle))["seeds"] == "chair-election: committed seed not revealed"

    def extra(body: dict[str, Any]) -> None:
        body["seeds"] = {"chair-election": SEED, "motion-1": "x"}

    rewrite(bundle, [chair, witness], body=extra)
    assert failed(verify_bundle(bundle))["seeds"] == "motion-1: seed revealed without a commitment"


def test_the_lot_was_actually_used(bundle: Path) -> None:
    tally = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))
    ties = tally["body"]["results"]["chair-election"]["ties"]
    assert ties and "lot" in ties[0]["rules"]


# --- audit chain -----------------------------------------------------------------------------


def _entries(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (folder / "audit_log.jsonl").read_text("utf-8").splitlines()]


def test_since_head(bundle: Path) -> None:
    entries = _entries(bundle)
    earlier = entries[1]["hash"]
    report = verify_bundle(bundle, since_head=earlier)
    assert report.exit_code == 0
    assert [c.name for c in report.checks][-6:-3] == ["audit_chain", "audit_since", "audit_head"]
    assert verify_bundle(bundle, since_head=GENESIS).ok
    other = verify_bundle(bundle, since_head="ab" * 32)
    assert failed(other) == {
        "audit_since": f"the earlier head {'ab' * 32} is not in the chain "
        "(entries removed or rewritten?)"
    }
    assert "audit_since" in failed(verify_bundle(bundle, since_head="xyz"))


def test_rewritten_audit_history_fails_since_head(bundle: Path, chair: Any, witness: Any) -> None:
    earlier = _entries(bundle)[4]["hash"]

    def rewrite_history(entries: list[dict[str, Any]]) -> None:
        # Rebuild a fully valid chain whose fifth entry (a poll's close) says otherwise.
        fifth = entries[4]
        assert fifth["kind"] == "poll.closed"
        changed = {**fifth["data"], "cast": fifth["data"]["cast"] - 1}
        rebuilt = entries[:4]
        rebuilt.append(make_entry(rebuilt[-1]["hash"], 5, fifth["time"], fifth["kind"], changed))
        for old in entries[5:]:
            rebuilt.append(
                make_entry(rebuilt[-1]["hash"], old["seq"], old["time"], old["kind"], old["data"])
            )
        entries[:] = rebuilt

    rewrite(bundle, [chair, witness], audit=rewrite_history)
    assert verify_bundle(bundle).ok  # consistent on its own...
    report = verify_bundle(bundle, since_head=earlier)  # ...but not with the published head
    assert list(failed(report)) == ["audit_since"]


def test_broken_chain_and_wrong_head(bundle: Path, chair: Any, witness: Any) -> None:
    def edit(entries: list[dict[str, Any]]) -> None:
        entries[1]["data"] = {"contest": "tampered"}

    rewrite(bundle, [chair, witness], audit=edit)
    problems = failed(verify_bundle(bundle))
    assert "entry 2: hash does not match its content" in problems["audit_chain"]
    assert "audit_head" in problems

    def head(body: dict[str, Any]) -> None:
        body["audit_head"] = "0" * 64

    rewrite(bundle, [chair, witness], audit=lambda e: None, body=head)
    problems = failed(verify_bundle(bundle))
    assert "audit_head" in problems and "differs from the chain head" in problems["audit_head"]


# --- zip -------------------------------------------------------------------------------------


def test_zip_bundle_verifies(bundle: Path, tmp_path: Path) -> None:
    archive = zip_bundle(bundle, tmp_path / "bundle.zip")
    report = verify_bundle(archive)
    assert report.exit_code == 0
    assert "(zip)" in report.checks[0].detail("en")
    assert "zip 파일" in report.checks[0].detail("ko")


def test_zip_with_a_top_folder_and_extra_files(bundle: Path, tmp_path: Path) -> None:
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in FILES:
            archive.write(bundle / name, f"성산1동-총회/{name}")
    assert verify_bundle(path).exit_code == 0
    # Anything else in the zip could be mistaken for part of what was signed: refused.
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("성산1동-총회/README.txt", "minutes attached separately")
    report = verify_bundle(path)
    assert report.exit_code == 2
    assert "README.txt" in report.checks[0].detail("en")


def test_zip_with_a_file_twice_or_missing_is_unreadable(bundle: Path, tmp_path: Path) -> None:
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as archive:
        for name in FILES:
            archive.write(bundle / name, name)
        archive.write(bundle / "tally.json", "copy/tally.json")
    report = verify_bundle(twice)
    assert report.exit_code == 2
    assert "tally.json" in report.checks[0].detail("en")

    missing = tmp_path / "missing.zip"
    with zipfile.ZipFile(missing, "w") as archive:
        for name in FILES[:-1]:
            archive.write(bundle / name, name)
    report = verify_bundle(missing)
    assert report.exit_code == 2
    assert "tally.json: file missing" in report.checks[0].detail("en")


def test_damaged_zip_is_unreadable(bundle: Path, tmp_path: Path) -> None:
    archive = zip_bundle(bundle, tmp_path / "bundle.zip")
    data = bytearray(archive.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside the compressed cvrs or manifest data
    archive.write_bytes(bytes(data))
    assert verify_bundle(archive).exit_code in (1, 2)
    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    assert verify_bundle(tmp_path / "junk.zip").exit_code == 2


def test_tampered_zip_content_is_invalid(bundle: Path, tmp_path: Path) -> None:
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    (bundle / "cvrs.jsonl").write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    archive = zip_bundle(bundle, tmp_path / "bundle.zip")
    assert verify_bundle(archive).exit_code == 1


# --- unreadable ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line_no", "expected"),
    [
        ("cvrs.jsonl", 3, "cvrs.jsonl line 3: malformed JSON"),
        ("audit_log.jsonl", 2, "audit_log.jsonl line 2: malformed JSON"),
    ],
)
def test_malformed_jsonl_line_is_unreadable_naming_file_and_line(
    bundle: Path, name: str, line_no: int, expected: str
) -> None:
    lines = (bundle / name).read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = lines[line_no - 1][:-5]
    (bundle / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = verify_bundle(bundle)
    assert report.exit_code == 2
    assert report.unreadable
    assert expected in report.checks[0].detail("en")
    assert "읽을 수 없는 번들" in render_report(report, "ko")


@pytest.mark.parametrize("name", ["manifest.json", "tally.json"])
def test_malformed_json_file_is_unreadable(bundle: Path, name: str) -> None:
    data = (bundle / name).read_bytes()
    (bundle / name).write_bytes(b'{"a":1,\n' + data[1:-1])
    report = verify_bundle(bundle)
    assert report.exit_code == 2
    assert f"{name} line " in report.checks[0].detail("en")


def test_duplicate_key_or_float_is_unreadable(bundle: Path) -> None:
    data = (bundle / "manifest.json").read_bytes()
    (bundle / "manifest.json").write_bytes(b'{"version":1,' + data[1:])
    report = verify_bundle(bundle)
    assert report.exit_code == 2 and "duplicate object key 'version'" in report.checks[0].detail()


def test_missing_file_or_path(bundle: Path, tmp_path: Path) -> None:
    (bundle / "audit_log.jsonl").unlink()
    report = verify_bundle(bundle)
    assert report.exit_code == 2
    assert "audit_log.jsonl: file missing" in report.checks[0].detail("en")
    assert verify_bundle(tmp_path / "nowhere").exit_code == 2


def test_wrong_version_is_a_schema_error(bundle: Path, chair: Any, witness: Any) -> None:
    rewrite(bundle, [chair, witness], manifest=lambda m: m.update(version=2))
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    assert "unsupported version 2" in report.checks[0].detail("en")


def test_a_crashing_check_is_reported_not_passed(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembly_desk.audit import verify

    def boom(_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(verify, "check_turnout", boom)
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    assert failed(report) == {"turnout": "unexpected error during this check: RuntimeError: boom"}


def test_signature_status_is_translated(bundle: Path) -> None:
    tally = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))
    tally["signatures"][0]["signer"] = "사칭"
    from assembly_desk.audit.canonical import canonical_json

    (bundle / "tally.json").write_bytes(canonical_json(tally))
    report = verify_bundle(bundle)
    bad = next(c for c in report.checks if c.name == "signature" and not c.ok)
    assert "role mismatch" in bad.detail("en")
    assert "역할 불일치" in bad.detail("ko")


def test_astral_names_take_the_exact_path_and_verify(
    tmp_path: Path, chair: Any, witness: Any
) -> None:
    cvrs = [
        {"contest": "chair-election", "ranking": r}
        for r in [["😀팀", "B"], ["B"], ["😀팀"], ["\ue000", "B"], ["B", "😀팀"], ["😀팀"]]
    ]
    cvrs += [{"contest": "motion-1", "vote": "yes"}]
    folder = build_bundle(tmp_path / "b", [chair, witness], [chair[1], witness[1]], cvrs=cvrs)
    assert verify_bundle(folder).exit_code == 0


def test_non_nfc_cvr_is_a_schema_error(bundle: Path, chair: Any, witness: Any) -> None:
    import unicodedata

    def nfd(cvrs: list[dict[str, Any]]) -> None:
        cvrs[0]["contest"] = unicodedata.normalize("NFD", "총회")

    with pytest.raises(ValueError, match="NFC"):  # our writer refuses it outright
        rewrite(bundle, [chair, witness], cvrs=nfd)
    lines = (bundle / "cvrs.jsonl").read_text(encoding="utf-8").splitlines()
    cvr = json.loads(lines[0])
    cvr["contest"] = unicodedata.normalize("NFD", "총회")
    lines[0] = json.dumps(cvr, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (bundle / "cvrs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = verify_bundle(bundle)
    assert report.exit_code == 1
    assert "line 1" in report.checks[0].detail("en") and "NFC" in report.checks[0].detail("en")
