"""A small assembly for the command-line tests: made by the commands themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembly_desk.cli import main
from assembly_desk.services.database import open_database
from tests.services.helpers import add_person

CHAIR = "의장 암호 2026"


def run(url: str, *args: str, lang: str = "en") -> int:
    return main(["--db", url, "--lang", lang, *args])


def assembly_with_people(
    url: str, names: tuple[str, ...] = ("김민수", "이영희", "박철수")
) -> list[str]:
    """An assembly (quorum 1) and people on its roll; their card codes, in order."""
    assert run(url, "assembly", "create", "--title", "성산1동 주민총회", "--date", "2026-11-28",
               "--quorum-number", "1") == 0  # fmt: skip
    db = open_database(url)
    try:
        return [add_person(db, 1, name).card_code for name in names]
    finally:
        db.dispose()


def passphrase_file(tmp_path: Path, text: str = CHAIR, name: str = "chair.txt") -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def out_err(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    return captured.out, captured.err
