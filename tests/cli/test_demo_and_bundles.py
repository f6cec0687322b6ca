"""The demo's promises and a witness signing its bundles from the command line.

One demo runs for the module (60 residents); each test copies what it changes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from assembly_desk.audit.canonical import canonical_json
from assembly_desk.cli import main
from assembly_desk.services.demo import KEY_PASSPHRASES
from tests.cli.helpers import out_err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["--lang", "en", "demo", "--out", str(out), "--residents", "60"]) == 0
    return out, text.getvalue()


def test_the_demo_summary_adds_up_to_the_status_line(demo: tuple[Path, str]) -> None:
    out, text = demo
    scans = dict(
        (k, int(v))
        for k, v in re.findall(
            r"(\w+)=(\d+)", next(ln for ln in text.splitlines() if ln.startswith("Scans:"))
        )
    )
    present = int(re.search(r"^Checked in (\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert scans["repeat"] == 1 and scans["undone"] == 1  # the double read, the undo
    assert scans["checked_in"] - scans["undone"] == present == status["checked_in"]


def test_the_demo_refuses_a_database_that_holds_data(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = demo
    used = tmp_path / "used.sqlite3"
    shutil.copy(out / "demo.sqlite3", used)
    assert (
        main(["--lang", "en", "--db", f"sqlite:///{used}", "demo", "--out", str(tmp_path / "d")])
        == 2
    )
    _, err = out_err(capsys)
    assert "already holds an assembly" in err and "leave out --db" in err
    assert main(["--db", f"sqlite:///{used}", "assembly", "list", "--json"]) == 0
    assert len(json.loads(out_err(capsys)[0])) == 1  # nothing was added
    assert not (tmp_path / "d").exists()  # and no folder of demo files was started


def _unsigned_by_witness(demo: tuple[Path, str], tmp_path: Path) -> Path:
    out, _ = demo
    bundle = tmp_path / "bundle"
    shutil.copytree(out / "bundles" / "contest-1", bundle)
    tally = json.loads((bundle / "tally.json").read_text(encoding="utf-8"))
    tally["signatures"] = [s for s in tally["signatures"] if s["role"] != "witness"]
    (bundle / "tally.json").write_bytes(canonical_json(tally))
    return bundle


def _witness(demo: tuple[Path, str], tmp_path: Path) -> list[str]:
    secret = tmp_path / "witness.txt"
    secret.write_text(KEY_PASSPHRASES["witness"] + "\n", encoding="utf-8")
    key = demo[0] / "keys" / "witness.pem"
    return ["--key", str(key), "--key-passphrase-file", str(secret)]


def test_a_witness_signs_once_and_is_told_so_in_korean(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _unsigned_by_witness(demo, tmp_path)
    sign = ["--lang", "ko", "bundle", "sign", str(bundle), *_witness(demo, tmp_path)]
    assert main(sign) == 0
    assert "서명을 추가했습니다" in out_err(capsys)[0]
    assert main(["verify", str(bundle)]) == 0
    capsys.readouterr()
    assert main(sign) == 1
    err = out_err(capsys)[1]
    assert "이미 이 번들에 서명했습니다" in err and "already" not in err


def test_a_zip_is_explained_not_errno(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _unsigned_by_witness(demo, tmp_path)
    archive = shutil.make_archive(str(tmp_path / "bundle"), "zip", bundle)
    assert main(["--lang", "ko", "bundle", "sign", archive, *_witness(demo, tmp_path)]) == 1
    err = out_err(capsys)[1]
    assert "zip 파일이라 그대로 서명할 수 없습니다" in err and "unzip" in err
    assert "Errno" not in err and "Not a directory" not in err


def test_without_a_terminal_or_passphrase_file_signing_says_what_to_give(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _unsigned_by_witness(demo, tmp_path)
    key = str(demo[0] / "keys" / "witness.pem")
    assert main(["--lang", "en", "bundle", "sign", str(bundle), "--key", key]) == 2
    err = out_err(capsys)[1]
    assert "--key-passphrase-file" in err and "EOFError" not in err and "Traceback" not in err


def test_a_bundle_that_does_not_verify_is_not_signed_and_says_why_in_korean(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _unsigned_by_witness(demo, tmp_path)
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["assembly"]["title"] = "다른 총회"
    (bundle / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    before = (bundle / "tally.json").read_bytes()
    assert main(["--lang", "ko", "bundle", "sign", str(bundle), *_witness(demo, tmp_path)]) == 1
    err = out_err(capsys)[1]
    assert "번들 검증에 실패하여 서명하지 않습니다" in err and "refusing" not in err
    assert (bundle / "tally.json").read_bytes() == before


def test_the_auditor_window_without_a_screen_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["--lang", "en", "audit-window"]) == 2
    assert "assembly-desk verify" in out_err(capsys)[1]
