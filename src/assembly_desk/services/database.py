"""Opening the database for a front: engine, migrations, and a unit-of-work factory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from assembly_desk.domain.errors import DeskError
from assembly_desk.persistence import migrate
from assembly_desk.persistence.engine import default_url, make_engine
from assembly_desk.persistence.unit_of_work import UnitOfWork


@dataclass
class Database:
    """What the fronts hold: the engine and a way to start a unit of work."""

    url: str
    engine: Engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None) -> Database:
    """Connect and upgrade the schema; an unreachable server becomes a readable error."""
    url = url or default_url()
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DeskError("error.db_unreachable", detail=detail) from exc
    return Database(url=url, engine=engine)
