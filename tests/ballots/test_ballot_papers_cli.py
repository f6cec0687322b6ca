"""``assembly-desk ballots``: the paper ballots for a contest, from the stored definition."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assembly_desk.cli import main
from assembly_desk.services.database import Database
from tests.ballots.helpers import choose, setup


def test_ballot_papers_for_a_stored_contest(
    db: Database, sqlite_url: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    contest_id = setup(db, choose(2))[1].id
    out = tmp_path / "papers.pdf"
    assert (
        main(["--db", sqlite_url, "ballots", str(contest_id), "--out", str(out), "--copies", "4"])
        == 0
    )
    assert "4" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "투표용지" in text and "제1호" in text


def test_unknown_contest_is_a_clear_error(
    db: Database, sqlite_url: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    setup(db, choose(2))
    assert main(["--db", sqlite_url, "ballots", "999", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "999" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
