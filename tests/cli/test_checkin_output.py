"""What ``checkin`` prints says each thing once: the headline, who, and when."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.helpers import assembly_with_people, out_err, run

HHMM = r"\d\d:\d\d"


def test_checkin_line_names_the_person_and_the_time_without_repeating_the_headline(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = assembly_with_people(sqlite_url)
    capsys.readouterr()
    assert run(sqlite_url, "checkin", codes[0]) == 0
    line = out_err(capsys)[0].strip()
    assert re.fullmatch(rf"\[GREEN\] Checked in — 김민수 \({HHMM}\)", line), line
    assert run(sqlite_url, "checkin", codes[0]) == 1
    line = out_err(capsys)[0].strip()
    assert re.fullmatch(rf"\[AMBER\] Already checked in — 김민수 \({HHMM}, cli\)", line), line
    assert run(sqlite_url, "checkin", codes[1], lang="ko") == 0
    line = out_err(capsys)[0].strip()
    assert re.fullmatch(rf"\[GREEN\] 입장 확인 — 이영희 \({HHMM}\)", line), line


def test_checkin_json_has_headline_and_detail_apart_and_a_message_said_once(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = assembly_with_people(sqlite_url)
    capsys.readouterr()
    assert run(sqlite_url, "checkin", codes[0], "--json") == 0
    shown = json.loads(out_err(capsys)[0])
    assert shown["headline"] == "Checked in"
    assert re.fullmatch(rf"Checked in at {HHMM}", shown["detail"]), shown
    assert re.fullmatch(rf"Checked in \({HHMM}\)", shown["message"]), shown
    assert shown["message"].count("Checked in") == 1
    assert (shown["outcome"], shown["colour"], shown["name"]) == ("checked_in", "green", "김민수")


def test_a_refused_code_keeps_its_reason_after_the_headline(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assembly_with_people(sqlite_url)
    capsys.readouterr()
    assert run(sqlite_url, "checkin", "12345", "--json") == 1
    shown = json.loads(out_err(capsys)[0])
    assert shown["headline"] == "Card code mistyped"
    assert "11 digits" in shown["detail"]
    assert shown["message"] == f"{shown['headline']}: {shown['detail']}"
    assert shown["name"] is None
