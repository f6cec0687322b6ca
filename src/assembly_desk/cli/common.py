"""What every subcommand shares: opening the database, the assembly, printing errors.

A connection lost in the middle of a command (the server restarted, the venue network
dropped) ends it with exit 2 and one plain message: the unit of work turns any connection
loss into ``DatabaseUnreachable``, which ``main`` prints through ``fail`` like every other
``DeskError``; a transaction cut short was rolled back by the server. The command line
reaches the database only through services (``Database.uow`` and the use cases).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t
from assembly_desk.services import assemblies
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.offline_queue import DatabaseUnreachable, bound_waits, is_unreachable

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_ERROR = 2


def db_from(args: argparse.Namespace) -> Database:
    """The database, opened so that losing its connection later is a plain error (exit 2)."""
    try:
        db = open_database(getattr(args, "db", None))
    except DeskError:
        raise
    except Exception as exc:
        if is_unreachable(exc):
            raise DatabaseUnreachable() from exc
        raise
    bound_waits(db)
    return db


def assembly_id(db: Database, args: argparse.Namespace) -> int:
    """The assembly the command is about: ``--assembly``, else the newest."""
    with db.uow() as uow:
        return assemblies.get_assembly(uow, getattr(args, "assembly", None)).id


def fail(error: DeskError, code: int = EXIT_ERROR) -> int:
    """Say what went wrong on stderr, in the current language; return the exit code."""
    # The desk's wording ("this desk keeps trying") is not true of a command: say instead
    # that nothing half-done was kept and it can be run again.
    message = t("outage.cli_lost") if isinstance(error, DatabaseUnreachable) else error.message()
    print(t("cli.error", message=message), file=sys.stderr)
    return code


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))
