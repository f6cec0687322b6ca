"""The auditor's window and trust anchors: the badge says whether identities were checked.

Real bundles and real Ed25519 keys; the window verifies in its worker thread, as an
auditor's laptop would. The trust dialog is replaced by its answer (``ask_trust``), the
way the results page's tests answer their dialogs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assembly_desk.audit.canonical import canonical_json
from assembly_desk.gui.auditor.trust import TrustDialog
from assembly_desk.gui.auditor.window import AuditorWindow
from assembly_desk.i18n import set_language, t

from .conftest import _signer, build_bundle

pytestmark = pytest.mark.gui
WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[AuditorWindow]:
    win = AuditorWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.shutdown()


def _verify(qtbot: QtBot, window: AuditorWindow, action: Any) -> None:
    with qtbot.waitSignal(window.verified, timeout=WAIT_MS):
        action()


def test_without_trusted_keys_the_badge_says_identities_were_not_checked(
    qtbot: QtBot, window: AuditorWindow, bundle: Path, chair: Any, witness: Any
) -> None:
    _verify(qtbot, window, lambda: window.open_bundle(bundle))
    assert window.banner.state == "valid"
    badge = window.signers.identity
    assert badge.isVisible()
    assert badge.text() == "⚠ " + t("gui.auditor.identities.unchecked")
    assert "서명자 신원 미확인" in badge.text()
    shown = [window.signers.table.item(r, 2).text() for r in range(2)]
    assert shown == [chair[1].fingerprint, witness[1].fingerprint]
    set_language("en")
    try:
        assert "Signer identities not checked — compare fingerprints" in badge.text()
    finally:
        set_language("ko")


def test_trusted_fingerprints_from_the_minutes_turn_the_badge_green(
    qtbot: QtBot, window: AuditorWindow, bundle: Path, chair: Any, witness: Any
) -> None:
    _verify(qtbot, window, lambda: window.open_bundle(bundle))
    minutes = [chair[1].fingerprint.upper(), witness[1].fingerprint.replace("-", "")]
    window.ask_trust = lambda current: minutes
    _verify(qtbot, window, window.signers.trust_button.click)
    assert window.banner.state == "valid"
    assert window.signers.identity.text().startswith(t("gui.auditor.identities.checked"))
    assert "2" in window.signers.identity.text()
    assert any(line.title == "서명자 신원" and line.ok for line in window.checks.lines())


def test_a_bundle_signed_by_other_keys_is_red_against_the_minutes(
    qtbot: QtBot, window: AuditorWindow, tmp_path: Path, chair: Any, witness: Any
) -> None:
    impostors = [_signer(chair[1].name, "chair"), _signer(witness[1].name, "witness")]
    forged = build_bundle(tmp_path / "forged", impostors, [i[1] for i in impostors])
    window.ask_trust = lambda current: [chair[1].fingerprint, witness[1].fingerprint]
    window.choose_trust()
    _verify(qtbot, window, lambda: window.open_bundle(forged))
    assert window.banner.state == "invalid"
    assert window.signers.identity.text().startswith(t("gui.auditor.identities.mismatch"))
    failing = [line for line in window.checks.lines() if not line.ok]
    assert [line.title for line in failing] == ["서명자 신원"]
    assert impostors[0][1].fingerprint in failing[0].detail


def test_a_key_file_is_a_trust_anchor_and_a_bad_line_is_refused_in_the_dialog(
    qtbot: QtBot, window: AuditorWindow, bundle: Path, tmp_path: Path, chair: Any
) -> None:
    pub = tmp_path / "chair.pub.json"
    pub.write_bytes(canonical_json(chair[1].to_dict()))
    dialog = TrustDialog([str(pub), "not-a-fingerprint"])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != TrustDialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog) and "not-a-fingerprint" in dialog.error.text()
    dialog.edit.setPlainText(str(pub))
    dialog.accept()
    assert dialog.result() == TrustDialog.DialogCode.Accepted
    window.ask_trust = lambda current: dialog.lines()
    _verify(qtbot, window, lambda: (window.choose_trust(), window.open_bundle(bundle)))
    # Only the chair is trusted, but the witness also signs: not exactly the trusted keys.
    assert window.banner.state == "invalid"
    assert window.signers.identity.text().startswith(t("gui.auditor.identities.mismatch"))
