"""What the screenshot scripts share: waiting for the window without blocking its worker."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QApplication


def wait(app: QApplication, done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Process events until ``done()`` (the worker's results arrive by signal), then settle."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.005)
    for _ in range(5):
        app.processEvents()
