"""A Korean font for the whole application, so Hangul never renders as empty boxes.

Qt's default on a bare Linux desk (or offscreen) may have no Hangul glyphs; we pick the
first installed family from a preference list that covers Linux, Windows and macOS.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

PREFERRED = (
    "NanumGothic",
    "Nanum Gothic",
    "NanumBarunGothic",
    "Malgun Gothic",
    "맑은 고딕",
    "Apple SD Gothic Neo",
    "Noto Sans CJK KR",
    "Noto Sans KR",
)


def korean_family(available: list[str] | None = None) -> str | None:
    """The preferred Korean family that is installed, else any family named like one."""
    families = available if available is not None else QFontDatabase.families()
    present = set(families)
    for name in PREFERRED:
        if name in present:
            return name
    for name in families:
        if "nanum" in name.casefold() or "cjk kr" in name.casefold():
            return name
    return None


def apply_korean_font(app: QApplication, point_size: int = 12) -> str | None:
    """Make the Korean family the application default; returns the family used."""
    family = korean_family()
    font = QFont(family) if family else app.font()
    font.setPointSize(point_size)
    app.setFont(font)
    return family
