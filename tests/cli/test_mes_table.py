"""``assembly-desk count mes`` says its rounds hold ρ (won per supporter), not votes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembly_desk.cli import main


def _files(tmp_path: Path) -> tuple[str, str]:
    costs = tmp_path / "costs.json"
    costs.write_text('{"park": 60, "library": 55, "bench": 10}', encoding="utf-8")
    ballots = tmp_path / "ballots.jsonl"
    ballots.write_text(
        '{"choices": ["park"]}\n{"choices": ["park"]}\n'
        '{"choices": ["library"]}\n{"choices": ["bench"]}\n',
        encoding="utf-8",
    )
    return str(ballots), str(costs)


def _count(tmp_path: Path, lang: str, *extra: str) -> None:
    ballots, costs = _files(tmp_path)
    argv = ["--lang", lang, "count", "mes", ballots, "--costs", costs, "--budget", "130"]
    assert main([*argv, "--tie-order", "park,library,bench", *extra]) == 0


def test_mes_rounds_are_headed_rho_in_won_and_have_no_exhausted_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _count(tmp_path, "en", "--completion", "none")
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("ρ (won per supporter)"), lines
    assert lines[3].split() == ["round", "park", "library", "bench"]
    assert lines[4].split()[:4] == ["1", "30", "-", "10"]
    assert not any("exhausted" in line or "votes" in line for line in lines)


def test_the_greedy_completion_rounds_are_headed_as_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _count(tmp_path, "ko", "--completion", "greedy")
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("ρ (원/지지자)"), lines
    assert lines[3].split() == ["라운드", "park", "library", "bench"]
    at = lines.index("득표 (남은 예산 채우기)")
    assert lines[at + 1].split()[:4] == ["3", "-", "1", "-"]
    assert "당선: library" in lines[at + 1]
    assert not any("소진" in line for line in lines)


def test_other_methods_keep_the_exhausted_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ballots = tmp_path / "irv.jsonl"
    ballots.write_text(
        '{"ranking": ["A", "B"]}\n{"ranking": ["B"]}\n{"ranking": ["A"]}\n', encoding="utf-8"
    )
    assert main(["--lang", "en", "count", "irv", str(ballots)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["round", "A", "B", "exhausted"]
    assert "ρ" not in "\n".join(lines)
