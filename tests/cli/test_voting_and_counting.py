"""A scripted poll: check-in by card and by roll id, ballots cast, papers issued, counted
from CSV sheets, committed; everything through the commands a test or a chair runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import assembly_with_people, out_err, passphrase_file, run


def _sheet(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_checkin_by_roll_id_and_undo_of_someone_not_on_the_roll(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assembly_with_people(sqlite_url)
    capsys.readouterr()
    assert run(sqlite_url, "search", "이영희") == 0
    person_id = out_err(capsys)[0].split("\t")[0]
    assert run(sqlite_url, "checkin", "--person", person_id) == 0
    assert "이영희" in out_err(capsys)[0]
    assert run(sqlite_url, "checkin", "--person", person_id) == 1
    assert "Already checked in" in out_err(capsys)[0]
    assert run(sqlite_url, "undo", "999", "--reason", "실수", lang="ko") == 2
    err = out_err(capsys)[1]
    assert "명부에 없는 사람" in err and "입장 처리되지 않았" not in err
    assert run(sqlite_url, "undo", person_id, "--reason", "잘못 선택") == 0
    assert f"person {person_id}" in out_err(capsys)[0]
    assert run(sqlite_url, "status", "--json") == 0
    assert json.loads(out_err(capsys)[0])["checked_in"] == 0


def test_a_scripted_poll_from_cast_to_committed_paper_count(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kim, lee, park = assembly_with_people(sqlite_url)
    chair = passphrase_file(tmp_path)
    assert run(sqlite_url, "chair", "passphrase", "set", "--passphrase-file", chair) == 0
    assert (
        run(sqlite_url, "contest", "create", "--title", "마을 계획 승인", "--type", "yes_no") == 0
    )
    assert run(sqlite_url, "contest", "open", "1", "--passphrase-file", chair) == 0
    capsys.readouterr()
    # Not checked in yet: the station's own refusal.
    assert run(sqlite_url, "cast", kim, "--contest", "1", "--vote", "yes") == 1
    assert "check in at the door first" in out_err(capsys)[1]
    for code in (kim, lee, park):
        assert run(sqlite_url, "checkin", code) == 0
    assert run(sqlite_url, "cast", kim, "--contest", "1", "--vote", "yes") == 0
    out = out_err(capsys)[0]
    assert "Ballot cast for 김민수" in out and "yes" not in out.split("김민수")[1]
    assert run(sqlite_url, "cast", kim, "--contest", "1", "--vote", "no") == 1  # once only
    assert run(sqlite_url, "cast", lee, "--contest", "1", "--selection", '{"vote": "maybe"}') == 2
    # Two papers handed out at the table, one each.
    assert run(sqlite_url, "cast", lee, "--contest", "1", "--paper") == 0
    assert run(sqlite_url, "cast", park, "--contest", "1", "--paper") == 0
    assert run(sqlite_url, "cast", park, "--contest", "1", "--paper") == 2  # already has one
    assert run(sqlite_url, "contest", "close", "1", "--passphrase-file", chair) == 0
    capsys.readouterr()

    assert (
        run(sqlite_url, "count-entry", "create", "1", "--label", "상자 1", "--expected", "2") == 0
    )
    assert "Created batch 1" in out_err(capsys)[0]
    a = _sheet(tmp_path, "a.csv", "vote\n찬성\nno\n")
    b = _sheet(tmp_path, "b.csv", "vote\nyes\nyes\n")
    assert run(sqlite_url, "count-entry", "enter", "1", "--side", "A", "--volunteer", "김",
               "--papers", a) == 0  # fmt: skip
    assert run(sqlite_url, "count-entry", "commit", "1") == 2  # B is not in
    assert "B" in out_err(capsys)[1]
    assert run(sqlite_url, "count-entry", "enter", "1", "--side", "B", "--volunteer", "이",
               "--papers", b) == 0  # fmt: skip
    capsys.readouterr()
    assert run(sqlite_url, "count-entry", "compare", "1", "--json") == 1
    compared = json.loads(out_err(capsys)[0])
    assert compared["ready"] is False
    assert [(d["item"], d["a"], d["b"]) for d in compared["differences"]] == [
        ("2:2", {"vote": "no"}, {"vote": "yes"})
    ]
    assert run(sqlite_url, "count-entry", "resolve", "1", "2:2", "no", "--by", "박") == 0
    assert "Ready to commit" in out_err(capsys)[0]
    assert run(sqlite_url, "count-entry", "commit", "1") == 0
    assert "2 papers" in out_err(capsys)[0]
    assert run(sqlite_url, "contest", "show", "1", "--json") == 0
    counts = json.loads(out_err(capsys)[0])["counts"]
    assert counts["ballots"] == 3 and counts["issued_paper"] == 2 and counts["issued_station"] == 1


def test_totals_sheet_and_sheet_errors_name_the_row(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assembly_with_people(sqlite_url)
    chair = passphrase_file(tmp_path)
    assert run(sqlite_url, "chair", "passphrase", "set", "--passphrase-file", chair) == 0
    assert run(sqlite_url, "contest", "create", "--title", "찬반", "--type", "yes_no") == 0
    assert run(sqlite_url, "contest", "open", "1", "--passphrase-file", chair) == 0
    assert run(sqlite_url, "count-entry", "create", "1", "--label", "합계", "--totals") == 0
    totals = _sheet(tmp_path, "t.csv", "item,count\n찬성,12\nno,3\nblank,1\n")
    assert run(sqlite_url, "count-entry", "enter", "1", "--side", "A", "--volunteer", "김",
               "--totals", totals) == 0  # fmt: skip
    assert "16 papers" in out_err(capsys)[0]
    bad = _sheet(tmp_path, "bad.csv", "item,count\nyes,12\nmaybe,3\n")
    assert run(sqlite_url, "count-entry", "enter", "1", "--side", "B", "--volunteer", "이",
               "--totals", bad) == 2  # fmt: skip
    assert "Row 3" in out_err(capsys)[1]
    papers = _sheet(tmp_path, "p.csv", "name\nyes\n")
    assert run(sqlite_url, "count-entry", "create", "1", "--label", "장별") == 0
    assert run(sqlite_url, "count-entry", "enter", "2", "--side", "A", "--volunteer", "김",
               "--papers", papers) == 2  # fmt: skip
    assert "vote, choices, ranking, mark" in out_err(capsys)[1]
