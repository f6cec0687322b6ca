"""The chairs' guide walks the day on the command line, and that walk is run as written.

docs/guide-chairs.md has one ```sh block under "The day from the command line". This test
takes it out of the guide and runs it with ``bash -euo pipefail`` against a fresh SQLite
file, then checks what a chair would see: the head count after the undo, the contest's
number, the two elected, the bundle's files and ``verify``'s VALID line. A second run
changes one step as a user could (a ballot cast on the card of someone never checked in)
and must stop there with the product's own message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.service,
    pytest.mark.timeout(900),
    pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed"),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
    ),
]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-chairs.md"
SECTION = "## 명령줄로 하루 · The day from the command line"
FENCE = re.compile(r"^```sh\n(.*?)^```\s*$", re.S | re.M)
TIMEOUT = 300  # seconds for the whole walk: a generous bound, not an expectation


def walk_block() -> str:
    """The one ```sh block of the guide, which must sit in the command-line section."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = FENCE.findall(text)
    assert len(blocks) == 1, f"{GUIDE.name} must have exactly one ```sh block, found {len(blocks)}"
    assert text.count(SECTION) == 1, f"{GUIDE.name} lacks the section {SECTION!r}"
    assert text.index(SECTION) < text.index("```sh"), "the ```sh block is not in its section"
    return blocks[0]


def run_walk(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    work = tmp_path / "work"
    home = tmp_path / "home"
    work.mkdir()
    home.mkdir()
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "DB": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        "WORK": str(work),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "ASSEMBLY_DESK_LANG": "en",
        "ASSEMBLY_DESK_OFFLINE_DIR": str(tmp_path / "offline"),
        "PYTHONIOENCODING": "utf-8",
    }
    for var in ("ASSEMBLY_DESK_DB", "ASSEMBLY_DESK_DESK"):
        env.pop(var, None)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def test_the_guide_walk_runs_the_whole_day(tmp_path: Path) -> None:
    result = run_walk(walk_block(), tmp_path)
    out = result.stdout
    assert result.returncode == 0, explain(result)
    assert "Imported 5 people (5 eligible)" in out, explain(result)
    # three by card, one by roll number, that one undone: three are in, quorum 3 is met
    assert out.count("[GREEN] Checked in") == 4, explain(result)
    assert "Undid the check-in of person 5" in out, explain(result)
    assert "Checked in 3 / eligible 5 (roll 5)" in out, explain(result)
    assert "Quorum 3, 0 missing" in out, explain(result)
    assert re.search(r"^No\. 1\tid 1\tDraft\tChoose up to N\t주민자치회 위원 선출$", out, re.M), (
        explain(result)
    )
    assert out.count("Ballot cast for ") == 3, explain(result)
    assert "(3 issued)" in out, explain(result)
    # two seats: exactly these two, nobody else (김가람 3 votes, 나별 2, 다온 1)
    assert re.findall(r"^elected \(in order\): (.*)$", out, re.M) == ["김가람, 나별"], explain(
        result
    )
    assert "valid ballots: 3   invalid: 0" in out, explain(result)
    bundle = tmp_path / "work" / "bundle"
    for name in ("manifest.json", "tally.json", "cvrs.jsonl", "audit_log.jsonl"):
        assert (bundle / name).is_file(), f"{name} missing from the bundle\n{explain(result)}"
    assert "Signature added: 이참관 (witness" in out, explain(result)
    verified = out[out.rindex("Verifying bundle:") :]
    assert "✓ signature policy: met" in verified, explain(result)
    assert "✓ signer identities: the signer keys are exactly the 2 trusted keys" in verified
    assert "✗" not in verified, explain(result)
    assert verified.rstrip().endswith("Result: VALID. Every check passed."), explain(result)


def test_a_walk_that_casts_for_someone_not_checked_in_stops_there(tmp_path: Path) -> None:
    script = walk_block()
    step = 'cast "$(card 4)" --contest 1 --choice 김가람 --choice 나별'
    assert script.count(step) == 1, "the walk no longer has the step this test changes"
    # person 2 has a card but never came to the door
    broken = script.replace(step, step.replace("$(card 4)", "$(card 2)"))
    result = run_walk(broken, tmp_path)
    assert result.returncode != 0, explain(result)
    assert "Not checked in: check in at the door first" in result.stderr, explain(result)
    assert "Traceback" not in result.stderr, explain(result)
    assert "Ballot cast for 박철수" in result.stdout  # the steps before it did run
    assert "Ballot cast for 최지우" not in result.stdout
    assert "Poll of contest no. 1 is closed" not in result.stdout  # -e stopped the day there
    assert not (tmp_path / "work" / "bundle").exists()
