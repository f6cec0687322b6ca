"""The results screen's styles, from the theme: one place for its type and colours.

Hashes and fingerprints are set in a monospace face so the groups of four line up when
read out; a seed's preview commitment is grey until it is committed.
"""

from __future__ import annotations

from assembly_desk.gui import theme

MONO = "font-family: 'DejaVu Sans Mono', 'Consolas', monospace;"
STATUS_COLOURS = {
    "not_counted": "#5b6b78",
    "counted": theme.INFO.background,
    "ready": theme.GREEN.background,
}


def page_style() -> str:
    return (
        "QWidget { font-size: 16px; } QTableWidget { font-size: 16px; }"
        " QPushButton { padding: 8px 16px; min-height: 32px; }"
        " QPushButton#countContest, QPushButton#exportBundle"
        f" {{ background: {theme.INFO.background}; color: white; font-weight: 700; }}"
        f" QPushButton#markReady {{ background: {theme.GREEN.background}; color: white;"
        " font-weight: 700; }"
        f" QPushButton:disabled {{ background: {theme.IDLE.accent}; color: #5b6b78; }}"
    )


def heading_style() -> str:
    return "font-size: 24px; font-weight: 700;"


def title_style() -> str:
    return "font-size: 20px; font-weight: 700;"


def summary_style() -> str:
    return "font-size: 17px;"


def hint_style() -> str:
    return f"color: {theme.IDLE.text}; font-size: 14px;"


def fingerprint_style() -> str:
    return f"font-size: 20px; font-weight: 700; {MONO}"


def commitment_style(*, preview: bool) -> str:
    colour = " color: #5b6b78;" if preview else ""
    return f"font-size: 22px; font-weight: 700;{colour} {MONO}"
