"""The unit of work: one transaction per user action, committed only when the action says so."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from assembly_desk.persistence.ballot_box import BallotBox
from assembly_desk.persistence.box_room import BoxRoom
from assembly_desk.persistence.engine import is_postgres
from assembly_desk.persistence.errors import translated

# Arbitrary constant naming the audit-chain lock in pg_advisory_xact_lock.
AUDIT_LOCK_KEY = 0x41_55_44_49_54  # "AUDIT"
_AUDIT_LOCK_KEY = AUDIT_LOCK_KEY
_LOCK_SQL = text("SELECT pg_advisory_xact_lock(:k)")


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: ...; uow.commit()``; leaving without commit rolls back.

    Services receive a unit of work, hand it to the repository functions
    (``persistence.repositories``) for their reads and writes, and call ``commit``. Nothing
    half-done reaches the database: an exception rolls everything back. A driver error
    leaving the block is translated (``persistence.errors``): a lost connection is
    ``DatabaseUnreachable``, another refusal ``StorageRefused``, both raised from the cause.
    """

    def __init__(self, engine: Engine, boxes: BoxRoom | None = None) -> None:
        self.engine = engine
        self.boxes = boxes
        self.session: Session
        self._audit_locked = False
        self._postgres = is_postgres(engine)

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self._audit_locked = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            try:
                self.session.rollback()
            finally:
                self.session.close()
        except DBAPIError as cleanup:
            # Rolling back on a connection that just died: the outage, not the rollback.
            _raise_translated(exc if exc is not None else cleanup)
            raise
        if exc is not None:
            _raise_translated(exc)

    def commit(self) -> None:
        self._audit_locked = False  # released with the transaction, whatever the outcome
        self.session.commit()

    def rollback(self) -> None:
        self._audit_locked = False
        self.session.rollback()

    def flush(self) -> None:
        """Send pending writes now (ids assigned, constraints checked) without committing."""
        self.session.flush()

    def ballot_box(self) -> BallotBox:
        """This laptop's station box, where cast ballots wait for the poll to close."""
        if self.boxes is None:
            raise RuntimeError("this unit of work has no ballot-box folder")
        return self.boxes.station_box()

    @property
    def is_postgres(self) -> bool:
        return self._postgres

    def lock_audit_chain(self) -> None:
        """Serialise appends to the audit chain across desks (PostgreSQL advisory lock).

        SQLite needs nothing: ``BEGIN IMMEDIATE`` already gives one writer at a time. The
        lock lasts until the transaction ends, so a second call in the same transaction
        (a check-in's count, then its event) costs no second round trip.
        """
        if self._postgres and not self._audit_locked:
            self.session.execute(_LOCK_SQL, {"k": AUDIT_LOCK_KEY})
            self._audit_locked = True

    def audit_chain_locked(self) -> None:
        """Note that a repository statement took the audit lock (``AUDIT_LOCK_KEY``) itself.

        A check-in on PostgreSQL takes it in the statement that inserts the check-in, saving
        a round trip; ``lock_audit_chain`` then knows it is held.
        """
        self._audit_locked = True


def _raise_translated(exc: BaseException) -> None:
    """Raise the project's exception for ``exc`` (from it); return if there is none."""
    replacement = translated(exc)
    if replacement is not None:
        raise replacement from exc


class UnitOfWorkSource(Protocol):
    """Anything that starts units of work: the fronts' ``Database``, or a test's stand-in."""

    def uow(self) -> UnitOfWork: ...
