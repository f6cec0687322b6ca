"""The station's look: big type and big targets, read by voters of every age at arm's length.

Body text 30 px, headings 52 px, every button at least 88 px tall (a finger, not a mouse),
strong contrast, and a thick amber ring on whatever the keyboard has focused.
"""

from __future__ import annotations

from assembly_desk.gui import theme

BODY_PX = 30
HEADING_PX = 52
TITLE_PX = 48
BUTTON_PX = 34

STYLE = f"""
QWidget#station {{ background: #f4f6f8; }}
QLabel {{ font-size: {BODY_PX}px; color: #1a1a1a; }}
QLabel#heading {{ font-size: {HEADING_PX}px; font-weight: 800; color: #1a2530; }}
QLabel#title {{ font-size: {TITLE_PX}px; font-weight: 800; color: #1a2530; }}
QLabel#hint, QLabel#progress, QLabel#status {{ font-size: {BODY_PX}px; color: #33414d; }}
QLabel#message {{ font-size: {BODY_PX}px; font-weight: 700; color: {theme.RED.background}; }}
QLabel#candidate {{ font-size: 34px; font-weight: 800; padding-right: 24px; }}
QLabel#scoreValue {{ font-size: 40px; font-weight: 800; }}
QLabel#notice {{ font-size: 40px; font-weight: 800; border-radius: 18px; padding: 24px; }}
QLabel#notice[kind="red"] {{ background: {theme.RED.background}; color: {theme.RED.text}; }}
QLabel#notice[kind="info"] {{ background: {theme.INFO.background}; color: {theme.INFO.text}; }}
QLabel#notice[kind="wait"] {{ background: {theme.IDLE.accent}; color: {theme.IDLE.text}; }}
QFrame#reviewBox {{ background: white; border: 3px solid #5b6b78; border-radius: 18px; }}
QLabel#review {{ font-size: 40px; font-weight: 700; }}
QFrame#thanksPage {{ background: {theme.GREEN.background}; border-radius: 24px; }}
QLabel#thanks {{ font-size: 72px; font-weight: 800; color: white; }}
QLabel#thanksHint {{ font-size: 34px; color: white; }}
QLineEdit#stationField {{ font-size: 40px; padding: 8px 16px; border: 3px solid #5b6b78;
                          border-radius: 14px; background: white; }}
QPushButton {{ font-size: {BUTTON_PX}px; font-weight: 700; min-height: 88px; padding: 8px 28px;
               border-radius: 16px; border: 3px solid #5b6b78; background: white;
               color: #1a1a1a; }}
QPushButton:checked {{ background: {theme.INFO.background}; color: white;
                       border-color: {theme.INFO.accent}; }}
QPushButton#vote_yes, QPushButton#vote_no, QPushButton#vote_abstain {{
    font-size: 64px; min-height: 220px; }}
QPushButton#vote_yes:checked {{ background: {theme.GREEN.background}; color: white;
                                border-color: {theme.GREEN.accent}; }}
QPushButton#vote_no:checked {{ background: {theme.RED.background}; color: white;
                               border-color: {theme.RED.accent}; }}
QPushButton#vote_abstain:checked {{ background: {theme.FAULT.background}; color: white;
                                    border-color: {theme.FAULT.accent}; }}
QPushButton#primary {{ background: {theme.GREEN.background}; color: white;
                       border-color: {theme.GREEN.accent}; min-width: 260px; }}
QPushButton#primary:disabled {{ background: #9aa5ae; border-color: #7d8891; }}
QPushButton#secondary {{ min-width: 220px; }}
QPushButton#stepper {{ font-size: 44px; padding: 0; min-width: 84px; max-width: 84px;
                       min-height: 82px; max-height: 82px; }}
QPushButton:focus {{ border: 6px solid {theme.AMBER.background}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""
