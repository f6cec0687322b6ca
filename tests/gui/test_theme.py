"""The theme owns every colour and font size, and both palettes read at a distance.

The guard scans the window's sources: a screen that writes ``#c4161c`` or ``font-size:
16px`` itself would drift from the theme the first time a colour changes, and would not
follow the projector palette.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assembly_desk.gui import theme

GUI = Path(theme.__file__).parent
_OFFENDER = re.compile(
    r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"  # a hex colour
    r"|font-size"  # a type size written outside theme.font()
    r"|(?:color|background)\s*:\s*(?:white|black)\b"  # a named colour in a stylesheet
    r"|set(?:Pixel|Point)Size\(\s*\d"  # a literal size on a QFont
)


def _offenders(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [f"{n}: {line.strip()}" for n, line in enumerate(lines, 1) if _OFFENDER.search(line)]


_FILES = sorted(
    str(p.relative_to(GUI)) for p in GUI.rglob("*.py") if p.name != "theme.py" or p.parent != GUI
)


@pytest.mark.parametrize("name", _FILES)
def test_no_colour_or_font_size_outside_the_theme(name: str) -> None:
    offenders = _offenders(GUI / name)
    assert not offenders, f"{name}: write these through gui.theme roles:\n" + "\n".join(offenders)


def test_the_guard_catches_a_hex_colour_and_a_px_size() -> None:
    assert _OFFENDER.search('label.setStyleSheet("color: #9b1c1c;")')
    assert _OFFENDER.search('"font-size: 16px;"')
    assert _OFFENDER.search('"background: white;"')
    assert not _OFFENDER.search('"QLineEdit#scanField { padding: 6px; }"')


@pytest.mark.parametrize("palette", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
@pytest.mark.parametrize("text,background", theme.TEXT_PAIRS)
def test_text_roles_read_on_their_background(
    palette: theme.Palette, text: str, background: str
) -> None:
    roles = theme.roles(palette)
    assert theme.contrast(roles[text], roles[background]) >= 4.5


@pytest.mark.parametrize("palette", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_banner_answer_reads_on_its_colour(palette: theme.Palette) -> None:
    for look in theme.looks(palette).values():
        if look.background != palette.surface_idle:
            assert theme.contrast(look.text, look.background) >= 4.5


def test_the_dark_palette_is_dark_and_fills_every_role() -> None:
    light, dark = theme.roles(theme.LIGHT), theme.roles(theme.DARK)
    assert light.keys() == dark.keys()
    assert all(re.fullmatch(r"#[0-9a-f]{6}", v) for v in [*light.values(), *dark.values()])
    assert theme.luminance(dark["surface"]) < 0.05 < theme.luminance(dark["text"])


def test_contrast_is_the_wcag_ratio() -> None:
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_the_window_keeps_todays_banner_colours() -> None:
    assert (theme.GREEN.background, theme.GREEN.text, theme.GREEN.accent) == (
        "#1b7a34",
        "#ffffff",
        "#0f5121",
    )
    assert theme.AMBER.text == "#1a1a1a" and theme.RED.background == "#c4161c"


def test_stylesheet_helpers() -> None:
    assert theme.font(theme.TYPE.body, 600) == "font-size: 16px; font-weight: 600;"
    assert theme.rule("QLabel", theme.fg("#123456"), "") == "QLabel { color: #123456; }"
    assert theme.text_style(weight=700) == "font-weight: 700;"
    assert theme.border(3, "#c4161c", 10) == "border: 3px solid #c4161c; border-radius: 10px;"
