"""The station's look: big type and big targets, read by voters of every age at arm's length.

Body text 30 px, headings 52 px, every button at least 88 px tall (a finger, not a mouse),
strong contrast, and a thick amber ring on whatever the keyboard has focused. Colours and
sizes are the theme's roles (``theme.PALETTE``, ``theme.TYPE``).
"""

from __future__ import annotations

from assembly_desk.gui import theme

_P, _T = theme.PALETTE, theme.TYPE
BODY_PX = _T.station_body
HEADING_PX = _T.station_heading
TITLE_PX = _T.station_title
BUTTON_PX = _T.station_button


def _filled(fill: str, frame: str) -> str:
    """A checked or primary button: strong fill, white text, a darker frame."""
    return theme.style(theme.bg(fill), theme.fg(_P.text_on_strong), f"border-color: {frame};")


STYLE = f"""
QWidget#station {{ {theme.bg(_P.surface_page)} }}
QLabel {{ {theme.text_style(_P.text, BODY_PX)} }}
QLabel#heading {{ {theme.text_style(_P.text_heading, HEADING_PX, 800)} }}
QLabel#title {{ {theme.text_style(_P.text_heading, TITLE_PX, 800)} }}
QLabel#motion {{ {theme.text_style(_P.text_heading, BODY_PX)} padding: 8px 0; }}
QLabel#hint, QLabel#progress, QLabel#status {{ {theme.text_style(_P.text_secondary, BODY_PX)} }}
QLabel#message {{ {theme.text_style(_P.error_fill, BODY_PX, 700)} }}
QLabel#candidate {{ {theme.font(_T.station_button, 800)} padding-right: 24px; }}
QLabel#scoreValue {{ {theme.font(_T.name, 800)} }}
QLabel#notice {{ {theme.font(_T.name, 800)} border-radius: 18px; padding: 24px; }}
QLabel#notice[kind="red"] {{ {theme.bg(theme.RED.background)} {theme.fg(theme.RED.text)} }}
QLabel#notice[kind="info"] {{ {theme.bg(theme.INFO.background)} {theme.fg(theme.INFO.text)} }}
QLabel#notice[kind="wait"] {{ {theme.bg(theme.IDLE.accent)} {theme.fg(theme.IDLE.text)} }}
QFrame#reviewBox {{ {theme.bg(_P.surface)} {theme.border(3, _P.frame, 18)} }}
QLabel#review {{ {theme.font(_T.name, 700)} }}
QFrame#thanksPage {{ {theme.bg(_P.ok_fill)} border-radius: 24px; }}
QLabel#thanks {{ {theme.text_style(_P.text_on_strong, _T.station_thanks, 800)} }}
QLabel#thanksHint {{ {theme.text_style(_P.text_on_strong, _T.station_button)} }}
QLineEdit#stationField {{ {theme.font(_T.name)} padding: 8px 16px;
                          {theme.border(3, _P.frame, 14)} {theme.bg(_P.surface)} }}
QPushButton {{ {theme.font(BUTTON_PX, 700)} min-height: 88px; padding: 8px 28px;
               {theme.border(3, _P.frame, 16)} {theme.bg(_P.surface)} {theme.fg(_P.text)} }}
QPushButton:checked {{ {_filled(_P.accent, _P.accent_frame)} }}
QPushButton#vote_yes, QPushButton#vote_no, QPushButton#vote_abstain {{
    {theme.font(_T.station_key)} min-height: 220px; }}
QPushButton#vote_yes:checked {{ {_filled(_P.ok_fill, _P.ok_frame)} }}
QPushButton#vote_no:checked {{ {_filled(_P.error_fill, _P.error_frame)} }}
QPushButton#vote_abstain:checked {{ {_filled(_P.fault, _P.fault_deep)} }}
QPushButton#primary {{ {_filled(_P.ok_fill, _P.ok_frame)} min-width: 260px; }}
QPushButton#primary:disabled {{ {theme.bg(_P.disabled_fill)}
                                border-color: {_P.disabled_frame}; }}
QPushButton#secondary {{ min-width: 220px; }}
QPushButton#stepper {{ {theme.font(_T.count)} padding: 0; min-width: 84px; max-width: 84px;
                       min-height: 82px; max-height: 82px; }}
QPushButton:focus {{ border: 6px solid {theme.AMBER.background}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""
