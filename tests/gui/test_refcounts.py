"""Guard against PySide6 builds that drop references to None and True.

PySide6 6.12.0 on CPython 3.11 returned ``None`` from every void method and ``True`` from
``Signal.emit`` without a new reference; after a few thousand calls (minutes at a busy
desk) Python aborted with "none_dealloc". pyproject pins PySide6 below 6.12; this test
fails on any build that brings the leak back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_reference_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    if sys.version_info >= (3, 12):
        pytest.skip("None and True are immortal from Python 3.12 on")
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):
        label.setText("x")
        emitter.fired.emit()
    assert abs(sys.getrefcount(None) - before_none) < 50
    assert abs(sys.getrefcount(True) - before_true) < 50
