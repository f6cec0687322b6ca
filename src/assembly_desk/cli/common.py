"""What every subcommand shares: opening the database, the assembly, printing errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import assemblies
from assembly_desk.services.database import Database, open_database

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_ERROR = 2


def db_from(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def assembly_in(uow: UnitOfWork, args: argparse.Namespace) -> int:
    """The assembly the command is about: ``--assembly``, else the newest."""
    return assemblies.get_assembly(uow, getattr(args, "assembly", None)).id


def assembly_id(db: Database, args: argparse.Namespace) -> int:
    with db.uow() as uow:
        return assembly_in(uow, args)


def fail(error: DeskError, code: int = EXIT_ERROR) -> int:
    """Say what went wrong on stderr, in the current language; return the exit code."""
    print(t("cli.error", message=error.message()), file=sys.stderr)
    return code


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))
