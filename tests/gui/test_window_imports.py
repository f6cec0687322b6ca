"""The window loads what opening it needs; the camera decoder and the PDF preview come later.

zxing-cpp (the webcam's QR decoder), QtPdf and QtPrintSupport (the print preview) cost
start-up time on every laptop, and most desks never use them in a day.
"""

from __future__ import annotations

import json
import subprocess
import sys

LATER = ("zxingcpp", "PySide6.QtPdf", "PySide6.QtPrintSupport")

_PROBE = (
    "import json, sys\n"
    "import assembly_desk.gui.app, assembly_desk.gui.main_window\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def test_opening_the_window_imports_neither_the_camera_decoder_nor_the_pdf_preview() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "PySide6.QtWidgets" in loaded  # the probe did load the window's modules
    assert sorted(loaded & set(LATER)) == []
