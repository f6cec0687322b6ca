"""Colours and type for the whole window, by role: read from two metres in a bright hall.

Screens never write a colour or a font size themselves; they ask for a role
(``PALETTE.error_text``, ``TYPE.body``) and build their stylesheets with the helpers
below. One place then decides the look, and a second palette (``DARK``, for the hall
projector) can share every role without a screen changing.

The banner's three colours carry the whole answer (green: in, amber: look again, red:
not in), so each pairs with a text colour of high contrast; amber takes dark text.
Every text role is paired in ``TEXT_PAIRS`` with the background it is read on, and the
tests hold both palettes to WCAG contrast 4.5:1 on those pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the window uses, named by what it means rather than by its shade."""

    # Text, from strongest to quietest.
    text: str  # body text a stylesheet sets explicitly (dark text on amber too)
    text_heading: str  # the station's headings
    text_secondary: str  # explanations, sub-lines, category counts
    text_detail: str  # small detail lines under a check
    text_muted: str  # hints, "updated at", key hints
    text_quiet: str  # not-yet states, file paths
    text_disabled: str  # disabled buttons, draft polls, not counted
    text_on_strong: str  # text on a strong coloured fill (green, red, blue banners)
    text_on_warn: str  # text on the amber fill (dark in every palette)
    # Surfaces, lines and frames.
    surface: str  # fields, the progress bar, cards
    surface_page: str  # the station's page behind everything
    surface_panel: str  # the desk's counts panel
    surface_idle: str  # the banner at rest, neutral verdicts, legends
    surface_out: str  # rounds table: candidates already out
    divider: str  # hairlines between rows
    border: str  # panel borders and separators
    border_strong: str  # idle frame, focus-less fields, disabled fills
    border_input: str  # the progress bar's frame
    frame: str  # the station's thick frames
    disabled_fill: str  # a disabled primary button
    disabled_frame: str
    # Good: checked in, quorum met, elected, valid.
    ok: str  # good news as text or mark on the surface: met quorum, open polls
    ok_fill: str  # the green banner (takes text_on_strong)
    ok_frame: str  # the green banner's frame and buttons
    ok_text: str  # "saved" and good verdicts on ok_bg
    ok_deep: str  # elected names on ok_bg_strong
    ok_bg: str
    ok_bg_strong: str  # elected rows
    ok_border_soft: str
    # Look again: quorum not yet, camera trouble, unchecked signatures.
    warn: str  # "look again" as text or mark on the surface: quorum not yet
    warn_fill: str  # the amber banner (takes text_on_warn)
    warn_frame: str  # the amber banner's frame and buttons
    warn_text: str  # warnings on the window surface
    warn_text_strong: str  # warnings on warn_bg
    warn_mark: str  # unchecked signer marks
    warn_bg: str
    warn_border_soft: str
    # Not in: refusals, errors, eliminated, closed.
    error: str  # "not in" as text, mark or frame on the surface
    error_fill: str  # the red banner (takes text_on_strong)
    error_frame: str  # the red banner's frame and buttons
    error_text: str  # error messages under a form
    error_strong: str  # "offline", conflicts title
    error_on_bg: str  # refusals on error_bg; the status-bar alarm
    error_deep: str  # eliminated names on error_bg_strong, closed polls
    error_bg: str
    error_bg_strong: str  # eliminated rows
    error_bg_soft: str  # signer mismatch badge
    error_border_soft: str
    # Information and focus.
    accent: str  # the blue banner, the scan field's frame, focused keys (a fill)
    accent_frame: str  # the blue banner's frame and buttons
    accent_deep: str  # text on accent_bg
    accent_bg: str
    # Something broke / cannot be read.
    fault: str
    fault_deep: str
    unreadable: str
    unreadable_deep: str


LIGHT = Palette(
    text="#1a1a1a",
    text_heading="#1a2530",
    text_secondary="#33414d",
    text_detail="#39434d",
    text_muted="#52606d",
    text_quiet="#5c6670",
    text_disabled="#5b6b78",
    text_on_strong="#ffffff",
    text_on_warn="#1a1a1a",
    surface="#ffffff",
    surface_page="#f4f6f8",
    surface_panel="#f7f9fb",
    surface_idle="#eef1f4",
    surface_out="#f1f3f5",
    divider="#e3e7eb",
    border="#d5dbe1",
    border_strong="#c9d1d9",
    border_input="#9aa5b1",
    frame="#5b6b78",
    disabled_fill="#9aa5ae",
    disabled_frame="#7d8891",
    ok="#1b7a34",
    ok_fill="#1b7a34",
    ok_frame="#0f5121",
    ok_text="#14632b",
    ok_deep="#0f5121",
    ok_bg="#e3f4e8",
    ok_bg_strong="#cfeeda",
    ok_border_soft="#7cc48f",
    warn="#9a6b00",
    warn_fill="#f6b40e",
    warn_frame="#9a6b00",
    warn_text="#7a4f00",
    warn_text_strong="#6b4a00",
    warn_mark="#8a5a00",
    warn_bg="#fff4d6",
    warn_border_soft="#e0b44a",
    error="#c4161c",
    error_fill="#c4161c",
    error_frame="#7d0b0f",
    error_text="#b00020",
    error_strong="#9b1c1c",
    error_on_bg="#8a1c1c",
    error_deep="#7d0b0f",
    error_bg="#fdecea",
    error_bg_strong="#f8d3d2",
    error_bg_soft="#fde4e4",
    error_border_soft="#e58a8a",
    accent="#1f5fae",
    accent_frame="#123d72",
    accent_deep="#123d72",
    accent_bg="#e8f0fb",
    fault="#3d3d3d",
    fault_deep="#1e1e1e",
    unreadable="#5f6b76",
    unreadable_deep="#3d464e",
)

# For the hall projector: light text on a deep blue-grey, fills kept saturated enough to
# survive a washed-out projection, every text role well above 4.5:1 on its background.
DARK = Palette(
    text="#f2f4f6",
    text_heading="#ffffff",
    text_secondary="#d5dce3",
    text_detail="#c9d1d9",
    text_muted="#b4bfca",
    text_quiet="#a9b4bf",
    text_disabled="#8d99a5",
    text_on_strong="#ffffff",
    text_on_warn="#1a1a1a",
    surface="#151b22",
    surface_page="#0d1117",
    surface_panel="#1b232c",
    surface_idle="#222c36",
    surface_out="#1f2730",
    divider="#2b3540",
    border="#3a4652",
    border_strong="#4a5764",
    border_input="#6b7884",
    frame="#8d99a5",
    disabled_fill="#3a4652",
    disabled_frame="#4a5764",
    ok="#5fd07f",
    ok_fill="#17692c",
    ok_frame="#0c4a1c",
    ok_text="#7ee29b",
    ok_deep="#9be8b0",
    ok_bg="#12301c",
    ok_bg_strong="#174024",
    ok_border_soft="#3f8f57",
    warn="#ffcc4d",
    warn_fill="#f6b40e",
    warn_frame="#9a6b00",
    warn_text="#ffd36b",
    warn_text_strong="#ffe29a",
    warn_mark="#ffcc4d",
    warn_bg="#3a2c05",
    warn_border_soft="#9a6b00",
    error="#ff7b7b",
    error_fill="#b3141a",
    error_frame="#6d0a0e",
    error_text="#ff9a9a",
    error_strong="#ff8a8a",
    error_on_bg="#ffb3b0",
    error_deep="#ffc2c0",
    error_bg="#3d1214",
    error_bg_strong="#4a1518",
    error_bg_soft="#3d1214",
    error_border_soft="#a84a4a",
    accent="#1f5fae",
    accent_frame="#123d72",
    accent_deep="#8fbcff",
    accent_bg="#142a47",
    fault="#3d3d3d",
    fault_deep="#1e1e1e",
    unreadable="#4f5a64",
    unreadable_deep="#2f363d",
)

PALETTE: Palette = LIGHT  # the window's palette today; DARK waits for the projector

# (text role, the background role it is read on): the pairs the contrast test checks.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "surface"),
    ("text_on_warn", "warn_fill"),
    ("text_heading", "surface_page"),
    ("text_secondary", "surface"),
    ("text_secondary", "surface_idle"),
    ("text_secondary", "surface_panel"),
    ("text_detail", "surface"),
    ("text_muted", "surface"),
    ("text_muted", "surface_idle"),
    ("text_muted", "surface_panel"),
    ("text_quiet", "surface"),
    ("text_quiet", "surface_out"),
    ("text_on_strong", "ok_fill"),
    ("text_on_strong", "error_fill"),
    ("text_on_strong", "accent"),
    ("text_on_strong", "fault"),
    ("text_on_strong", "unreadable"),
    ("ok", "surface"),
    ("ok_text", "surface"),
    ("ok_text", "ok_bg"),
    ("ok_deep", "ok_bg_strong"),
    ("warn", "surface"),
    ("warn_text", "surface"),
    ("warn_text_strong", "warn_bg"),
    ("warn_mark", "warn_bg"),
    ("error", "surface"),
    ("error_text", "surface"),
    ("error_strong", "surface"),
    ("error_on_bg", "error_bg"),
    ("error_on_bg", "surface"),
    ("error_deep", "error_bg_strong"),
    ("error", "error_bg_soft"),
    ("accent_deep", "accent_bg"),
)


@dataclass(frozen=True, slots=True)
class TypeScale:
    """Font sizes in pixels, by role: the desk is read standing, the station at arm's length."""

    caption: int = 14  # hints, "updated at", key hints
    small: int = 15  # table headers, category counts, form errors
    body: int = 16  # ordinary labels and messages
    emphasis: int = 17  # buttons and lines a volunteer acts on
    large: int = 18  # lists, tables, dialog questions
    counts: int = 21  # the count-entry tallies
    heading: int = 20  # a page's or a form's title
    detail: int = 22  # the banner's detail and hint lines
    subtitle: int = 24
    title: int = 26  # the status page's title
    field: int = 26  # the scan field
    display: int = 30  # the quorum line on the status page
    station_body: int = 30
    station_button: int = 34
    verdict: int = 36  # the auditor's verdict headline
    name: int = 40  # the banner's name line; station answers
    count: int = 44  # the desk's checked-in count; station steppers
    station_title: int = 48
    station_heading: int = 52
    banner: int = 60  # the banner's headline: the answer itself
    station_key: int = 64
    station_thanks: int = 72
    big_number: int = 96  # the status page's head count


TYPE = TypeScale()


@dataclass(frozen=True, slots=True)
class Look:
    """One banner state: its fill, the text on it, and its frame and buttons."""

    background: str
    text: str
    accent: str  # the frame and the buttons on the banner


def looks(palette: Palette) -> dict[str, Look]:
    """The banner states built from a palette's roles (green, amber, red, idle, info, fault)."""
    p = palette
    return {
        "green": Look(p.ok_fill, p.text_on_strong, p.ok_frame),
        "amber": Look(p.warn_fill, p.text_on_warn, p.warn_frame),
        "red": Look(p.error_fill, p.text_on_strong, p.error_frame),
        "idle": Look(p.surface_idle, p.text_secondary, p.border_strong),
        "info": Look(p.accent, p.text_on_strong, p.accent_frame),
        "fault": Look(p.fault, p.text_on_strong, p.fault_deep),
        "unreadable": Look(p.unreadable, p.text_on_strong, p.unreadable_deep),
    }


_LOOKS = looks(PALETTE)
GREEN = _LOOKS["green"]
AMBER = _LOOKS["amber"]
RED = _LOOKS["red"]
IDLE = _LOOKS["idle"]
INFO = _LOOKS["info"]
FAULT = _LOOKS["fault"]
UNREADABLE = _LOOKS["unreadable"]

LOOKS = {"green": GREEN, "amber": AMBER, "red": RED}

# Older names for the type roles, kept while every screen moves to ``TYPE``.
HEADLINE_PX = TYPE.banner
NAME_PX = TYPE.name
DETAIL_PX = TYPE.detail
FIELD_PX = TYPE.field
LIST_PX = TYPE.large
BIG_NUMBER_PX = TYPE.big_number
COUNT_PX = TYPE.count


# -- stylesheet fragments --------------------------------------------------------------
def font(size: int, weight: int | None = None) -> str:
    """``font-size`` (and weight) for a ``TYPE`` role: the one place px sizes are written."""
    out = f"font-size: {size}px;"
    return out if weight is None else f"{out} font-weight: {weight};"


def fg(colour: str) -> str:
    return f"color: {colour};"


def bg(colour: str) -> str:
    return f"background: {colour};"


def border(width: int, colour: str, radius: int | None = None) -> str:
    """A solid frame, with rounded corners when ``radius`` is given."""
    out = f"border: {width}px solid {colour};"
    return out if radius is None else f"{out} border-radius: {radius}px;"


def style(*fragments: str) -> str:
    """Join fragments into one widget stylesheet (empty fragments are dropped)."""
    return " ".join(f for f in fragments if f)


def rule(selector: str, *fragments: str) -> str:
    """One stylesheet rule: ``selector { fragments }``."""
    return f"{selector} {{ {style(*fragments)} }}"


def text_style(
    colour: str | None = None, size: int | None = None, weight: int | None = None
) -> str:
    """The common label style: a colour role, and a type role with an optional weight."""
    parts = [fg(colour) if colour else ""]
    if size is not None:
        parts.append(font(size, weight))
    elif weight is not None:
        parts.append(f"font-weight: {weight};")
    return style(*parts)


def roles(palette: Palette) -> dict[str, str]:
    """Role name -> colour, for tests and for a future palette switch."""
    return {f.name: getattr(palette, f.name) for f in fields(palette)}


# -- contrast ----------------------------------------------------------------------------
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    h = colour.lstrip("#")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1.0 to 21.0)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
