"""The storage failures the layers above must tell apart, in the project's own words.

Nothing above ``persistence`` imports SQLAlchemy, so nothing above it can catch a driver's
exception by type. The unit of work therefore translates, as an exception leaves it:

* a lost connection (server down or restarting, network gone, SQLite file locked or
  unopenable) becomes ``DatabaseUnreachable``, a ``DeskError`` the fronts answer with one
  translated sentence and the desk answers by keeping the scan;
* any other statement the database refused (a constraint, a value too wide, a row that
  is gone) becomes ``StorageRefused``, which names the driver's complaint but is not a
  message for a volunteer.

SQLAlchemy's own errors (a query built wrongly, a closed session) are bugs and pass
through untouched. ``connection_lost`` is the one place that knows which driver errors
mean an outage.
"""

from __future__ import annotations

import sys

from sqlalchemy import exc as sa_exc

from assembly_desk.domain.errors import DeskError

# SQLSTATE classes that mean the server, not the statement, is the problem: 08 connection
# exception, 57P01-57P03 admin/crash shutdown and "cannot connect now" (starting up).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


class DatabaseUnreachable(DeskError):
    """The database cannot be reached (down, restarting, network gone): not the user's fault."""

    def __init__(self) -> None:
        super().__init__("outage.unreachable")


class StorageRefused(Exception):
    """The database refused a statement for a reason other than an outage.

    Raised from the driver's exception (``__cause__``), whose first line it repeats so a
    log or an "unexpected error" dialog still says what the database objected to.
    """

    def __init__(self, cause: BaseException) -> None:
        orig = getattr(cause, "orig", None) or cause
        first = (str(orig).strip().splitlines() or [""])[0]
        super().__init__(f"{type(orig).__name__}: {first}")


class DatabaseAddressInvalid(DeskError):
    """The database address itself cannot be used (``error.db_bad_address``, with why)."""

    def __init__(self, detail: str) -> None:
        super().__init__("error.db_bad_address", detail=detail)


class DatabaseMissing(DeskError):
    """The database could not be opened at start-up (``error.db_unreachable``, with why)."""

    def __init__(self, detail: str) -> None:
        super().__init__("error.db_unreachable", detail=detail)


def connection_lost(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached now.

    A deadlock or a cancelled statement is a psycopg ``OperationalError`` too, but not an
    outage; libpq's own connection failures carry no SQLSTATE, server shutdowns carry 57P0x.
    """
    # psycopg is loaded only for a PostgreSQL database: when it was never imported, no
    # error here can be one of its own (and an SQLite front never pays for importing it).
    psycopg = sys.modules.get("psycopg")
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DeskError):
            return False  # already a message for the user (the outage's own has its own test)
        if isinstance(exc, sa_exc.DBAPIError):
            if exc.connection_invalidated:
                return True
            from_pg = psycopg is not None and isinstance(exc.orig, psycopg.Error)
            if isinstance(exc, sa_exc.OperationalError) and not from_pg:
                return True  # SQLite: the file cannot be opened or stays locked
        if psycopg is not None and isinstance(exc, psycopg.OperationalError):
            state = exc.sqlstate
            if state is None or state.startswith(_LOST_STATES):
                return True
        if psycopg is not None and isinstance(exc, psycopg.InterfaceError):
            return True  # "the connection is closed"
        # Only what the error was raised *from*: an exception merely raised while handling
        # a driver error (its __context__) is about something else.
        exc = exc.__cause__
    return False


def translated(exc: BaseException) -> BaseException | None:
    """The project's exception for a driver error leaving a unit of work, or None to keep it."""
    if connection_lost(exc):
        return DatabaseUnreachable()
    if isinstance(exc, sa_exc.DBAPIError):
        return StorageRefused(exc)
    return None
