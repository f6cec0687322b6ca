"""Screenshots of the auditor window for the docs (valid and tampered demo bundle).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/auditor_screenshots.py``.
Writes docs/images/auditor-valid.png and auditor-tampered.png at 1200×800, in Korean.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from assembly_desk.gui.auditor.launch import save_auditor_screenshots

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"

if __name__ == "__main__":
    lang = sys.argv[1] if len(sys.argv) > 1 else "ko"
    for path in save_auditor_screenshots(OUT, lang):
        print(f"wrote {path}")
