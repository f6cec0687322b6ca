"""``count``: names with commas, names off the list, and the ranked slip flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_counting_cli import run, write

BRENNAN = "Brennan, Michael F."


def test_names_with_commas_as_a_json_list_or_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        [json.dumps({"ranking": [BRENNAN, "Lee"]})] * 2 + ['{"ranking": ["Lee"]}'] * 2,
    )
    listed = json.dumps([BRENNAN, "Lee"])
    assert run(["irv", path, "--candidates", listed, "--tie-order", listed, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] == 4 and data["elected"] == [BRENNAN]
    assert data["params"]["tie_rule"]["priority"] == [BRENNAN, "Lee"]
    names = tmp_path / "names.json"
    names.write_text(listed, encoding="utf-8")
    assert run(["irv", path, "--candidates", f"@{names}", "--tie-order", f"@{names}"]) == 0
    assert "valid ballots: 4" in capsys.readouterr().out


def test_the_comma_form_that_splits_a_name_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [json.dumps({"ranking": [BRENNAN, "Lee"]})] * 3)
    assert run(["irv", path, "--candidates", f"{BRENNAN},Lee"]) == 2
    err = capsys.readouterr().err
    assert "3 ballots name someone not on the candidate list: 'Brennan, Michael F.'" in err


def test_unknown_tie_order_names_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ['{"choices": ["A"]}', '{"choices": ["B"]}'])
    assert run(["plurality", path, "--tie-order", "B,Q"]) == 2
    assert "'Q'" in capsys.readouterr().err
    assert run(["plurality", path, "--candidates", "A,B,C", "--tie-order", "C,A"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("bad", ['["A", 3]', "[A, B]", '{"A": 1}'])
def test_a_bad_json_list_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    path = write(tmp_path, ['{"choices": ["A"]}'])
    assert run(["plurality", path, "--candidates", bad]) == 2
    assert "--candidates" in capsys.readouterr().err
    assert run(["plurality", path, "--candidates", "@" + str(tmp_path / "none.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_slip_flags_reach_the_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ['{"ranking": ["A", "B"]}'] + ['{"ranking": [["A", "B"], "C"]}'] * 2)
    assert run(["irv", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["invalid_reasons"] == {"overvote": 2}
    assert run(["irv", path, "--overvote", "skip", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["C"] and data["params"]["ballot_rules"]["overvote"] == "skip"
    assert run(["irv", path, "--skipped", "none"]) == 2
    assert "skipped rule 'none'" in capsys.readouterr().err
