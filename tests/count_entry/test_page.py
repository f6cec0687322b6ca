"""The count-entry screen: keys in, papers on screen at once, saved behind the typing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assembly_desk.gui.count_entry.page import CountEntryPage
from assembly_desk.gui.widgets.worker import DbWorker
from assembly_desk.services import count_entry
from assembly_desk.services.count_entry import BatchState, Side
from assembly_desk.services.database import Database
from assembly_desk.services.facade.count_entry import CountEntryService
from tests.ballots.helpers import choose
from tests.count_entry.helpers import ABST, NO, YES, batch, closed_with_paper, enter

pytestmark = pytest.mark.gui
WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds


class SlowBackend(CountEntryService):
    """Every save takes 150 ms, like a busy PostgreSQL across the hall."""

    saves = 0

    def save_entry(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.15)
        SlowBackend.saves += 1
        return super().save_entry(*args, **kwargs)


def _page(qtbot: QtBot, db: Database, aid: int, backend: CountEntryService | None = None):
    worker = DbWorker()
    page = CountEntryPage(worker, backend or CountEntryService(db), lambda: aid)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.pad is not None and page._loaded_key is not None, timeout=WAIT_MS)
    page.volunteer.setText("김하나")
    return page, worker


@pytest.fixture
def yes_no_page(qtbot: QtBot, db: Database) -> Iterator[tuple[CountEntryPage, int, int]]:
    contest = closed_with_paper(db, paper=150)
    b = batch(db, contest.id, expected_size=100)
    page, worker = _page(qtbot, db, contest.assembly_id)
    yield page, contest.id, b
    worker.shutdown()


def keys(widget: QWidget, text: str) -> None:
    """``⏎`` is Enter, ``⌫`` Backspace; anything else is sent as typed text."""
    special = {"⏎": (Qt.Key.Key_Return, "\r"), "⌫": (Qt.Key.Key_Backspace, "\b")}
    for ch in text:
        key, txt = special.get(ch, (0, ch))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, txt)
            )


def _saved(db: Database, batch_id: int, side: Side = Side.A) -> list:
    with db.uow() as uow:
        entry = count_entry.get_entry(uow, batch_id, side)
    return [] if entry is None else list(entry.marks)


def test_typing_three_yes_no_papers_and_taking_one_back(
    qtbot: QtBot, db: Database, yes_no_page: tuple[CountEntryPage, int, int]
) -> None:
    page, _contest_id, b = yes_no_page
    keys(page.field, "1⏎2⏎3⏎")
    assert page.pad is not None and page.pad.marks == [YES, NO, ABST]  # on screen at once
    assert [page.list.item(i).text() for i in range(3)] == ["1. 찬성", "2. 반대", "3. 기권"]
    assert "찬성 <b>1</b>" in page.counts.text() and "합계 3장" in page.counts.text()
    keys(page.field, "⌫")
    assert page.pad.marks == [YES, NO] and page.list.count() == 2
    qtbot.waitUntil(lambda: page.all_saved and _saved(db, b) == [YES, NO], timeout=WAIT_MS)
    assert page.saved.text() == "저장됨: 2장"


def test_blank_invalid_and_the_hangul_ime_keys(
    qtbot: QtBot, db: Database, yes_no_page: tuple[CountEntryPage, int, int]
) -> None:
    page, _c, b = yes_no_page
    keys(page.field, "0⏎b⏎ㅠ⏎9⏎x2⏎ㅌ5⏎⏎12⏎")  # the last: 1 corrected to 2 before Enter
    expected = [
        {"blank": True},
        {"blank": True},
        {"blank": True},
        {"invalid": "unclear"},
        {"invalid": "marked"},
        {"invalid": "other"},
        NO,
    ]
    assert page.pad is not None and page.pad.marks == expected
    assert page.list.item(4).text() == "5. 무효 (식별 표시)"
    qtbot.waitUntil(lambda: _saved(db, b) == expected, timeout=WAIT_MS)


def test_enter_on_nothing_records_nothing(
    qtbot: QtBot, yes_no_page: tuple[CountEntryPage, int, int]
) -> None:
    page, _c, _b = yes_no_page
    keys(page.field, "⏎⏎1⏎⏎")
    assert page.pad is not None and page.pad.marks == [YES]
    assert page.message.text() == "입력한 것이 없어 기록하지 않았습니다"


def test_a_hundred_papers_at_full_speed_are_all_recorded_and_saved(
    qtbot: QtBot, db: Database
) -> None:
    """Faster than 10 papers a second, against a 150 ms save: nothing lost, nothing waits."""
    contest = closed_with_paper(db, paper=120)
    b = batch(db, contest.id)
    SlowBackend.saves = 0
    page, worker = _page(qtbot, db, contest.assembly_id, SlowBackend(db))
    try:
        votes = "123" * 34
        start = time.perf_counter()
        for digit in votes[:100]:
            keys(page.field, digit + "⏎")
            assert page.list.count() > 0  # on screen before the next key
        typing = time.perf_counter() - start
        assert page.pad is not None and len(page.pad.marks) == 100
        assert page.list.count() == 100 and "합계 100장" in page.counts.text()
        assert typing < 10.0  # 100 papers in well under the 10 s that 10/s allows
        want = [{"vote": {"1": "yes", "2": "no", "3": "abstain"}[d]} for d in votes[:100]]
        qtbot.waitUntil(lambda: page.all_saved and _saved(db, b) == want, timeout=30_000)
        assert SlowBackend.saves < 100  # saves coalesced behind the typing
        assert page.saved.text() == "저장됨: 100장"
    finally:
        worker.shutdown()


def test_the_entry_is_reloaded_after_a_restart(qtbot: QtBot, db: Database) -> None:
    contest = closed_with_paper(db, paper=5)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES, NO], "김하나")
    page, worker = _page(qtbot, db, contest.assembly_id)
    try:
        qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT_MS)
        assert page.volunteer.text() == "김하나"
        page.side_b.click()
        qtbot.waitUntil(lambda: page._loaded_key == (b, Side.B), timeout=WAIT_MS)
        assert page.list.count() == 0
    finally:
        worker.shutdown()


def test_choose_n_numbers_then_enter(qtbot: QtBot, db: Database) -> None:
    contest = closed_with_paper(db, choose(2), paper=5)
    b = batch(db, contest.id)
    page, worker = _page(qtbot, db, contest.assembly_id)
    try:
        keys(page.field, "13⏎2⏎0⏎5")
        assert page.message.text() == "5번 선택지는 없습니다"
        keys(page.field, "x⏎")
        assert page.pad is not None and page.pad.marks == [
            {"choices": ["김민수", "박철수"]},
            {"choices": ["이영희"]},
            {"blank": True},
            {"invalid": "unclear"},
        ]
        assert page.list.item(0).text() == "1. 1 김민수 · 3 박철수"
        qtbot.waitUntil(lambda: len(_saved(db, b)) == 4, timeout=WAIT_MS)
    finally:
        worker.shutdown()


def test_compare_settle_and_commit_from_the_screen(qtbot: QtBot, db: Database) -> None:
    contest = closed_with_paper(db, paper=5)
    b = batch(db, contest.id)
    enter(db, b, Side.A, [YES, NO, YES], "김하나")
    enter(db, b, Side.B, [YES, YES, YES], "이두리")
    page, worker = _page(qtbot, db, contest.assembly_id)
    try:
        page.tabs.setCurrentIndex(1)
        panel = page.compare
        qtbot.waitUntil(lambda: panel.comparison is not None, timeout=WAIT_MS)
        assert panel.table.rowCount() == 1 and not panel.commit_button.isEnabled()
        assert [panel.table.item(0, c).text() for c in range(3)] == ["A 2 / B 2", "반대", "찬성"]
        take_a = panel.table.cellWidget(0, 4).findChild(QWidget, "takeA")
        take_a.click()  # no name yet: refused
        assert "이름" in panel.message.text()
        panel.resolver.setText("위원장")
        take_a.click()
        qtbot.waitUntil(lambda: panel.commit_button.isEnabled(), timeout=WAIT_MS)
        panel.commit_button.click()
        qtbot.waitUntil(lambda: "상자 1 확정:" in panel.message.text(), timeout=WAIT_MS)
        with db.uow() as uow:
            assert count_entry.get_batch(uow, b).state is BatchState.COMMITTED
        page.tabs.setCurrentIndex(2)
        qtbot.waitUntil(lambda: page.reconcile.table.rowCount() == 1, timeout=WAIT_MS)
        assert page.reconcile.table.item(0, 7).text() == "5 = 3 + 0 + 2"
    finally:
        worker.shutdown()


def test_new_batch_offers_totals_only_for_yes_no(qtbot: QtBot) -> None:
    from PySide6.QtGui import QStandardItemModel

    from assembly_desk.gui.count_entry.widgets import NewBatchDialog
    from assembly_desk.i18n import t
    from assembly_desk.services.count_entry import BatchKind

    allowed, refused = NewBatchDialog(True), NewBatchDialog(False)
    for dialog in (allowed, refused):
        qtbot.addWidget(dialog)
    enabled = []
    for dialog in (allowed, refused):
        model = dialog.kind.model()
        assert isinstance(model, QStandardItemModel)
        assert dialog.kind.itemData(1) == BatchKind.TOTALS
        enabled.append(model.item(1).isEnabled())
    assert enabled == [True, False]
    assert refused.kind_note.text() == t("count_entry.totals_yes_no_only")
    assert not refused.kind_note.isHidden() and allowed.kind_note.isHidden()
    assert refused.values()[2] is BatchKind.BALLOTS
