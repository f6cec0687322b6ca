"""The auditor window: open a bundle, see the verdict, every check, the rounds, the signers.

Bundles are real (``write_bundle`` with in-memory Ed25519 keys, no passphrase files, so
no scrypt); the sample is the one tests/bundle uses: an IRV contest (A 5, B 4, C 4; B
excluded by lot; A 9 wins in round 2) and a yes/no motion.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assembly_desk.audit.bundle import zip_bundle
from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.audit.verify import VerifyReport, verify_bundle
from assembly_desk.gui.auditor.signers import mono_font
from assembly_desk.gui.auditor.window import AuditorWindow, bundle_path
from assembly_desk.gui.widgets.rounds_table import EXHAUSTED_ROW, RoundsModel
from assembly_desk.i18n import set_language
from assembly_desk.services.bundle_review import number_text
from tests.bundle.conftest import build_bundle

pytestmark = pytest.mark.gui

WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds
Signer = tuple[Ed25519PrivateKey, PublicKeyInfo]


def _signer(name: str, role: str) -> Signer:
    key = Ed25519PrivateKey.generate()
    public = public_key_hex(key)
    return key, PublicKeyInfo(name, role, public, fingerprint(public))


@pytest.fixture(scope="module")
def signers() -> dict[str, Signer]:
    return {
        "chair": _signer("김의장", "chair"),
        "witness": _signer("이참관", "witness"),
        "late": _signer("박참관", "witness"),
    }


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory, signers: dict[str, Signer]) -> Path:
    """Signed by chair and one witness; a second witness is allowed but has not signed."""
    out = tmp_path_factory.mktemp("auditor") / "bundle"
    chair, witness, late = signers["chair"], signers["witness"], signers["late"]
    return build_bundle(out, [chair, witness], [chair[1], witness[1], late[1]])


@pytest.fixture
def bundle(tmp_path: Path, master: Path) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(master, target)
    return target


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[AuditorWindow]:
    win = AuditorWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.shutdown()


def open_and_wait(qtbot: QtBot, window: AuditorWindow, path: Path | str) -> None:
    with qtbot.waitSignal(window.verified, timeout=WAIT_MS):
        window.open_bundle(path)


def table(window: AuditorWindow, tab: int) -> dict[str, list[str]]:
    """Rounds table of one contest tab as {row header: [cell per round]}."""
    model = window.contest_panels[tab].model
    horizontal = Qt.Orientation.Vertical
    return {
        model.headerData(r, horizontal): [
            model.data(model.index(r, c)) for c in range(model.columnCount())
        ]
        for r in range(model.rowCount())
    }


def test_a_valid_bundle_is_green_with_every_check_rounds_and_signers(
    qtbot: QtBot, window: AuditorWindow, bundle: Path, signers: dict[str, Signer]
) -> None:
    open_and_wait(qtbot, window, bundle)

    assert window.banner.state == "valid"
    assert window.banner.headline.text() == "유효한 결과입니다"
    lines = window.checks.lines()
    assert len(lines) == 16 and all(line.ok for line in lines)
    assert all(row.mark.text() == "✓" for row in window.checks.rows)
    titles = [line.title for line in lines]
    assert "서명 정책" in titles
    assert "재개표: 동장 후보 선호 투표" in titles
    assert "서명: 김의장 (의장)" in titles

    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "✓ 동장 후보 선호 투표",
        "✓ 주민자치 안건 1",
    ]
    irv = window.contest_panels[0]
    assert table(window, 0) == {"A": ["5", "9"], "B": ["4", ""], "C": ["4", "4"]}
    assert irv.model.status(0, 1) == "elected"  # A in round 2
    assert irv.model.status(1, 0) == "eliminated"  # B in round 1
    assert irv.model.status(1, 1) == "out"
    assert "당선 순서: 1. A" in irv.summary.text()
    assert "1라운드 탈락 동점 (B, C)" in irv.ties.text()  # the draw is recorded
    assert "추첨 순서 C > B" in irv.ties.text()
    assert table(window, 1) == {"찬성": ["7"], "반대": ["3"], "기권": ["1"]}
    assert "가결" in window.contest_panels[1].summary.text()

    rows = {row.name: row for row in window.signers.rows()}
    assert rows["김의장"].status == "valid"
    assert rows["김의장"].fingerprint == signers["chair"][1].fingerprint
    assert rows["이참관"].status == "valid"
    assert rows["박참관"].status == "missing"
    shown = window.signers.table
    assert shown.item(0, 2).text() == signers["chair"][1].fingerprint
    assert shown.item(0, 2).font().family() == mono_font().family()


def test_one_byte_changed_in_the_cvrs_turns_red_and_says_where(
    qtbot: QtBot, window: AuditorWindow, bundle: Path
) -> None:
    path = bundle / "cvrs.jsonl"
    data = path.read_bytes()
    at = data.index(b'"ranking":["A","B"]') + len(b'"ranking":["')
    path.write_bytes(data[:at] + b"C" + data[at + 1 :])  # one A-first ballot now ranks C

    open_and_wait(qtbot, window, bundle)

    assert window.banner.state == "invalid"
    assert window.banner.headline.text() == "검증 실패"
    assert "투표 기록 파일 무결성" in window.banner.reason.text()
    failed = {line.title: line.detail for line in window.checks.lines() if not line.ok}
    assert set(failed) == {"투표 기록 파일 무결성", "재개표: 동장 후보 선호 투표"}
    assert "cvrs.jsonl" in failed["투표 기록 파일 무결성"]
    assert "1라운드가 재현되지 않습니다" in failed["재개표: 동장 후보 선호 투표"]
    marks = {row.line.title: row.mark.text() for row in window.checks.rows}
    assert marks["재개표: 동장 후보 선호 투표"] == "✗"
    assert marks["재개표: 주민자치 안건 1"] == "✓"
    # The failing contest is brought forward and labelled as merely claimed.
    assert window.tabs.currentIndex() == 0
    assert window.tabs.tabText(0).startswith("✗")
    assert "재개표와 다릅니다" in window.contest_panels[0].recount.text()


def test_a_folder_of_garbage_is_grey_unreadable(
    qtbot: QtBot, window: AuditorWindow, tmp_path: Path
) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "manifest.json").write_text("{not json", encoding="utf-8")
    (junk / "notes.txt").write_text("hello", encoding="utf-8")

    open_and_wait(qtbot, window, junk)

    assert window.banner.state == "unreadable"
    assert window.banner.headline.text() == "읽을 수 없음"
    assert window.outcome is not None and window.outcome.report.exit_code == 2
    assert [line.ok for line in window.checks.lines()] == [False]
    assert window.tabs.count() == 0
    assert window.signers.rows() == []


def test_verifying_runs_in_a_worker_while_the_ui_timer_keeps_firing(
    qtbot: QtBot, bundle: Path
) -> None:
    seen: list[str] = []

    def slow_verify(path: str) -> VerifyReport:
        seen.append(threading.current_thread().name)
        time.sleep(0.4)  # a large bundle's recount
        return verify_bundle(path)

    win = AuditorWindow(verify=slow_verify)
    qtbot.addWidget(win)
    win.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        with qtbot.waitSignal(win.verified, timeout=WAIT_MS):
            win.open_bundle(bundle)
            assert win.is_busy and win.banner.busy.isVisibleTo(win)
            assert win.banner.headline.text() == "검증 중…"
    finally:
        timer.stop()
        win.shutdown()
    assert seen and seen[0] != threading.main_thread().name
    assert len(ticks) >= 8, f"UI timer fired only {len(ticks)} times during verification"
    assert win.banner.state == "valid" and not win.banner.busy.isVisibleTo(win)


def test_a_zip_dropped_on_the_window_is_verified(
    qtbot: QtBot, window: AuditorWindow, bundle: Path, tmp_path: Path
) -> None:
    packed = zip_bundle(bundle, tmp_path / "bundle.zip")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(packed))])
    drop = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.verified, timeout=WAIT_MS):
        window.dropEvent(drop)
    assert window.banner.state == "valid"
    assert "zip" in window.checks.lines()[0].detail


def test_bundle_path_accepts_folders_zips_and_files_inside_a_folder(bundle: Path) -> None:
    assert bundle_path(bundle) == str(bundle)
    assert bundle_path(bundle / "manifest.json") == str(bundle)
    assert bundle_path(bundle.parent / "x.ZIP") == str(bundle.parent / "x.ZIP")
    assert bundle_path(bundle.parent / "notes.txt") is None


def test_switching_to_english_retranslates_everything_shown(
    qtbot: QtBot, window: AuditorWindow, bundle: Path
) -> None:
    open_and_wait(qtbot, window, bundle)
    set_language("en")
    assert window.banner.headline.text() == "Valid result"
    titles = [line.title for line in window.checks.lines()]
    assert "Signature policy" in titles and "Recount: 동장 후보 선호 투표" in titles
    assert table(window, 1) == {"yes": ["7"], "no": ["3"], "abstain": ["1"]}
    assert window.open_button.text() == "Open…"
    assert {row.status_text() for row in window.signers.rows()} == {"valid", "not signed"}


def test_copy_report_puts_the_cli_text_on_the_clipboard(
    qtbot: QtBot, window: AuditorWindow, bundle: Path
) -> None:
    open_and_wait(qtbot, window, bundle)
    window.copy_report()
    text = QApplication.clipboard().text()
    assert "✓" in text and "유효합니다" in text


def test_fractions_show_five_decimals_and_keep_the_exact_value() -> None:
    assert number_text("338709/50000") == ("6.77418", "338709/50000")
    assert number_text("1/3") == ("0.33333", "1/3")
    assert number_text("-7/2") == ("-3.50000", "-7/2")
    assert number_text(21) == ("21", None)

    result: dict[str, Any] = {
        "candidates": ["김", "이", "박"],
        "rounds": [
            {"round": 1, "tallies": {"김": 31, "이": 12, "박": 8}, "elected": ["김"],
             "eliminated": [], "transfers": [], "exhausted": 0},
            {"round": 2, "tallies": {"김": 21, "이": "938709/50000", "박": "112258/10000"},
             "elected": [], "eliminated": ["박"], "transfers": [], "exhausted": "1/3"},
        ],
    }  # fmt: skip
    model = RoundsModel(result)
    assert model.rowCount() == 4 and model.row_key(3) == EXHAUSTED_ROW
    cell = model.index(1, 1)
    assert model.data(cell) == "18.77418"
    assert "938709/50000" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.status(0, 0) == "elected" and model.status(2, 1) == "eliminated"
    assert model.data(model.index(3, 1)) == "0.33333"
    assert model.headerData(3, Qt.Orientation.Vertical) == "소진표"


def test_a_window_closed_and_shown_again_still_verifies(
    qtbot: QtBot, window: AuditorWindow, bundle: Path
) -> None:
    window.close()
    assert window.banner.state == "idle"
    window.show()
    open_and_wait(qtbot, window, bundle)
    assert window.banner.state == "valid"


def test_the_demo_bundle_is_valid_and_one_changed_vote_is_not(tmp_path: Path) -> None:
    """The window's demo (and the docs' screenshots) must show what an honest bundle looks
    like under today's checks, policy and result commitments included."""
    from assembly_desk.gui.auditor.demo import tamper_one_vote, write_demo_bundle

    bundle = write_demo_bundle(tmp_path / "demo")
    report = verify_bundle(bundle)
    assert (report.exit_code, report.failures) == (0, [])
    tamper_one_vote(bundle)
    assert verify_bundle(bundle).exit_code == 1


def test_the_demo_bundle_is_made_by_the_products_export_and_shows_three_signer_states(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The screenshots' bundle comes from the services (counted, exported, signed as an
    assembly's would be): valid as written, invalid after one changed byte."""
    from assembly_desk.gui.auditor.demo import tamper_one_vote, write_demo_bundle

    bundle = write_demo_bundle(tmp_path / "demo-bundle")
    report = verify_bundle(bundle)
    assert report.exit_code == 0
    window = AuditorWindow()
    qtbot.addWidget(window)
    window.open_bundle(bundle)
    qtbot.waitUntil(lambda: not window.is_busy, timeout=WAIT_MS)
    assert window.banner.state == "valid"
    assert window.tabs.count() == 3
    assert [row.status for row in window.signers.rows()] == ["valid", "valid", "missing"]
    tamper_one_vote(bundle)
    window.open_bundle(bundle)
    qtbot.waitUntil(lambda: not window.is_busy, timeout=WAIT_MS)
    assert window.banner.state == "invalid"
    window.shutdown()
