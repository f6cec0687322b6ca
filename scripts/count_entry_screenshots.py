"""Screenshot of the count-entry screen for the docs, from a throwaway database.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/count_entry_screenshots.py``.
Writes docs/images/count-entry.png at 1280×800, in Korean: a 찬반 contest after the close,
"상자 1" half typed by entry A, with a blank and an invalid paper and one key pending.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ASSEMBLY_DESK_LANG"] = "ko"

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from screenshot_kit import checked_in_people, wait

from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.gui.count_entry.page import CountEntryPage
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.widgets.worker import DbWorker
from assembly_desk.i18n import set_language
from assembly_desk.services import assemblies, contests, count_entry, voting
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade.count_entry import CountEntryService

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
CHAIR = "의장 암호 2026"


def press(widget: QWidget, text: str) -> None:
    for ch in text:
        key, txt = (Qt.Key.Key_Return, "\r") if ch == "⏎" else (0, ch)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt)
            )


def demo_contest(db: Database, papers: int) -> tuple[int, int]:
    """An assembly with ``papers`` paper ballots issued for one closed 찬반 contest."""
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="성산1동 주민총회",
        held_on=date(2026, 11, 28),
        venue="주민센터 3층",
        district="성산1동",
        rules=EligibilityRules(14, frozenset({Category.RESIDENT}), False),
        quorum=QuorumRule(QuorumKind.NUMBER, 3),
    )
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    ids = checked_in_people(db, aid, papers, NOW)
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, NOW)
    with db.uow() as uow:
        defn = ContestDefinition("안건 1: 마을 도서관 운영 시간 연장", BallotType.YES_NO)
        cid = contests.create_contest(uow, aid, defn, NOW).id
    with db.uow() as uow:
        contests.open_poll(uow, cid, CHAIR, NOW)
    for pid in ids:
        with db.uow() as uow:
            voting.issue_paper(uow, cid, pid)
    with db.uow() as uow:
        contests.close_poll(uow, cid, CHAIR, NOW)
    with db.uow() as uow:
        count_entry.create_batch(uow, cid, "상자 1", NOW, expected_size=120)
        count_entry.create_batch(uow, cid, "상자 2", NOW, expected_size=95)
    return aid, cid


def shoot_count_entry(app: QApplication, db: Database, aid: int, path: Path) -> Path:
    worker = DbWorker()
    page = CountEntryPage(worker, CountEntryService(db), lambda: aid)
    page.resize(1280, 800)
    page.show()
    wait(app, lambda: page.pad is not None and page._loaded_key is not None)
    page.volunteer.setText("김하나")
    rng = random.Random(7)
    keys = "".join(rng.choice("1112223") + "⏎" for _ in range(34))
    press(page.field, keys + "0⏎" + "9⏎" + "1⏎2⏎1⏎" + "1")  # the last key is pending
    page.field.setFocus()
    wait(app, lambda: page.all_saved)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(path))
    worker.shutdown()
    page.close()
    return path


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    family = apply_korean_font(app)
    set_language("ko")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'count.sqlite3'}")
        aid, _cid = demo_contest(db, 150)
        out = shoot_count_entry(app, db, aid, OUT / "count-entry.png")
        db.dispose()
    print(f"wrote {out} (font: {family})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
