"""Writing a bundle's files so that a reader never sees half of them.

A folder is written under a hidden name and renamed into place; a co-signature replaces
``tally.json`` through a temporary file. Every file is synced before the rename.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["replace_file", "write_folder"]


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_folder(target: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a hidden folder beside ``target``, then rename it into place.

    ``target`` must not exist or be empty (the caller checks); the folder appears whole
    or not at all, and is world-readable (0755) since a bundle is published.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        for name, data in files.items():
            _fsync_write(tmp / name, data)
        os.chmod(tmp, 0o755)
        if target.exists():
            target.rmdir()  # empty, checked by the caller
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a synced temporary file (0644, published)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
