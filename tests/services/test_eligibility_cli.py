"""``assembly create`` sets the guardian-consent range, and refuses one that admits nobody."""

from __future__ import annotations

import pytest

from assembly_desk.cli import main
from assembly_desk.services import assemblies
from assembly_desk.services.database import open_database

CREATE = [
    "assembly", "create", "--title", "망원1동 주민총회", "--date", "2026-11-28",
    "--quorum-number", "3",
]  # fmt: skip


def test_consent_range_from_the_command_line(sqlite_url: str) -> None:
    flags = ["--min-age", "12", "--guardian-consent-under", "14"]
    assert main(["--db", sqlite_url, *CREATE, *flags]) == 0
    db = open_database(sqlite_url)
    try:
        with db.uow() as uow:
            rules = assemblies.get_assembly(uow).rules
    finally:
        db.dispose()
    assert (rules.min_age, rules.guardian_consent, rules.consent_under) == (12, True, 14)


def test_guardian_consent_with_the_default_minimum_age_is_refused_with_the_fix(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", sqlite_url, *CREATE, "--guardian-consent"]) == 2
    err = capsys.readouterr().err
    assert "보호자 동의 나이(만 14세 미만)" in err and "최소 나이를 낮추세요" in err
    db = open_database(sqlite_url)
    try:
        with db.uow() as uow:
            assert assemblies.list_assemblies(uow) == []  # nothing half-made
    finally:
        db.dispose()
