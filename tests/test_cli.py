"""The headless front: the commands a volunteer or a script runs, and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assembly_desk.cli import main
from assembly_desk.services.database import open_database
from tests.services.helpers import add_person


def _create(url: str) -> None:
    code = main(
        [
            "--db",
            url,
            "assembly",
            "create",
            "--title",
            "성산1동 주민총회",
            "--date",
            "2026-11-28",
            "--venue",
            "주민센터",
            "--district",
            "성산1동",
            "--allow",
            "resident,worker",
            "--quorum-number",
            "1",
        ]
    )
    assert code == 0


def test_create_checkin_status_and_exit_codes(sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    _create(sqlite_url)
    db = open_database(sqlite_url)
    kim = add_person(db, 1, "김민수")
    db.dispose()
    capsys.readouterr()

    assert main(["--db", sqlite_url, "checkin", kim.card_code]) == 0
    assert "김민수" in capsys.readouterr().out
    assert main(["--db", sqlite_url, "checkin", kim.card_code]) == 1
    assert "이미 입장" in capsys.readouterr().out
    assert main(["--db", sqlite_url, "--lang", "en", "checkin", "00000000000"]) == 1
    out = capsys.readouterr().out
    assert "RED" in out

    assert main(["--db", sqlite_url, "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["checked_in"] == 1
    assert st["quorum"]["met"] is True and st["quorum"]["reached_at"]


def test_bad_date_is_a_clear_error(sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "--db",
            sqlite_url,
            "assembly",
            "create",
            "--title",
            "x",
            "--date",
            "2026-13-40",
            "--quorum-number",
            "3",
        ]
    )
    assert code == 2
    assert "날짜" in capsys.readouterr().err


def test_no_assembly_tells_what_to_do(sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "status"]) == 2
    assert "assembly create" in capsys.readouterr().err


def test_no_screen_explains_the_demo(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main([]) == 0
    assert "assembly-desk demo" in capsys.readouterr().out


def test_demo_runs_a_whole_sample_assembly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--residents", "120"]) == 0
    text = capsys.readouterr().out
    assert "checked_in=" in text
    assert (out / "cards.pdf").stat().st_size > 10_000
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert status["checked_in"] > 0
    assert status["quorum"]["met"] is True


@pytest.mark.parametrize("lang,other", [("ko", "en"), ("en", "ko")])
def test_language_switch_on_the_command_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], lang: str, other: str
) -> None:
    from assembly_desk.i18n import catalogue

    _create(sqlite_url)
    capsys.readouterr()
    assert main(["--db", sqlite_url, "--lang", lang, "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # The same two messages, in the language asked for and never in the other one.
    figures = {"checked_in": 0, "eligible": 0, "roll": 0}
    line = catalogue()["status.line"]
    quorum = catalogue()["status.quorum"]
    assert line[lang].format(**figures) in lines
    assert quorum[lang].format(required=1, missing=1) in lines
    assert line[other].format(**figures) not in lines
    assert quorum[other].format(required=1, missing=1) not in lines


def test_a_connection_lost_mid_command_exits_2_with_a_plain_message(
    monkeypatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    from assembly_desk.services import status as status_service
    from tests.conftest import create_pg_database, drop_pg_database
    from tests.services.test_offline_queue import TcpProxy

    url = create_pg_database()
    proxy = TcpProxy()
    try:
        _create(url)
        capsys.readouterr()
        through = proxy.url(url)
        real = status_service.get_assembly

        def then_cut(uow, assembly_id):  # type: ignore[no-untyped-def]
            assembly = real(uow, assembly_id)
            proxy.cut()  # the server goes while the command holds its connection
            return assembly

        monkeypatch.setattr(status_service, "get_assembly", then_cut)
        for args in (["status"], ["--lang", "en", "status"]):
            proxy.restore()
            assert main(["--db", through, *args]) == 2
            err = capsys.readouterr().err
            assert "Traceback" not in err
            assert "OperationalError" not in err and "sqlalche.me" not in err
            assert ("연결이 끊겼" in err) or ("connection to the database was lost" in err)
        monkeypatch.undo()
        # Cut before the command starts: also 2, also plain.
        proxy.cut()
        assert main(["--db", through, "checkin", "12345678901"]) == 2
        err = capsys.readouterr().err
        assert "데이터베이스에 연결할 수 없습니다" in err
        assert "Traceback" not in err and "sqlalche.me" not in err
    finally:
        proxy.close()
        drop_pg_database(url)
