"""What every subcommand shares: opening the database, the assembly, printing errors.

A connection lost in the middle of a command (the server restarted, the venue network
dropped) ends it with exit 2 and one plain message: the unit of work turns any connection
loss into ``DatabaseUnreachable``, which ``main`` prints through ``fail`` like every other
``DeskError``; a transaction cut short was rolled back by the server. The command line
reaches the database only through the services facade (``services_from``): the same
``Services`` object the window is handed, so a command and a screen run the same use case.
Secrets (a chair's passphrase) come from a file or a terminal prompt that does not echo;
without either the command says so instead of failing on an empty standard input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from assembly_desk.domain.errors import DeskError, InvalidInput
from assembly_desk.i18n import t

if TYPE_CHECKING:
    # Opening a database pulls in SQLAlchemy and every service: only a command that runs
    # needs them, never ``--help`` or a parse error (see ``db_from``).
    from assembly_desk.services.database import Database
    from assembly_desk.services.facade import Services

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_ERROR = 2


_opened: list[Database] = []


def close_opened() -> None:
    """Let go of every database a command opened: its connections and its ballot box.

    A box stays locked while its database is open, so a command run in the same process
    as the next (a script's ``main`` calls, the tests) would otherwise keep a cast ballot
    from the close's delivery.
    """
    while _opened:
        _opened.pop().dispose()


def db_from(args: argparse.Namespace) -> Database:
    """The database, opened so that losing its connection later is a plain error (exit 2)."""
    from assembly_desk.services.database import open_database
    from assembly_desk.services.offline_queue import (
        DatabaseUnreachable,
        bound_waits,
        is_unreachable,
    )

    try:
        db = open_database(getattr(args, "db", None))
    except DeskError:
        raise
    except Exception as exc:
        if is_unreachable(exc):
            raise DatabaseUnreachable() from exc
        raise
    bound_waits(db)
    _opened.append(db)
    return db


def services_from(args: argparse.Namespace) -> Services:
    """The use cases of ``--db``, the object the window gets, opened as ``db_from`` opens."""
    from assembly_desk.services.facade import Services

    return Services(db_from(args))


def assembly_id(db: Database, args: argparse.Namespace) -> int:
    """The assembly the command is about: ``--assembly``, else the newest."""
    from assembly_desk.services.facade import Services

    return Services(db).setup.assembly_id(getattr(args, "assembly", None))


def desk_name(args: argparse.Namespace) -> str:
    """The desk a command checks in at: ``--desk``, else ``ASSEMBLY_DESK_DESK``, else cli."""
    return getattr(args, "desk", None) or os.environ.get("ASSEMBLY_DESK_DESK") or "cli"


def read_secret(prompt: str, passphrase_file: str | None) -> str:
    """A passphrase from ``passphrase_file`` (its first line) or typed, never echoed.

    Without a terminal there is nobody to type it: ``InvalidInput("fronts.no_terminal")``
    says to give the file, where ``getpass`` would read an empty stdin and end in EOFError.
    """
    if passphrase_file:
        try:
            with open(passphrase_file, encoding="utf-8-sig") as handle:
                lines = handle.read().splitlines()
        except OSError as error:
            raise InvalidInput(
                "fronts.passphrase_file_unreadable", path=passphrase_file, error=error.strerror
            ) from None
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        raise InvalidInput("fronts.no_terminal")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput("fronts.no_terminal") from None


def _connection_lost(error: DeskError) -> bool:
    """Whether ``error`` is the unit of work's ``DatabaseUnreachable``.

    Looked up among the loaded modules instead of imported: a command that never opened a
    database (``count``, ``verify``) cannot hold that error, and importing it would load
    SQLAlchemy just to print a message. Every database is opened by ``db_from``, which
    imports the module first.
    """
    queue = sys.modules.get("assembly_desk.services.offline_queue")
    return queue is not None and isinstance(error, queue.DatabaseUnreachable)


def fail(error: DeskError, code: int = EXIT_ERROR) -> int:
    """Say what went wrong on stderr, in the current language; return the exit code."""
    # The desk's wording ("this desk keeps trying") is not true of a command: say instead
    # that nothing half-done was kept and it can be run again.
    message = t("outage.cli_lost") if _connection_lost(error) else error.message()
    print(t("cli.error", message=message), file=sys.stderr)
    return code


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))
