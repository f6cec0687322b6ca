"""The desk window through a database outage on PostgreSQL (offscreen, real worker and poller).

What the volunteer sees must be words ("the database cannot be reached; this desk keeps
trying — scans are kept…"), never the driver's ``OperationalError`` with its URL; the
scans made meanwhile must land once when the server is back, and a person who came in at
another desk meanwhile must appear on the chair's status page.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from assembly_desk.gui.main_window import MainWindow
from assembly_desk.i18n import t
from assembly_desk.persistence.models import CheckInRow
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.offline_queue import OFFLINE_DIR_VAR
from tests.conftest import create_pg_database, drop_pg_database, make_assembly
from tests.gui.conftest import open_window, scanner_types
from tests.services.helpers import add_person
from tests.services.test_offline_queue import TcpProxy

BACK_MS = 20_000  # the poller retries every 2 s; generous for a busy 2-core machine


@dataclass
class Hall:
    direct: Database
    desk_db: Database
    proxy: TcpProxy
    assembly_id: int
    codes: list[str]
    queue_dir: Path


@pytest.fixture
def hall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hall]:
    queue_dir = tmp_path / "offline"
    monkeypatch.setenv(OFFLINE_DIR_VAR, str(queue_dir))
    url = create_pg_database()
    proxy = TcpProxy()
    direct = open_database(url)
    desk_db: Database | None = None
    try:
        aid = make_assembly(direct)
        codes = [
            add_person(direct, aid, f"주민{i}", phone=f"010-1111-{i:04d}").card_code
            for i in range(4)
        ]
        desk_db = open_database(proxy.url(url))
        yield Hall(direct, desk_db, proxy, aid, codes, queue_dir)
    finally:
        proxy.close()
        if desk_db is not None:
            desk_db.dispose()
        direct.dispose()
        drop_pg_database(url)


def _checked_in(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(CheckInRow)).scalar_one())


def _no_raw_error(text: str) -> None:
    assert "OperationalError" not in text
    assert "sqlalche.me" not in text
    assert "psycopg" not in text


def test_the_desk_says_so_keeps_scans_and_sends_them_once(qtbot: QtBot, hall: Hall) -> None:
    window: MainWindow = open_window(qtbot, hall.desk_db, hall.assembly_id, desk="1번 데스크")
    page = window.desk_page
    try:
        scanner_types(qtbot, page, hall.codes[0])
        qtbot.waitUntil(lambda: page.banner.colour == "green", timeout=BACK_MS)

        hall.proxy.cut()
        scanner_types(qtbot, page, hall.codes[1])
        kept = t("outage.queued.headline")
        qtbot.waitUntil(lambda: page.banner.headline.text() == kept, timeout=BACK_MS)
        assert "데이터베이스에 연결할 수 없습니다" in page.banner.detail.text()
        _no_raw_error(page.banner.detail.text())

        page.search("주민")  # search meets the same state, in the same words
        qtbot.waitUntil(
            lambda: page.banner.headline.text() == t("outage.headline"), timeout=BACK_MS
        )
        assert page.banner.detail.text() == t("outage.unreachable")
        _no_raw_error(page.banner.detail.text())

        for code in hall.codes[2:]:
            scanner_types(qtbot, page, code)
        qtbot.waitUntil(
            lambda: page.offline_state.text() == t("outage.state.offline", pending=3),
            timeout=BACK_MS,
        )
        assert page.offline_state.isVisible()
        files = list(hall.queue_dir.glob("*.jsonl"))
        assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
        _no_raw_error(window.statusBar().currentMessage())

        # The person with the last card goes to the other desk, which still has the server.
        other = DeskSession(hall.direct, hall.assembly_id, "2번 데스크")
        assert other.scan(hall.codes[3]).outcome is Outcome.CHECKED_IN
        assert _checked_in(hall.direct) == 2

        hall.proxy.restore()  # no action at the desk: the poller sends by itself
        qtbot.waitUntil(lambda: _checked_in(hall.direct) == 4, timeout=BACK_MS)
        back = t("outage.state.sent_conflicts", sent=3, conflicts=1)
        qtbot.waitUntil(lambda: page.offline_state.text() == back, timeout=BACK_MS)
        conflicts = window.status_page.conflicts
        qtbot.waitUntil(lambda: conflicts.rowCount() == 1, timeout=BACK_MS)
        assert conflicts.item(0, 1).text() == "1번 데스크"
        assert conflicts.item(0, 2).text() == "주민3"
        assert "2번 데스크" in conflicts.item(0, 3).text()
        assert not list(hall.queue_dir.glob("*.jsonl"))  # all sent, file gone

        # Back to normal: the next scan goes straight to the database.
        scanner_types(qtbot, page, hall.codes[1])
        qtbot.waitUntil(lambda: page.banner.colour == "amber", timeout=BACK_MS)
        assert page.banner.result is not None
        assert page.banner.result.outcome is Outcome.ALREADY
        assert _checked_in(hall.direct) == 4
    finally:
        window.shutdown()
