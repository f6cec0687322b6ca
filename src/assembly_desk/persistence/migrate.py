"""Bring a database to the newest schema at start-up; never reset an existing one.

Almost every start finds the schema already current. Alembic (with Mako and its script
machinery) costs a few hundred milliseconds to import, so the current revision is read with
one plain query and compared with the head named by the migration files themselves; Alembic
is imported only when there is something to upgrade.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from assembly_desk.domain.errors import Refused

if TYPE_CHECKING:
    from alembic.config import Config

_VERSIONS = resources.files("assembly_desk.persistence") / "migrations" / "versions"
_REVISION = re.compile(r'^revision(?:\s*:\s*str)?\s*=\s*"([^"]+)"', re.M)
_DOWN = re.compile(r'^down_revision(?:\s*:[^=]+)?\s*=\s*(?:"([^"]+)"|None)', re.M)


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(resources.files("assembly_desk.persistence") / "migrations")
    )
    return cfg


def shipped_revisions() -> dict[str, str | None]:
    """Each migration file's revision and the one it follows, read from the files' text."""
    chain: dict[str, str | None] = {}
    for entry in _VERSIONS.iterdir():
        if not entry.name.startswith("r") or not entry.name.endswith(".py"):
            continue
        source = entry.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"migration {entry.name} names no revision")
        chain[revision.group(1)] = down.group(1)
    return chain


def head_revision() -> str:
    """The newest shipped revision: the one no other migration follows."""
    chain = shipped_revisions()
    heads = set(chain) - {down for down in chain.values() if down is not None}
    if len(heads) != 1:
        raise RuntimeError(f"the shipped migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is stamped with (None for a database never migrated)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every missing migration inside one transaction (PostgreSQL rolls DDL back too).

    A database stamped with a revision this program does not know was written by a newer
    version: we refuse to touch it rather than guess.
    """
    current = current_revision(engine)
    if current is not None and current not in shipped_revisions():
        raise Refused("error.db_newer")
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
