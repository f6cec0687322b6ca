"""The database a front holds: an engine, its ballot-box folder, and units of work on it.

Opening is storage mechanics (connect, migrate, say plainly when the server is not there,
find this laptop's box folder); what to do with a database once open is the services'.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from assembly_desk.persistence import migrate, statistics
from assembly_desk.persistence.ballot_box import box_files
from assembly_desk.persistence.box_room import BoxRoom
from assembly_desk.persistence.engine import default_url, make_engine, sqlite_path, user_folder
from assembly_desk.persistence.errors import DatabaseAddressInvalid, DatabaseMissing
from assembly_desk.persistence.unit_of_work import UnitOfWork

BOX_DIR_VAR = "ASSEMBLY_DESK_BOX_DIR"


@dataclass
class Database:
    """What the fronts hold: the engine and a way to start a unit of work."""

    url: str
    engine: Engine
    box_dir: Path = field(default_factory=Path)
    boxes: BoxRoom = field(init=False)

    def __post_init__(self) -> None:
        self.boxes = BoxRoom(self.box_dir, self._realm)

    def _realm(self) -> str:
        # Imported here: the ballot store (its models and dialect upserts) is for fronts
        # that cast or deliver, not for every command that opens the database.
        from assembly_desk.persistence import ballot_store

        with self.engine.connect() as conn:
            return ballot_store.realm(conn)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.boxes)

    def holds_ballot_boxes(self) -> bool:
        """Whether this laptop's box folder has box files (ballots may wait for delivery)."""
        return bool(box_files(self.box_dir))

    def dispose(self) -> None:
        self.boxes.close()
        self.engine.dispose()


def default_box_dir(url: str) -> Path:
    """Where this laptop keeps its station ballot boxes for the database at ``url``.

    Beside an SQLite file (so a copy of the folder keeps both together); for a server, in
    the user's data folder under a name derived from the address (password left out), so
    two venue databases never share a box.
    """
    forced = os.environ.get(BOX_DIR_VAR)
    if forced:
        return Path(forced)
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".ballot-boxes")
    address = url.split("://", 1)[-1]
    address = address.split("@", 1)[-1]  # drop user:password
    address = address.split("?", 1)[0]  # options (a pooler flag) name no other database
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
    return user_folder() / "ballot-boxes" / digest


def connect(url: str | None = None, box_dir: Path | None = None) -> Database:
    """Connect and upgrade the schema; an unreachable server is ``DatabaseMissing``."""
    url = url or default_url()
    try:
        engine = make_engine(url)
    except (ValueError, ArgumentError) as exc:  # an unknown scheme, a bad option, a typo
        raise DatabaseAddressInvalid(str(exc).splitlines()[0]) from None
    try:
        migrate.upgrade(engine)
        statistics.ensure(engine)
    except OperationalError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseMissing(detail) from exc
    return Database(url=url, engine=engine, box_dir=box_dir or default_box_dir(url))
