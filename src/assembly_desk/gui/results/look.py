"""The results screen's styles, built from the theme's roles: its type and colours in one place.

Hashes and fingerprints are set in a monospace face so the groups of four line up when
read out; a seed's preview commitment is grey until it is committed.
"""

from __future__ import annotations

from assembly_desk.gui import theme

P, TYPE = theme.PALETTE, theme.TYPE
MONO = "font-family: 'DejaVu Sans Mono', 'Consolas', monospace;"
STATUS_COLOURS = {"not_counted": P.text_disabled, "counted": P.accent, "ready": P.ok}


def page_style() -> str:
    strong = (theme.fg(P.text_on_strong), "font-weight: 700;")
    return theme.style(
        theme.rule("QWidget", theme.font(TYPE.body)),
        theme.rule("QTableWidget", theme.font(TYPE.body)),
        theme.rule("QPushButton", "padding: 8px 16px; min-height: 32px;"),
        theme.rule(
            "QPushButton#countContest, QPushButton#exportBundle", theme.bg(P.accent), *strong
        ),
        theme.rule("QPushButton#markReady", theme.bg(P.ok_fill), *strong),
        theme.rule("QPushButton:disabled", theme.bg(P.border_strong), theme.fg(P.text_disabled)),
    )


def heading_style() -> str:
    return theme.font(TYPE.subtitle, 700)


def title_style() -> str:
    return theme.font(TYPE.heading, 700)


def summary_style() -> str:
    return theme.font(TYPE.emphasis)


def hint_style() -> str:
    return theme.text_style(P.text_secondary, TYPE.caption)


def fingerprint_style() -> str:
    return theme.style(theme.font(TYPE.heading, 700), MONO)


def commitment_style(*, preview: bool) -> str:
    colour = theme.fg(P.text_disabled) if preview else ""
    return theme.style(theme.font(TYPE.detail, 700), colour, MONO)


def problem_style() -> str:
    """A dialog's refusal line (passphrases that differ, a name missing)."""
    return theme.fg(P.error_deep)
