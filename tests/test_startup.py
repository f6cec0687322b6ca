"""Start-up cost: what ``assembly-desk --help`` and ``status`` import (docs/benchmarks.md).

Every call of the command line builds the whole parser, so a heavy import at the top of any
command module is paid by every command. Counted in a fresh interpreter by the modules it
loads, not by time: the answer does not move with the machine's load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assembly_desk.cli import count_entry_cmd, count_options
from assembly_desk.cli import main as cli_main

#: Run the command line in this interpreter, then print the top-level packages it loaded.
_PROBE = """
import contextlib, io, json, sys
from assembly_desk.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as done:
        code = done.code
print(json.dumps({"code": code, "tops": sorted({m.split(".")[0] for m in sys.modules})}))
"""

NEVER_FOR_HELP = ("sqlalchemy", "reportlab", "PIL", "alembic", "mako", "cryptography", "PySide6")
# psycopg is the PostgreSQL driver: an SQLite desk never needs it.
NEVER_FOR_STATUS = ("reportlab", "PIL", "alembic", "mako", "pygments", "PySide6", "psycopg")


def _loaded(args: list[str], tmp_path: Path) -> tuple[object, set[str]]:
    env = dict(os.environ)
    env["ASSEMBLY_DESK_DB"] = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    env["ASSEMBLY_DESK_BOX_DIR"] = str(tmp_path / "boxes")
    env["ASSEMBLY_DESK_LANG"] = "en"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["tops"])


def test_help_imports_no_storage_pdf_crypto_or_qt(tmp_path: Path) -> None:
    code, tops = _loaded(["--help"], tmp_path)
    assert code == 0
    assert sorted(tops & set(NEVER_FOR_HELP)) == []


def test_a_parse_error_imports_no_storage_either(tmp_path: Path) -> None:
    code, tops = _loaded(["count", "--no-such-option"], tmp_path)
    assert code == 2
    assert sorted(tops & set(NEVER_FOR_HELP)) == []


def test_status_on_a_current_database_loads_storage_but_no_pdf_migration_or_qt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLY_DESK_DB", f"sqlite:///{tmp_path / 'desk.sqlite'}")
    monkeypatch.setenv("ASSEMBLY_DESK_BOX_DIR", str(tmp_path / "boxes"))
    created = ["assembly", "create", "--title", "T", "--date", "2026-11-28", "--quorum-number", "3"]
    assert cli_main(created) == 0  # creates and migrates the database: it is current now
    code, tops = _loaded(["status"], tmp_path)
    assert code == 0
    assert "sqlalchemy" in tops  # it did open the database
    assert sorted(tops & set(NEVER_FOR_STATUS)) == []


def test_the_parsers_choices_are_the_rules_own() -> None:
    """The command line spells a few choices so parsing needs no counting or service module."""
    from assembly_desk.counting import METHODS
    from assembly_desk.counting.slips import DUPLICATE_RULES, OVERVOTE_RULES
    from assembly_desk.counting.yesno import BASES, THRESHOLDS
    from assembly_desk.services.count_entry import Side

    assert tuple(METHODS) == count_options.METHOD_NAMES
    assert count_options.THRESHOLDS == THRESHOLDS
    assert count_options.BASES == BASES
    assert count_options.OVERVOTE_RULES == OVERVOTE_RULES
    assert count_options.DUPLICATE_RULES == DUPLICATE_RULES
    assert tuple(side.value for side in Side) == count_entry_cmd.SIDES
