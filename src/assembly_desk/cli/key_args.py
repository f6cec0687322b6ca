"""Passphrases for ``--key`` options: from ``--key-passphrase-file`` or asked at the terminal.

Shared by ``bundle create``, ``bundle sign``, ``keys create`` and ``export-bundle`` so the
rule is the same everywhere: one passphrase file per key, one for all keys, or none (each
key's passphrase is asked for, never echoed). Without a terminal there is nobody to ask:
the command stops with ``fronts.no_terminal_key`` naming the option to use, instead of
``getpass`` reading an empty stdin and ending in an EOFError.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the bundle services (cryptography, SQLAlchemy) load when a key is read
    from assembly_desk.services.bundle_export import KeyFile


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise InvalidInput("fronts.no_terminal_key")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput("fronts.no_terminal_key") from None


def key_file(path: str, passphrase_file: str | None) -> KeyFile:
    """One key and its passphrase."""
    from assembly_desk.services.bundle_export import KeyFile, read_passphrase_file

    if passphrase_file:
        return KeyFile(path, read_passphrase_file(passphrase_file))
    return KeyFile(path, _ask(t("bundle.passphrase_prompt", name=path)))


def key_files(paths: Sequence[str], passphrase_files: Sequence[str]) -> list[KeyFile]:
    """Each ``--key`` with its passphrase (raises ValueError for a count that does not fit)."""
    files = list(passphrase_files)
    if len(files) not in (0, 1, len(paths)):
        raise ValueError(t("cli.passphrase_files"))
    chosen: list[str | None] = [
        files[i] if len(files) > 1 else (files[0] if files else None) for i in range(len(paths))
    ]
    return [key_file(path, passfile) for path, passfile in zip(paths, chosen, strict=True)]


def new_passphrase(name: str, passphrase_file: str | None) -> str:
    """The passphrase for a new key: from the file, or typed twice and compared."""
    from assembly_desk.services.bundle_export import read_passphrase_file

    if passphrase_file:
        return read_passphrase_file(passphrase_file)
    first = _ask(t("bundle.passphrase_prompt", name=name))
    second = _ask(t("bundle.passphrase_again"))
    if first != second:
        raise ValueError(t("bundle.passphrase_mismatch"))
    return first
