"""Start-up on a current schema costs one query: Alembic is loaded only to upgrade."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import make_engine
from assembly_desk.services.database import open_database

_PROBE = """
import sys
from assembly_desk.services.database import open_database
db = open_database(sys.argv[1])
db.dispose()
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {"alembic", "mako"})))
"""


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(migrate._config())
    assert migrate.head_revision() == script.get_current_head()
    assert set(migrate.shipped_revisions()) == {s.revision for s in script.walk_revisions()}


def _loaded_on_open(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_current_database_opens_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert "alembic" in _loaded_on_open(url)  # the first start creates the schema
    assert _loaded_on_open(url) == ""  # every later start: one query, no migration machinery


def test_an_old_database_is_still_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "r0006")
    assert migrate.current_revision(engine) == "r0006"
    engine.dispose()
    db = open_database(url)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM offline_scan").scalar() == 0
    finally:
        db.dispose()
