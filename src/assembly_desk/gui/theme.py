"""Colours and sizes for the door: chosen to be read from two metres in a bright hall.

The banner's three colours carry the whole answer (green: in, amber: look again, red:
not in), so each pairs with a text colour of high contrast; amber takes dark text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Look:
    background: str
    text: str
    accent: str  # the frame and the buttons on the banner


GREEN = Look("#1b7a34", "#ffffff", "#0f5121")
AMBER = Look("#f6b40e", "#1a1a1a", "#9a6b00")
RED = Look("#c4161c", "#ffffff", "#7d0b0f")
IDLE = Look("#eef1f4", "#33414d", "#c9d1d9")
INFO = Look("#1f5fae", "#ffffff", "#123d72")
FAULT = Look("#3d3d3d", "#ffffff", "#1e1e1e")

LOOKS = {"green": GREEN, "amber": AMBER, "red": RED}

HEADLINE_PX = 60
NAME_PX = 40
DETAIL_PX = 22
FIELD_PX = 26
LIST_PX = 18
BIG_NUMBER_PX = 96
COUNT_PX = 44
