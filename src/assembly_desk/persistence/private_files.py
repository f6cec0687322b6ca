"""Owner-only folders and files, and durable renames: shared by every file the app writes.

The database, its WAL, the ballot boxes and the offline scan queue all hold what other
local accounts must not read (DESIGN.md: "Every file the app writes … is readable by its
owner only"), and all of them rely on a new file or a rename surviving a power cut.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def tighten(path: Path, mode: int) -> None:
    """Set ``path`` to ``mode`` where POSIX modes apply (Windows: per-user AppData ACLs)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, mode)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) readable by the owner only, tightening an existing one."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    tighten(folder, FOLDER_MODE)
    return folder


def fsync_dir(folder: Path) -> None:
    """Make a new file or a rename in ``folder`` durable (its directory entry too)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
