"""Webcam scanning: QtMultimedia frames, luminance only, decoded in a thread of its own.

QtMultimedia is imported only when the volunteer turns the camera on, so start-up stays
fast and a machine without camera support still opens the desk. Each new frame is
handed to the decoder only if it is idle; frames arriving while it works are dropped
(and counted), so a slow laptop shows a live preview and decodes as often as it can,
instead of queueing seconds of stale frames. A decoded code goes through the desk's
ordinary scan path; ``SightingFilter`` makes a card held up for two seconds one scan.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from assembly_desk.gui.desk.code_sightings import SightingFilter
from assembly_desk.gui.desk.qr_decoder import compact, decode_luminance

log = logging.getLogger(__name__)

Luminance = tuple[bytes, int, int]


def luminance_from_image(image: QImage) -> Luminance:
    """8-bit grayscale bytes (rows packed) of any QImage."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())[: stride * height]
    return compact(raw, width, height, stride), width, height


def luminance_from_frame(frame: Any) -> Luminance | None:
    """The Y plane of a YUV video frame as it is; other pixel formats via a gray QImage."""
    from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

    pf = QVideoFrameFormat.PixelFormat
    planar = {
        pf.Format_Y8, pf.Format_NV12, pf.Format_NV21, pf.Format_YUV420P, pf.Format_YUV422P,
        pf.Format_YV12, pf.Format_IMC1, pf.Format_IMC2, pf.Format_IMC3, pf.Format_IMC4,
    }  # fmt: skip
    packed = {pf.Format_YUYV: 0, pf.Format_UYVY: 1}
    if not frame.isValid():
        return None
    fmt = frame.pixelFormat()
    width, height = frame.width(), frame.height()
    if (fmt in planar or fmt in packed) and frame.map(QVideoFrame.MapMode.ReadOnly):
        try:
            stride = frame.bytesPerLine(0)
            raw = bytes(frame.bits(0)[: stride * height])
        finally:
            frame.unmap()
        if fmt in planar:
            return compact(raw, width, height, stride), width, height
        rows = compact(raw, width * 2, height, stride)
        return rows[packed[fmt] :: 2], width, height
    image = frame.toImage()
    if image.isNull():
        return None
    return luminance_from_image(image)


class _Decoder(QObject):
    """Lives in the decoder thread."""

    decoded = Signal(list)

    @Slot(bytes, int, int)
    def decode(self, data: bytes, width: int, height: int) -> None:
        try:
            codes = decode_luminance(data, width, height)
        except Exception:
            log.exception("decoding a frame failed")
            codes = []
        self.decoded.emit(codes)


class CameraScanner(QObject):
    """Turns the webcam on and off and emits ``codeRead`` for each card shown to it.

    ``state`` is one of ``off``, ``on``, ``none`` (no camera found) and ``failed``
    (QtMultimedia missing or the camera refused to start).
    """

    codeRead = Signal(str)
    stateChanged = Signal(str)
    _decode = Signal(bytes, int, int)

    def __init__(
        self,
        parent: QObject | None = None,
        video_inputs: Callable[[], list[Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._video_inputs = video_inputs
        self._clock = clock
        self.state = "off"
        self.busy = False
        self.frames_seen = 0
        self.frames_dropped = 0
        self.sightings = SightingFilter()
        self.preview: QWidget | None = None
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self._thread: QThread | None = None
        self._decoder: _Decoder | None = None

    # -- switching -----------------------------------------------------------------------
    def start(self) -> str:
        try:
            from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices
        except ImportError:
            log.exception("QtMultimedia unavailable")
            return self._set_state("failed")
        inputs = self._video_inputs() if self._video_inputs else QMediaDevices.videoInputs()
        if not inputs:
            return self._set_state("none")
        try:
            self._camera = QCamera(inputs[0])
            self._session = QMediaCaptureSession()
            self._session.setCamera(self._camera)
            self._sink = self._make_output()
            self._sink.videoFrameChanged.connect(self.on_frame)
            self._camera.errorOccurred.connect(self._camera_error)
            self._camera.start()
        except Exception:
            log.exception("camera failed to start")
            self.stop()
            return self._set_state("failed")
        return self._set_state("on")

    def _make_output(self) -> Any:
        """A preview widget when QtMultimediaWidgets is there (its sink gives the frames)."""
        try:
            from PySide6.QtMultimediaWidgets import QVideoWidget
        except ImportError:
            from PySide6.QtMultimedia import QVideoSink

            sink = QVideoSink(self)
            self._session.setVideoSink(sink)
            return sink
        widget = QVideoWidget()
        widget.setMinimumSize(240, 180)
        self.preview = widget
        self._session.setVideoOutput(widget)
        return widget.videoSink()

    def stop(self) -> None:
        if self._camera is not None:
            with contextlib.suppress(RuntimeError):
                self._camera.stop()
        self._camera = None
        self._session = None
        self._sink = None
        if self.preview is not None:
            self.preview.deleteLater()
            self.preview = None
        if self.state == "on":
            self._set_state("off")

    def shutdown(self) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(5000)
            self._thread = None

    def _camera_error(self, *_args: object) -> None:
        log.warning("camera error: %s", self._camera.errorString() if self._camera else "")
        self.stop()
        self._set_state("failed")

    def _set_state(self, state: str) -> str:
        self.state = state
        self.stateChanged.emit(state)
        return state

    # -- frames --------------------------------------------------------------------------
    @Slot(object)
    def on_frame(self, frame: Any) -> None:
        """A new camera frame: decode it if the decoder is idle, else drop it."""
        self.frames_seen += 1
        if self.busy:
            self.frames_dropped += 1
            return
        luminance = luminance_from_frame(frame)
        if luminance is not None:
            self._dispatch(luminance)

    def submit_image(self, image: QImage) -> bool:
        """Feed a still picture through the same path as a frame (tests, a photo of a card)."""
        self.frames_seen += 1
        if self.busy:
            self.frames_dropped += 1
            return False
        self._dispatch(luminance_from_image(image))
        return True

    def _dispatch(self, luminance: Luminance) -> None:
        if self._decoder is None:
            self._thread = QThread()
            self._thread.setObjectName("assembly-desk-qr")
            self._decoder = _Decoder()
            self._decoder.moveToThread(self._thread)
            self._decode.connect(self._decoder.decode)
            self._decoder.decoded.connect(self._decoded)
            self._thread.finished.connect(self._decoder.deleteLater)
            self._thread.start()
        self.busy = True
        self._decode.emit(*luminance)

    @Slot(list)
    def _decoded(self, codes: list[str]) -> None:
        self.busy = False
        now = self._clock()
        for code in codes:
            if self.sightings.accept(code, now):
                self.codeRead.emit(code)
