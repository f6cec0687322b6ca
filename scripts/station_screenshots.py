"""Screenshots of the voting station and the poll console for the docs, at 1280×800, in Korean.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/station_screenshots.py``.
Writes docs/images/station-locked.png, station-ballot.png, station-review.png,
station-thanks.png and polls.png from a small assembly in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ASSEMBLY_DESK_LANG"] = "ko"

from PySide6.QtWidgets import QApplication, QWidget
from screenshot_kit import wait as _wait

from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.main_window import POLLS, MainWindow
from assembly_desk.gui.station.state import Phase
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.i18n import set_language
from assembly_desk.services import assemblies, checkin, contests, roll, voting
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade import Services
from assembly_desk.services.facade.station import StationService

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"
CHAIR = "의장 암호 2026"
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
SIZE = (1280, 800)


def _save(app: QApplication, widget: QWidget, out: Path, name: str) -> Path:
    for _ in range(10):
        app.processEvents()
    path = out / name
    widget.grab().save(str(path))
    print(f"wrote {path}")
    return path


def _people(db: Database, aid: int, n: int) -> list[str]:
    """``n`` residents registered and checked in; their card codes."""
    codes = []
    for i in range(n):
        form = roll.WalkIn(
            name=f"주민{i}", birth_date=date(1970 + i, 1, 1), category=Category.RESIDENT,
            address="성산동", tong="1", ban="1", phone="010-0000-0000",
        )  # fmt: skip
        with db.uow() as uow:
            codes.append(roll.register_walk_in(uow, aid, form, "door", NOW).card_code)
        with db.uow() as uow:
            checkin.check_in_by_code(uow, aid, codes[-1], "door", NOW)
    return codes


def _assembly(db: Database) -> tuple[int, list[str], dict[str, int]]:
    """An assembly with voters, the chair passphrase, and contests in every state."""
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY, title="성산1동 주민총회", held_on=date(2026, 11, 28),
        venue="주민센터 3층", district="성산1동",
        rules=EligibilityRules(14, frozenset({Category.RESIDENT}), False),
        quorum=QuorumRule(QuorumKind.NUMBER, 3),
    )  # fmt: skip
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    codes = _people(db, aid, 6)
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, NOW)
    definitions = {
        "agenda": ContestDefinition("안건 1: 마을 도서관 운영 시간 연장", BallotType.YES_NO),
        "council": ContestDefinition(
            "주민자치회 위원 선출 (1인 3표)",
            BallotType.CHOOSE_N,
            tuple(Option(n) for n in ("김민수", "이영희", "박철수", "최지원", "정다은", "한상훈")),
            max_choices=3,
        ),
        "budget": ContestDefinition(
            "2027년 주민참여예산 사업 선정",
            BallotType.BUDGET,
            (Option("어린이 놀이터 정비", 30_000_000), Option("작은도서관 도서 구입", 12_000_000)),
            budget_cap=40_000_000,
        ),
    }
    ids = {}
    for key, defn in definitions.items():
        with db.uow() as uow:
            ids[key] = contests.create_contest(uow, aid, defn, NOW).id
    for key in ("agenda", "council"):
        with db.uow() as uow:
            contests.open_poll(uow, ids[key], CHAIR, NOW)
    # A few votes on the agenda item, so the console shows counts.
    for code in codes[1:4]:
        with db.uow() as uow:
            person = voting.unlock_for_card(uow, aid, code).person_id
        assert person is not None
        with db.uow() as uow:
            voting.cast(uow, ids["agenda"], person, {"vote": "yes"})
    with db.uow() as uow:
        contests.close_poll(uow, ids["agenda"], CHAIR, NOW)
    return aid, codes, ids


def save_station_screenshots(out: Path = OUT) -> list[Path]:
    """Write the five pictures into ``out``; returns their paths."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_korean_font(app)
    set_language("ko")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'station.sqlite3'}")
        try:
            aid, codes, _ids = _assembly(db)
            station = StationWindow(StationService(db, aid), thanks_s=60, ask=lambda _p: None)
            station.resize(*SIZE)
            station.show()
            written.append(_save(app, station, out, "station-locked.png"))
            station.scan(codes[0])
            _wait(app, lambda: station.phase is Phase.BALLOT)
            ballot = station.ballot
            assert ballot is not None
            ballot.press_digit(2)
            ballot.press_digit(4)
            written.append(_save(app, station, out, "station-ballot.png"))
            station.next()
            written.append(_save(app, station, out, "station-review.png"))
            station.confirm()
            _wait(app, lambda: station.phase is Phase.THANKS)
            written.append(_save(app, station, out, "station-thanks.png"))
            station.force_close()

            window = MainWindow(Services(db), "desk-1", aid, sounds=False, video_inputs=lambda: [])
            window.resize(*SIZE)
            window.show()
            _wait(app, lambda: window.is_ready)
            window.tabs.setCurrentIndex(POLLS)
            _wait(app, lambda: window.worker.pending() == 0)
            window.polls_page.select_contest(_ids["council"])
            _wait(app, lambda: window.worker.pending() == 0)
            written.append(_save(app, window, out, "polls.png"))
            window.shutdown()
            window.close()
        finally:
            db.dispose()
    return written


if __name__ == "__main__":
    save_station_screenshots()
