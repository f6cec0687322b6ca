"""Counting a process's POSIX (fcntl) locks on an SQLite file family from /proc/locks.

SQLite's cross-process coordination is these locks: a shared lock on the main file while
reading, and on the ``-shm`` file the "dead man's switch" byte and a read-mark byte that
tell another process "someone still uses this WAL, do not checkpoint and delete it". The
kernel drops all of a process's locks on a file when the process closes *any* descriptor
of that file, so a count that goes down while the connection is still open is the bug.
"""

from __future__ import annotations

import os
from pathlib import Path

FAMILY = ("", "-wal", "-shm")


def _inodes(db_file: Path) -> set[tuple[int, int, int]]:
    """(major, minor, inode) of each family file that exists, as /proc/locks prints them."""
    found: set[tuple[int, int, int]] = set()
    for suffix in FAMILY:
        try:
            st = os.stat(db_file.with_name(db_file.name + suffix))
        except FileNotFoundError:
            continue
        found.add((os.major(st.st_dev), os.minor(st.st_dev), st.st_ino))
    return found


def lock_count(db_file: Path, pid: int | None = None) -> int:
    """How many POSIX locks process ``pid`` (default: this one) holds on the family files."""
    pid = os.getpid() if pid is None else pid
    wanted = _inodes(db_file)
    count = 0
    with open("/proc/locks", encoding="ascii") as locks:
        for line in locks:
            fields = line.split()[1:]
            if fields and fields[0] == "->":  # a waiter, not a holder
                continue
            if len(fields) < 5 or fields[0] not in ("POSIX", "OFDLCK"):
                continue
            if int(fields[3]) != pid:
                continue
            major, minor, inode = fields[4].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) in wanted:
                count += 1
    return count
