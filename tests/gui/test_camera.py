"""The webcam path without a webcam: a synthetic frame, dropped frames, no camera at all."""

from __future__ import annotations

import io

import pytest
import segno
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from assembly_desk.gui.desk.camera import CameraScanner, luminance_from_image
from assembly_desk.gui.desk.page import DeskPage
from tests.gui.conftest import WAIT_MS, Roll, wait_banner

pytestmark = pytest.mark.gui


def qr_image(text: str) -> QImage:
    """A card's QR code as a colour picture, the way a frame would arrive."""
    buffer = io.BytesIO()
    segno.make(text, micro=False).save(buffer, kind="png", scale=6, border=6)
    image = QImage.fromData(buffer.getvalue())
    return image.convertToFormat(QImage.Format.Format_RGB32)


def test_luminance_of_an_image_is_one_byte_per_pixel() -> None:
    image = qr_image("12345678901")
    data, width, height = luminance_from_image(image)
    assert (width, height) == (image.width(), image.height())
    assert len(data) == width * height


def test_a_synthetic_frame_is_decoded_in_the_decoder_thread_and_emits_the_code(
    qtbot: QtBot,
) -> None:
    scanner = CameraScanner(video_inputs=lambda: [])
    try:
        with qtbot.waitSignal(scanner.codeRead, timeout=WAIT_MS) as signal:
            assert scanner.submit_image(qr_image("12345678901"))
        assert signal.args == ["12345678901"]
        assert not scanner.busy
    finally:
        scanner.shutdown()


def test_frames_arriving_while_the_decoder_is_busy_are_dropped(qtbot: QtBot) -> None:
    scanner = CameraScanner(video_inputs=lambda: [])
    try:
        image = qr_image("12345678901")
        assert scanner.submit_image(image)
        assert not scanner.submit_image(image)  # busy: dropped, not queued
        assert not scanner.submit_image(image)
        assert scanner.frames_dropped == 2
        qtbot.waitUntil(lambda: not scanner.busy, timeout=WAIT_MS)
    finally:
        scanner.shutdown()


def test_a_card_shown_to_the_camera_checks_in_like_a_scan(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.camera.submit_image(qr_image(seeded.lee.card_code))
    wait_banner(qtbot, desk, "green")
    assert desk.banner.name.text() == "이영희"
    qtbot.waitUntil(lambda: not desk.camera.busy, timeout=WAIT_MS)
    desk.camera.submit_image(qr_image(seeded.lee.card_code))  # still held up: no second scan
    qtbot.waitUntil(lambda: not desk.camera.busy, timeout=WAIT_MS)
    assert not desk.banner.repeat_badge.isVisibleTo(desk.banner)


def test_without_a_camera_the_desk_says_so_and_keeps_working(
    qtbot: QtBot, desk: DeskPage, seeded: Roll
) -> None:
    desk.camera_button.click()
    assert desk.camera.state == "none"
    assert desk.camera_state.text() == "카메라 없음 — 스캐너나 키보드로 입력하세요"
    assert not desk.camera_button.isEnabled()
    desk.scan_code(seeded.lee.card_code)
    wait_banner(qtbot, desk, "green")
