"""Bundles that are not a plain tree of files are refused as unreadable, fast and small.

Each hostile bundle is verified by the real command in a child process whose address
space is capped at 1.5 GiB and whose run is capped in time: a hang, a traceback or a
read without bound would show up as a timeout, a crash or a MemoryError instead of
exit 2 with a reason. The size caps themselves are checked through ``Limits``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from assembly_desk.audit.verify import verify_bundle
from assembly_desk.audit.verify_read import LIMITS, Limits, read_bundle_files

FILES = ("manifest.json", "cvrs.jsonl", "audit_log.jsonl", "tally.json")
ADDRESS_SPACE = 1536 << 20
SECONDS = 30


def _run_verify(path: Path) -> tuple[int, str, float]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    env = {**os.environ, "ASSEMBLY_DESK_LANG": "en"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "assembly_desk", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        preexec_fn=cap,
        env=env,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def _dev_zero(bundle: Path) -> Path:
    (bundle / "cvrs.jsonl").unlink()
    (bundle / "cvrs.jsonl").symlink_to("/dev/zero")
    return bundle


def _fifo(bundle: Path) -> Path:
    (bundle / "tally.json").unlink()
    os.mkfifo(bundle / "tally.json")
    return bundle


def _sparse(bundle: Path) -> Path:
    with open(bundle / "audit_log.jsonl", "r+b") as handle:
        handle.truncate(64 << 30)
    return bundle


def _bomb(bundle: Path) -> Path:
    path = bundle.parent / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILES[:3]:
            archive.write(bundle / name, name)
        with archive.open("tally.json", "w") as handle:
            for _ in range(40):
                handle.write(b"\x00" * (1 << 20))
    return path


def _fifo_bundle(bundle: Path) -> Path:
    path = bundle.parent / "pipe.zip"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "make", [_dev_zero, _fifo, _sparse, _bomb, _fifo_bundle], ids=lambda f: f.__name__[1:]
)
def test_hostile_bundle_is_unreadable_within_time_and_memory(bundle: Path, make: object) -> None:
    target = make(bundle)  # type: ignore[operator]
    code, output, seconds = _run_verify(target)
    assert code == 2, output
    assert "Traceback" not in output and "MemoryError" not in output
    assert "UNREADABLE" in output
    assert seconds < SECONDS


def test_caps_are_checked_per_file_and_named(bundle: Path) -> None:
    small = Limits(files={**LIMITS.files, "manifest.json": 100})
    report = verify_bundle(bundle, limits=small)
    assert report.exit_code == 2
    assert "manifest.json: larger than the 100 byte limit" in report.checks[0].detail("en")
    folder_total = Limits(files=LIMITS.files, total=1000)
    assert "bundle larger than" in verify_bundle(bundle, limits=folder_total).checks[0].detail()


def test_zip_members_are_read_within_the_cap_and_the_directory_is_bounded(
    bundle: Path, tmp_path: Path
) -> None:
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            archive.write(bundle / name, name)
    assert read_bundle_files(path).raw["tally.json"] == (bundle / "tally.json").read_bytes()
    tight = Limits(files={**LIMITS.files, "cvrs.jsonl": 200})
    report = verify_bundle(path, limits=tight)
    assert report.exit_code == 2 and "cvrs.jsonl" in report.checks[0].detail("en")
    few = Limits(files=LIMITS.files, zip_entries=3)
    assert "the zip has 4 entries (at most 3)" in verify_bundle(path, limits=few).checks[0].detail()
    with zipfile.ZipFile(path, "a") as archive:
        archive.comment = b"x" * 100
    assert verify_bundle(path).exit_code == 0  # a zip comment is part of the format


def test_a_symlinked_bundle_folder_is_refused(bundle: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(bundle)
    report = verify_bundle(link)
    assert report.exit_code == 2
    assert "symbolic link" in report.checks[0].detail("en")
    assert verify_bundle(bundle).exit_code == 0
