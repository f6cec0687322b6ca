"""The 결과 tab: seed commitment, count with rounds, signers, signed export, ready.

Driven through the real main window on an assembly whose ranked contest was voted and
closed through the services (IRV: A 4, B 2, C 3 → B out → A 6, C 3). The file and
passphrase dialogs are replaced by prepared answers, and key files are written with a
low scrypt cost so the suite stays fast; the format and the checks are the real ones.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assembly_desk.audit import keys
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.gui.main_window import POLLS, RESULTS, MainWindow
from assembly_desk.gui.results.dialogs import NewKeyDialog
from assembly_desk.gui.results.page import ResultsPage, grouped_hash
from assembly_desk.i18n import set_language, t
from assembly_desk.services import contests, tally
from assembly_desk.services.database import Database
from assembly_desk.services.facade.results import ExportRequest, NewKey
from tests.ballots.helpers import close_poll, open_poll, ranked, yes_no
from tests.conftest import FIXED_NOW
from tests.gui.conftest import WAIT_MS, open_window
from tests.tally.helpers import election

pytestmark = pytest.mark.gui

SEED = "주사위 3-5-2-6"
CHAIR_PASS = "의장 키 암호 2026"
STATION = [{"ranking": ["A"]}] * 4 + [{"ranking": ["B", "A"]}] * 2 + [{"ranking": ["C", "B"]}] * 3


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files with scrypt 2**10 instead of 2**17: same format, a fraction of the time."""
    fast = functools.partial(keys.encrypt_private_key, scrypt_log2_n=10)
    monkeypatch.setattr(keys, "encrypt_private_key", fast)


@pytest.fixture
def assembly(db: Database) -> tuple[int, int, int]:
    """(assembly, closed ranked contest, open yes/no contest)."""
    aid, closed = election(db, ranked(), STATION)
    with db.uow() as uow:
        other = contests.create_contest(uow, aid, yes_no(), FIXED_NOW)
    open_poll(db, other.id)
    return aid, closed, other.id


@pytest.fixture
def window(qtbot: QtBot, db: Database, assembly: tuple[int, int, int]) -> Iterator[MainWindow]:
    win = open_window(qtbot, db, assembly[0])
    win.tabs.setCurrentIndex(RESULTS)
    settle(qtbot, win)
    yield win
    win.shutdown()


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.worker.pending() == 0, timeout=WAIT_MS)


def choose(qtbot: QtBot, window: MainWindow, contest_id: int) -> ResultsPage:
    page = window.results_page
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == contest_id:
            page.table.selectRow(row)
    assert page.selected == contest_id
    return page


def status_of(page: ResultsPage, contest_id: int) -> str:
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == contest_id:
            return page.table.item(row, 2).text()
    raise AssertionError(contest_id)


def cell(page: ResultsPage, row: int, column: int) -> str:
    return str(page.rounds.data(page.rounds.index(row, column)))


def fresh_key(tmp_path: Path, name: str, role: str, passphrase: str) -> tuple[Path, Path]:
    """A key file and its ``.pub.json``, as ``assembly-desk keys create`` writes them."""
    pem, info = keys.generate_key(name, role, passphrase)
    key_path = tmp_path / f"{name}.key.pem"
    keys.save_private_key(key_path, pem)
    pub = tmp_path / f"{name}.pub.json"
    pub.write_bytes(canonical_json(info.to_dict()))
    return key_path, pub


def test_the_tab_lists_contests_and_open_ones_cannot_be_counted(
    qtbot: QtBot, window: MainWindow, assembly: tuple[int, int, int]
) -> None:
    _aid, closed, opened = assembly
    assert window.tabs.tabText(RESULTS) == "결과"
    assert window.tabs.isTabEnabled(RESULTS)
    page = window.results_page
    assert page.table.rowCount() == 2
    assert status_of(page, closed) == t("gui.results.status.not_counted")
    page = choose(qtbot, window, opened)
    assert page.table.item(page.table.currentRow(), 1).text() == t("gui.polls.state.open")
    assert not page.count_button.isEnabled()
    page.count()  # even if reached another way, it is refused in words
    assert page.message.text() == t("gui.results.count_needs_close")
    assert page.message.tone == "error"
    assert not page.ready_button.isEnabled()


def state_of(page: ResultsPage, contest_id: int) -> str:
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == contest_id:
            return page.table.item(row, 1).text()
    raise AssertionError(contest_id)


def test_a_poll_closed_elsewhere_is_closed_when_the_tab_is_shown_again(
    qtbot: QtBot, window: MainWindow, db: Database, assembly: tuple[int, int, int]
) -> None:
    """Closing a poll (polls tab, another desk) and coming back: 마감, without 새로 고침."""
    _aid, _closed, opened = assembly
    page = window.results_page
    assert state_of(page, opened) == t("gui.polls.state.open")
    window.tabs.setCurrentIndex(POLLS)
    close_poll(db, opened)
    window.tabs.setCurrentIndex(RESULTS)
    qtbot.waitUntil(lambda: state_of(page, opened) == t("gui.polls.state.closed"), timeout=WAIT_MS)
    choose(qtbot, window, opened)
    assert page.count_button.isEnabled()


def test_seed_count_sign_export_and_ready(
    qtbot: QtBot, window: MainWindow, db: Database, assembly: tuple[int, int, int], tmp_path: Path
) -> None:
    _aid, closed, _opened = assembly
    page = choose(qtbot, window, closed)
    assert page.count_button.isEnabled()
    assert not page.export_button.isEnabled()  # nothing counted yet

    # 1. the seed: its hash is shown while typing, then committed and logged
    page.seed_edit.setText(SEED)
    expected = tally.commitment_for(SEED)
    assert page.commitment.text() == grouped_hash(expected)
    assert page.commitment.text().replace(" ", "").replace("\n", "") == expected
    page.commit_button.click()
    settle(qtbot, window)
    with db.uow() as uow:
        assert tally.get_tally(uow, closed).seed_commitment == expected
    assert page.commitment_state.text() == t("gui.results.seed.committed")
    assert not page.commit_button.isEnabled()

    # 2. signers before the count (the count fixes the signature policy): counting now is
    #    refused in words; the chair's key is made here, a witness's public file registered
    page.seed_edit.setText(SEED)
    page.count_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("tally.signers_first", chair=0, witnesses=0, need=1)
    chair_key = tmp_path / "chair.key.pem"
    page.ask_key = lambda _p: NewKey("김의장", "chair", CHAIR_PASS, str(chair_key))
    page.create_key_button.click()
    settle(qtbot, window)
    assert chair_key.exists() and (tmp_path / "chair.key.pub.json").exists()
    chair_fp = json.loads((tmp_path / "chair.key.pub.json").read_text("utf-8"))["fingerprint"]
    assert chair_fp in page.announce.text()
    _w_key, w_pub = fresh_key(tmp_path, "이참관", "witness", "참관인 암호 2026")
    page.pick_file = lambda _p: str(w_pub)
    page.add_file_button.click()
    settle(qtbot, window)
    assert page.signers.rowCount() == 2
    assert [page.signers.item(r, 0).text() for r in range(2)] == ["김의장", "이참관"]
    assert page.signers.item(0, 2).text() == chair_fp
    assert page.signers.item(1, 1).text() == "참관인"

    # 3. count with the seed: method, elected, rounds as counted
    page.seed_edit.setText(SEED)
    page.count_button.click()
    settle(qtbot, window)
    assert page.message.text().startswith("개표했습니다"), page.message.text()
    assert status_of(page, closed) == t("gui.results.status.counted")
    assert "1. A" in page.summary.text()
    assert (page.rounds.rowCount(), page.rounds.columnCount()) == (3, 2)
    rows = [page.rounds.row_key(r) for r in range(3)]
    assert rows == ["A", "B", "C"]
    assert [cell(page, r, 0) for r in range(3)] == ["4", "2", "3"]
    assert [cell(page, r, 1) for r in (0, 2)] == ["6", "3"]
    assert page.rounds.status(1, 0) == "eliminated"
    assert page.rounds.status(0, 1) == "elected"
    with db.uow() as uow:
        assert tally.get_tally(uow, closed).seed == SEED

    # 4. export: wrong passphrase, an unregistered key, then the chair's signature
    out = tmp_path / "usb"
    assert page.export_button.isEnabled()
    page.ask_sign = lambda _p: ExportRequest(str(chair_key), "틀린 암호입니다", str(out))
    page.export_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("gui.results.wrong_passphrase")
    assert page.last_bundle is None
    stranger, _ = fresh_key(tmp_path, "모르는사람", "chair", "다른 사람 암호")
    page.ask_sign = lambda _p: ExportRequest(str(stranger), "다른 사람 암호", str(out))
    page.export_button.click()
    settle(qtbot, window)
    assert "등록되지 않은 서명 키" in page.message.text()
    assert page.last_bundle is None
    page.ask_sign = lambda _p: ExportRequest(str(chair_key), CHAIR_PASS, str(out))
    page.export_button.click()
    settle(qtbot, window)
    bundle = page.last_bundle
    assert bundle is not None and bundle.parent == out
    assert str(bundle) in page.message.text()
    report = verify_bundle(bundle)
    assert [c.name for c in report.failures] == ["policy"]  # the witness has not signed yet
    assert any(c.name == "recount" and c.ok for c in report.checks)
    assert any(c.name == "seeds" and c.ok for c in report.checks)

    # 5. released to the projector
    page.ready_button.click()
    settle(qtbot, window)
    assert status_of(page, closed) == t("gui.results.status.ready")
    assert not page.ready_button.isEnabled()
    with db.uow() as uow:
        assert tally.get_tally(uow, closed).ready


def test_a_wrong_seed_is_refused_in_words(
    qtbot: QtBot, window: MainWindow, db: Database, assembly: tuple[int, int, int]
) -> None:
    _aid, closed, _ = assembly
    page = choose(qtbot, window, closed)
    page.seed_edit.setText(SEED)
    page.commit_button.click()
    settle(qtbot, window)
    page.seed_edit.setText("주사위 1-1-1-1")
    page.count_button.click()
    settle(qtbot, window)
    assert page.message.text().startswith("시드가 공표된 해시와 맞지 않습니다")
    with db.uow() as uow:
        assert tally.get_tally(uow, closed).result_hash is None


def test_the_new_key_dialog_checks_what_was_typed(qtbot: QtBot) -> None:
    dialog = NewKeyDialog()
    qtbot.addWidget(dialog)
    assert dialog.check() == t("gui.results.newkey.need_name")
    dialog.name.setText("김의장")
    dialog.first.setText("짧음")
    assert dialog.check() == t("gui.results.newkey.short", n=keys.MIN_PASSPHRASE_LENGTH)
    dialog.first.setText(CHAIR_PASS)
    dialog.second.setText(CHAIR_PASS + "x")
    assert dialog.check() == t("gui.results.newkey.differ")
    dialog.second.setText(CHAIR_PASS)
    assert dialog.check() is None
    assert dialog.first.echoMode() == dialog.first.EchoMode.Password
    assert dialog.answer().passphrase == CHAIR_PASS


def test_english(qtbot: QtBot, window: MainWindow) -> None:
    try:
        set_language("en")
        window.retranslate()
        assert window.tabs.tabText(RESULTS) == "Results"
        assert window.results_page.count_button.text() == "Count"
    finally:
        set_language("ko")
        window.retranslate()


def test_count_entry_is_a_tab_of_the_main_window(window: MainWindow) -> None:
    from assembly_desk.gui.main_window import COUNT_ENTRY

    assert window.tabs.tabText(COUNT_ENTRY) == "투표지 입력"
    assert window.tabs.widget(COUNT_ENTRY) is window.count_entry_page
