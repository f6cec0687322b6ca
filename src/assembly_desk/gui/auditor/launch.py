"""Starting the auditor window on its own, and the docs' screenshots of it.

``run_auditor`` is what ``assembly-desk audit-window [BUNDLE]`` calls: a QApplication
with only the auditor window, so an auditor's laptop needs no database and imports
nothing of the desk (no SQLAlchemy, no services). Inside the running desk app, create an
:class:`AuditorWindow` directly instead; ``run_auditor`` starts its own event loop.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from assembly_desk.gui.auditor.window import AuditorWindow
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.i18n import LANGUAGES, language, set_language

SCREENSHOT_SIZE = (1200, 800)


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("assembly-desk")
    app.setApplicationName("assembly-desk")
    apply_korean_font(app)
    return app


def _saved_language(settings: QSettings) -> None:
    """The language last chosen in any of our windows, unless env or argv chose one."""
    if os.environ.get("ASSEMBLY_DESK_LANG") or any(a.startswith("--lang") for a in sys.argv):
        return
    saved = settings.value("language")
    if isinstance(saved, str) and saved in LANGUAGES:
        set_language(saved)


def run_auditor(path: str | None) -> int:
    """Open the auditor window (verifying ``path`` at once if given); the exit status back."""
    app = _application()
    settings = QSettings()
    _saved_language(settings)
    window = AuditorWindow(path, store=settings)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.shutdown()


def _wait(app: QApplication, done: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("verification did not finish in time")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()


def save_auditor_screenshots(out_dir: str | Path, lang: str = "ko") -> list[Path]:
    """Write auditor-valid.png and auditor-tampered.png (1200×800) of the demo bundle.

    Run offscreen (``QT_QPA_PLATFORM=offscreen``); the valid picture shows the STV
    contest (fractional tallies), the tampered one the motion whose recount fails.
    """
    from assembly_desk.gui.auditor.demo import tamper_one_vote, write_demo_bundle

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = _application()
    previous = language()
    set_language(lang)
    written: list[Path] = []
    window = AuditorWindow()
    try:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        with tempfile.TemporaryDirectory() as tmp:
            bundle = write_demo_bundle(Path(tmp) / "성산1동-개표-번들")
            for name in ("auditor-valid.png", "auditor-tampered.png"):
                if name == "auditor-tampered.png":
                    tamper_one_vote(bundle)
                window.open_bundle(bundle)
                _wait(app, lambda: not window.is_busy)
                path = out / name
                window.grab().save(str(path))
                written.append(path)
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        set_language(previous)
    return written
