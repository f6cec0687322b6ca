"""Screenshots of the desk for the docs, from a demo assembly in a temporary folder.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py``.
Writes docs/images/desk-idle.png, desk-green.png, desk-amber.png, desk-red.png,
desk-search.png, roll-preview.png, setup.png and status.png at 1280×800, in Korean.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ASSEMBLY_DESK_LANG"] = "ko"

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from screenshot_kit import wait
from sqlalchemy import select

from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.main_window import DESK, ROLL, SETUP, STATUS, MainWindow
from assembly_desk.i18n import set_language
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.services.database import open_database
from assembly_desk.services.demo import run_demo
from assembly_desk.services.facade import Services

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def type_slowly(app: QApplication, widget: QWidget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
        settle(app, 0.06)


def save(window: MainWindow, name: str) -> None:
    path = OUT / name
    window.grab().save(str(path))
    print(f"wrote {path}")


def pick_codes(db, assembly_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        rows = uow.session.execute(
            select(PersonRow.card_code, PersonRow.name, PersonRow.eligible, CheckInRow.desk)
            .outerjoin(CheckInRow, CheckInRow.person_id == PersonRow.id)
            .where(PersonRow.assembly_id == assembly_id)
            .order_by(PersonRow.id)
        ).all()
    # Leave one 김민수 out, so the search picture shows one in and one not yet.
    fresh = next(r.card_code for r in rows if r.eligible and r.desk is None and r.name != "김민수")
    other = next(r.card_code for r in rows if r.desk == "desk-2")
    ineligible = next((r.card_code for r in rows if not r.eligible), None)
    return {"green": fresh, "amber": other, "red": ineligible or fresh[:-1] + "0"}


def main() -> int:
    set_language("ko")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    family = apply_korean_font(app)
    print(f"font: {family}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = open_database(f"sqlite:///{folder / 'demo.sqlite3'}")
        report = run_demo(db, folder / "demo", residents=300)
        codes = pick_codes(db, report.assembly_id)
        window = MainWindow(Services(db), "1번 데스크", report.assembly_id, sounds=False)
        window.resize(1280, 800)
        window.show()
        wait(app, lambda: window.is_ready and window.desk_page.counts.status is not None)
        desk = window.desk_page
        settle(app)
        save(window, "desk-idle.png")

        for colour in ("green", "amber", "red"):
            desk.scan_code(codes[colour])
            wait(app, lambda c=colour: desk.banner.colour == c)
            settle(app, 1.2)  # let the counts refresh and any flash end
            save(window, f"desk-{colour}.png")

        desk.banner.show_idle()
        type_slowly(app, desk.field, "김민수")
        wait(app, lambda: len(desk.results.hits) >= 2)
        desk.results.move_selection(1)
        settle(app)
        save(window, "desk-search.png")

        sample = generate_sample_csv(folder / "새 명부.csv", 40, seed=7)
        window.tabs.setCurrentIndex(ROLL)
        window.roll_page.load_file(sample)
        wait(app, lambda: not window.roll_page.busy)
        window.roll_page.walk_in.name.setText("홍길순")
        window.roll_page.walk_in.birth.setText("2013-09-01")
        settle(app, 0.6)
        save(window, "roll-preview.png")

        window.tabs.setCurrentIndex(SETUP)
        wait(app, lambda: window.setup_page.selected() is not None)
        settle(app)
        save(window, "setup.png")

        window.tabs.setCurrentIndex(STATUS)
        window.poller.refresh()
        settle(app, 0.6)
        save(window, "status.png")
        window.tabs.setCurrentIndex(DESK)
        window.shutdown()
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
