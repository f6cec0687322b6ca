"""The auditor window's verdict banner, and which path a chosen or dropped file means.

Split from :mod:`.auditor_window` to keep that module about the window's flow; the
banner is the one place that turns a verdict into a colour.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from assembly_desk.gui import theme

__all__ = ["UNREADABLE", "VerdictBanner", "bundle_path"]

UNREADABLE = theme.UNREADABLE
_LOOKS = {
    "valid": theme.GREEN,
    "invalid": theme.RED,
    "unreadable": UNREADABLE,
    "busy": theme.IDLE,
    "idle": theme.IDLE,
}
_BUNDLE_FILES = ("manifest.json", "tally.json", "cvrs.jsonl", "audit_log.jsonl")


def bundle_path(path: str | Path) -> str | None:
    """What to verify for a chosen or dropped path: a folder, a .zip, or a file's folder.

    Picking ``manifest.json`` inside a bundle folder is the natural way to "open" a
    folder from a file dialog, so one of the four bundle files means its folder.
    """
    p = Path(path)
    if p.is_dir() or p.suffix.lower() == ".zip":
        return str(p)
    if p.name in _BUNDLE_FILES:
        return str(p.parent)
    return None


class VerdictBanner(QFrame):
    """The answer in one colour and a headline, with the reason underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        self.state = "idle"
        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.reason = QLabel()
        self.reason.setObjectName("verdictReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setObjectName("verdictBusy")
        self.busy.setRange(0, 0)  # indeterminate: the recount has no useful percentage
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(220)
        self.busy.hide()
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.reason)

    def show_state(self, state: str, headline: str, reason: str) -> None:
        self.state = state
        self.headline.setText(headline)
        self.reason.setText(reason)
        self.reason.setToolTip(reason)
        self.busy.setVisible(state == "busy")
        look = _LOOKS[state]
        self.setStyleSheet(
            f"""
            QFrame#verdict {{ background: {look.background}; border: 4px solid {look.accent};
                              border-radius: 12px; }}
            QLabel {{ color: {look.text}; background: transparent; border: none; }}
            QLabel#verdictHeadline {{ {theme.font(theme.TYPE.verdict, 800)} }}
            QLabel#verdictReason {{ {theme.font(theme.TYPE.emphasis)} }}
            """
        )
