"""The ``count`` subcommand and the JSONL reader, run in-process."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from assembly_desk.cli import count_cmd
from assembly_desk.counting import ChoiceBallot, RankingBallot, ScoreBallot, YesNoBallot
from assembly_desk.counting.ballot_file import BallotFileError, parse_lines
from assembly_desk.i18n import set_language


def run(argv: list[str], lang: str = "en") -> int:
    """``assembly-desk --lang LANG count ...``: the words come from the one catalogue."""
    set_language(lang)
    try:
        parser = argparse.ArgumentParser(prog="assembly-desk")
        count_cmd.register(parser.add_subparsers())
        args = parser.parse_args(["count", *argv])
        return args.func(args)
    finally:
        set_language("ko")


def write(tmp_path: Path, lines: list[str], name: str = "ballots.jsonl") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_reader_shapes() -> None:
    ballots = parse_lines(
        [
            '{"vote": "yes"}',
            "",
            '{"choices": ["A", "C"], "id": "ab12"}',
            '{"ranking": ["B", ["A", "C"]]}',
            '{"scores": {"A": 4.5, "B": {"vision": 4}}, "group": "judges"}',
        ]
    )
    assert ballots[0] == YesNoBallot("yes")
    assert ballots[1] == ChoiceBallot(("A", "C"))
    assert ballots[2] == RankingBallot(("B", ("A", "C")))
    assert isinstance(ballots[3], ScoreBallot) and ballots[3].group == "judges"
    assert "float" not in repr(ballots[3])


@pytest.mark.parametrize(
    "line",
    ['{"vote": "yes"', "[1]", '{"choices": "A"}', '{"vote": "yes", "choices": []}', '{"x": 1}'],
)
def test_reader_rejects_malformed_with_line_number(line: str) -> None:
    with pytest.raises(BallotFileError, match="line 2"):
        parse_lines(['{"vote": "no"}', line])


def test_cli_irv_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        ['{"ranking": ["A", "B"]}'] * 3
        + ['{"ranking": ["B"]}'] * 2
        + ['{"ranking": ["C", "B"]}'] * 1
        + ['{"ranking": ["A", "A"]}'],
    )
    assert run(["irv", path, "--candidates", "A,B,C", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["A"]
    assert data["invalid_reasons"] == {"duplicate": 1}
    assert data["rounds"][0]["tallies"] == {"A": 3, "B": 2, "C": 1}
    assert data["rounds"][0]["transfers"][0]["to"] == {"B": 1}


def test_cli_stv_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['{"ranking": ["A", "B"]}'] * 2 + ['{"ranking": ["A", "C"]}', '{"ranking": ["B"]}']
    path = write(tmp_path, [*lines, '{"ranking": ["C"]}'])
    assert run(["stv", path, "--seats", "2", "--seed", "dice"]) == 0
    out = capsys.readouterr().out
    assert "quota: 2" in out and "elected (in order): A" in out
    assert "~" not in out.split("quota")[1].splitlines()[0]


def test_cli_yesno(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ['{"vote": "찬성"}'] * 7 + ['{"vote": "no"}'] * 3)
    assert run(["yesno", path, "--threshold", "two-thirds", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True and data["details"]["required"] == "20/3"
    assert run(["yesno", path, "--present", "10", "--quorum", "11"]) == 0
    assert "NOT PASSED" in capsys.readouterr().out


def test_cli_budget_and_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    costs = tmp_path / "costs.json"
    costs.write_text('{"park": 60, "library": 50, "bench": 10}', encoding="utf-8")
    path = write(tmp_path, ['{"choices": ["park", "bench"]}', '{"choices": ["library"]}'])
    for method in ("pb-greedy", "mes"):
        code = run(
            [
                method,
                path,
                "--costs",
                str(costs),
                "--budget",
                "100",
                "--tie-order",
                "park,library,bench",
                "--json",
            ]
        )
        assert code == 0
        assert json.loads(capsys.readouterr().out)["elected"]
    path = write(tmp_path, ['{"scores": {"A": {"v": 4, "p": 5}}}'], "s.jsonl")
    assert run(["score", path, "--criteria-weights", '{"v": 0.5, "p": 1.5}', "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rounds"][0]["tallies"] == {"A": "19/2"}


def test_cli_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ['{"choices": ["A"]}', "not json"])
    assert run(["plurality", path]) == 2
    assert "line 2" in capsys.readouterr().err
    assert run(["borda", path]) == 2
    assert "unknown method" in capsys.readouterr().err
    assert run(["plurality", str(tmp_path / "missing.jsonl")]) == 2
    ok = write(tmp_path, ['{"choices": ["A"]}', '{"choices": ["B"]}'], "tie.jsonl")
    assert run(["plurality", ok]) == 2
    assert "seed" in capsys.readouterr().err
    assert run(["mes", ok]) == 2


def test_the_report_speaks_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ['{"vote": "yes"}', '{"vote": "yes"}', '{"vote": "no"}'])
    assert run(["yesno", path], lang="ko") == 0
    out = capsys.readouterr().out
    assert "유효표: 3" in out and "가결" in out and "valid" not in out
    assert run(["borda", path], lang="ko") == 2
    assert "알 수 없는 방식" in capsys.readouterr().err
    assert run(["plurality", path, "--budget", "lots"], lang="ko") == 2
    assert "정확한 수가 아닙니다" in capsys.readouterr().err


def test_count_and_bundle_create_share_one_set_of_count_options() -> None:
    """The options are defined once (cli/count_options.py), so the two cannot drift apart."""
    from assembly_desk.cli import build_parser

    def options_of(*command: str) -> set[str]:
        parser = build_parser()
        for name in command:
            sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
            parser = sub.choices[name]
        return {o for a in parser._actions for o in a.option_strings}

    from assembly_desk.cli.count_options import ALL_OPTIONS, RULE_OPTIONS

    assert set(ALL_OPTIONS) <= options_of("count")
    assert set(ALL_OPTIONS) <= options_of("bundle", "create")
    assert set(RULE_OPTIONS) <= options_of("tally", "rule")
