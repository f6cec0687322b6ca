"""Read a bundle folder or zip without trusting it: bounded bytes, regular files only.

A bundle arrives from outside (a USB stick, a download, a shared folder), so reading it
must never hang, exhaust memory or follow a link somewhere else. Everything that is not
a plain tree of four regular files is refused as :class:`BundleUnreadable` (exit 2):

* the bundle path and each of its files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and
  checked with ``fstat``: a symlink (to a device, a FIFO, a file elsewhere), a FIFO, a
  socket or a device is refused before a byte is read, and opening a FIFO never blocks;
* every file has a size cap (:data:`LIMITS`), checked on ``fstat`` and again while
  reading, so a file that grows while it is read cannot get past it;
* a zip is inspected from its end-of-central-directory record first (entry count and
  directory size, no zip64, no comment tricks), then read member by member through a
  streaming decompressor with a byte budget per file and for the whole archive, so a
  decompression bomb stops at the cap whatever its headers claim. Member names must be
  plain (no ``..``, no absolute or drive paths, no backslashes, NFC, unique), only the
  four bundle files (optionally inside one folder) may appear, stored or deflated,
  unencrypted.

The caps are documented in docs/bundle-format.md ("Limits").
"""

from __future__ import annotations

import errno
import json
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle_schema import FILES
from assembly_desk.audit.canonical import loads

__all__ = [
    "LIMITS",
    "BundleFiles",
    "BundleUnreadable",
    "Limits",
    "load_json_file",
    "read_bundle_files",
    "read_small_file",
]

_MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """Size caps for reading a bundle (bytes, entries). Generous for any assembly.

    ``files``: cap per bundle file. ``zip_size``: the zip file itself.
    ``zip_entries``: entries in the central directory. ``zip_directory``: its bytes.
    ``total``: all four files together, after decompression.
    """

    files: Mapping[str, int]
    zip_size: int = 512 * _MiB
    zip_entries: int = 16
    zip_directory: int = 64 * 1024
    total: int = 512 * _MiB


#: The caps used by ``assembly-desk verify`` and the auditor's window.
LIMITS = Limits(
    files={
        "manifest.json": 4 * _MiB,
        "tally.json": 32 * _MiB,
        "audit_log.jsonl": 128 * _MiB,
        "cvrs.jsonl": 256 * _MiB,
    }
)

_CHUNK = 1 << 16


class BundleUnreadable(Exception):
    """A bundle file is missing or not readable JSON; ``file`` and ``line`` say where."""

    def __init__(self, file: str | None, problem: str, line: int | None = None) -> None:
        where = file or "bundle"
        if line is not None:
            where = f"{where} line {line}"
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class BundleFiles:
    """The raw bytes of the four bundle files, from a folder or a zip."""

    source: Path
    is_zip: bool
    raw: Mapping[str, bytes]


_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _open_regular(path: Path, name: str | None, cap: int) -> int:
    """An fd on a regular file of at most ``cap`` bytes, never following a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise BundleUnreadable(name, "file missing from the bundle") from None
    except OSError as error:
        raise BundleUnreadable(name, f"cannot read it ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise BundleUnreadable(name, f"is {_kind(mode)}, not a regular file")
    try:
        fd = os.open(path, _FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BundleUnreadable(name, "is a symbolic link, not a regular file") from None
        raise BundleUnreadable(name, f"cannot read it ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BundleUnreadable(name, f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > cap:
            raise BundleUnreadable(name, f"larger than the {cap} byte limit")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_fd(fd: int, name: str | None, cap: int) -> bytes:
    """All bytes of ``fd``, refusing more than ``cap`` (the file may grow meanwhile)."""
    parts: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = os.read(fd, min(_CHUNK * 16, cap + 1 - size))
        except BlockingIOError:
            raise BundleUnreadable(name, "would block (not a regular file)") from None
        except OSError as error:
            raise BundleUnreadable(name, f"cannot read it ({error.strerror})") from None
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > cap:
            raise BundleUnreadable(name, f"larger than the {cap} byte limit")
        parts.append(chunk)


def read_small_file(path: str | os.PathLike[str], cap: int = 64 * 1024) -> bytes:
    """A small regular file (e.g. a trusted ``.pub.json``), with the same refusals."""
    target = Path(path)
    fd = _open_regular(target, str(target), cap)
    try:
        return _read_fd(fd, str(target), cap)
    finally:
        os.close(fd)


def read_bundle_files(path: str | os.PathLike[str], limits: Limits = LIMITS) -> BundleFiles:
    """Read the four files from a bundle folder or a ``.zip`` of them, within ``limits``.

    Raises :class:`BundleUnreadable` for anything but a plain folder or zip of regular
    files within the caps (see the module docstring); never blocks on a FIFO.
    """
    source = Path(path)
    try:
        mode = os.lstat(source).st_mode
    except FileNotFoundError:
        raise BundleUnreadable(None, f"{source} does not exist") from None
    except OSError as error:
        raise BundleUnreadable(None, f"{source}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        return BundleFiles(source, False, _read_folder(source, limits))
    if not stat.S_ISREG(mode):
        raise BundleUnreadable(None, f"{source} is {_kind(mode)}, not a bundle folder or zip")
    fd = _open_regular(source, None, limits.zip_size)
    try:
        raw = _read_zip(fd, source, limits)
    finally:
        os.close(fd)
    return BundleFiles(source, True, raw)


def _read_folder(source: Path, limits: Limits) -> dict[str, bytes]:
    raw: dict[str, bytes] = {}
    total = 0
    for name in FILES:
        cap = limits.files[name]
        fd = _open_regular(source / name, name, cap)
        try:
            raw[name] = _read_fd(fd, name, cap)
        finally:
            os.close(fd)
        total += len(raw[name])
        if total > limits.total:
            raise BundleUnreadable(None, f"bundle larger than the {limits.total} byte limit")
    return raw


_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


def _check_directory(fd: int, source: Path, limits: Limits) -> None:
    """Bound the central directory before :mod:`zipfile` parses it into memory."""
    size = os.fstat(fd).st_size
    tail_len = min(size, 22 + 0xFFFF)
    os.lseek(fd, size - tail_len, os.SEEK_SET)
    tail = _read_fd(fd, None, tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise BundleUnreadable(None, f"{source} is not a readable bundle folder or zip")
    disk, cd_disk, here, entries, cd_size, _offset, comment = struct.unpack(
        "<HHHHIIH", tail[at + 4 : at + 22]
    )
    if (at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR) or entries == 0xFFFF:
        raise BundleUnreadable(None, "zip64 archives are not bundles (too large)")
    if disk or cd_disk or here != entries:
        raise BundleUnreadable(None, "multi-part zip archives are not supported")
    if entries > limits.zip_entries:
        raise BundleUnreadable(
            None, f"the zip has {entries} entries (at most {limits.zip_entries})"
        )
    if cd_size > limits.zip_directory:
        raise BundleUnreadable(None, "the zip's directory is too large for a bundle")
    if at + 22 + comment != len(tail):
        raise BundleUnreadable(None, "the zip has trailing data after its directory")
    os.lseek(fd, 0, os.SEEK_SET)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The bundle file a zip entry holds; refuses unsafe or unexpected names."""
    name = info.filename
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or not unicodedata.is_normalized("NFC", name)
    ):
        raise BundleUnreadable(None, f"the zip holds an entry with an unsafe name {name!r}")
    parts = name.rstrip("/").split("/") if info.is_dir() else name.split("/")
    if any(part in ("", ".", "..") for part in parts) or len(parts) > 2:
        raise BundleUnreadable(None, f"the zip holds an entry with an unsafe name {name!r}")
    if info.is_dir():
        if len(parts) != 1:
            raise BundleUnreadable(None, f"the zip holds an unexpected folder {name!r}")
        return ""
    if parts[-1] not in FILES:
        raise BundleUnreadable(None, f"the zip holds a file that is not part of a bundle: {name!r}")
    if info.flag_bits & 0x1:
        raise BundleUnreadable(parts[-1], "encrypted zip entries are not bundles")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BundleUnreadable(parts[-1], "compressed with an unsupported method")
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise BundleUnreadable(parts[-1], f"the zip stores it as {_kind(mode)}")
    return parts[-1]


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cap: int) -> bytes:
    """Decompress one member in chunks, stopping at ``cap`` whatever the header claims."""
    if info.file_size > cap:
        raise BundleUnreadable(name, f"file in the zip is larger than the {cap} byte limit")
    parts: list[bytes] = []
    size = 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise BundleUnreadable(name, f"file in the zip is larger than the {cap} byte limit")
            parts.append(chunk)
    return b"".join(parts)


def _read_zip(fd: int, source: Path, limits: Limits) -> dict[str, bytes]:
    try:
        _check_directory(fd, source, limits)
        handle: Any = os.fdopen(os.dup(fd), "rb")
        with handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                raise BundleUnreadable(None, "the zip holds an entry name more than once")
            members: dict[str, zipfile.ZipInfo] = {}
            folders = {info.filename.split("/")[0] for info in infos if "/" in info.filename}
            if len(folders) > 1:
                raise BundleUnreadable(None, "the zip holds more than one folder")
            for info in infos:
                name = _member_name(info)
                if not name:
                    continue
                if name in members:
                    raise BundleUnreadable(name, "the zip holds this file more than once")
                members[name] = info
            raw: dict[str, bytes] = {}
            total = 0
            for name in FILES:
                if name not in members:
                    raise BundleUnreadable(name, "file missing from the zip")
                cap = min(limits.files[name], limits.total - total)
                raw[name] = _read_member(archive, members[name], name, cap)
                total += len(raw[name])
    except BundleUnreadable:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        struct.error,
    ) as error:
        raise BundleUnreadable(
            None, f"{source} is not a readable bundle folder or zip ({error})"
        ) from None
    return raw


def load_json_file(name: str, data: bytes) -> Any:
    """Strictly parse a bundle JSON file; errors name the file and line.

    Deep nesting (``[[[[...]]]]``) is refused like malformed JSON rather than left to
    blow the parser's recursion limit into a traceback.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BundleUnreadable(name, "not valid UTF-8", line) from None
    try:
        return loads(text)
    except json.JSONDecodeError as error:
        raise BundleUnreadable(
            name, f"malformed JSON: {error.msg} (column {error.colno})", error.lineno
        ) from None
    except RecursionError:
        raise BundleUnreadable(name, "malformed JSON: nested too deeply", 1) from None
    except ValueError as error:
        raise BundleUnreadable(name, f"malformed JSON: {error}", 1) from None
