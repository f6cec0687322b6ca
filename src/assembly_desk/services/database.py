"""Opening the database for a front: connect, migrate, and deliver what a box still holds.

The holder of the engine (``Database``) and how to reach and migrate it live in
``persistence.database``; what this module adds is the use case around it.
"""

from __future__ import annotations

from pathlib import Path

from assembly_desk.persistence.database import BOX_DIR_VAR, Database, connect, default_box_dir

__all__ = ["BOX_DIR_VAR", "Database", "default_box_dir", "open_database"]


def open_database(url: str | None = None, box_dir: Path | None = None) -> Database:
    """Connect and upgrade the schema; an unreachable server becomes a readable error.

    A station laptop restarted after (or during) a close delivers the ballots its box
    still holds before anything else runs.
    """
    database = connect(url, box_dir)
    if database.holds_ballot_boxes():
        from assembly_desk.services import voting  # only when a box waits: voting is heavy

        with database.uow() as uow:
            voting.deliver_closed(uow)
    return database
