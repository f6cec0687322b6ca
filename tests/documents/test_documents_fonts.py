"""Font discovery: a Korean TrueType font is found and embedded, or the CID fallback warns."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import reportlab

from assembly_desk.documents import fonts
from assembly_desk.documents.fonts import korean_fonts

VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # TrueType without Hangul


def _system_ttf() -> Path | None:
    for candidate in fonts.system_candidates():
        if candidate.regular.path.is_file() and candidate.regular.path.suffix == ".ttf":
            return candidate.regular.path
    return None


SYSTEM_TTF = _system_ttf()  # looked up before any test hides the system fonts


def test_a_truetype_font_is_registered_when_the_system_has_one(fresh_fonts: None) -> None:
    if SYSTEM_TTF is None:
        pytest.skip("no Korean TrueType font on this machine (install fonts-nanum)")
    choice = korean_fonts()
    assert choice.embedded
    assert (choice.regular_name, choice.bold_name) == (fonts.REGULAR, fonts.BOLD)
    assert choice.path is not None and choice.path.is_file()
    assert choice.warning is None


def test_the_search_is_cached(fresh_fonts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    first = korean_fonts()
    monkeypatch.setattr(fonts, "system_candidates", lambda: pytest.fail("searched again"))
    assert korean_fonts() == first


def test_the_environment_override_wins(fresh_fonts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    system = SYSTEM_TTF
    if system is None:
        pytest.skip("no Korean TrueType font on this machine")
    monkeypatch.setenv(fonts.ENV_VAR, os.fspath(system))
    choice = korean_fonts()
    assert choice.path == system and choice.embedded and choice.warning is None


def test_an_unusable_override_is_reported_and_the_search_goes_on(
    fresh_fonts: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.ttf"
    monkeypatch.setenv(fonts.ENV_VAR, os.fspath(missing))
    choice = korean_fonts("en")
    assert choice.warning is not None
    assert "ASSEMBLY_DESK_FONT" in choice.warning and "nope.ttf" in choice.warning


def test_the_cid_fallback_warns_in_both_languages(no_truetype: None) -> None:
    choice = korean_fonts("ko")
    assert not choice.embedded and choice.path is None
    assert choice.regular_name == fonts.CID_REGULAR and choice.bold_name == fonts.CID_BOLD
    assert choice.warning is not None and "글꼴" in choice.warning
    english = korean_fonts("en").warning
    assert english is not None and "embeds none" in english


def test_fonts_without_hangul_or_with_cff_outlines_are_skipped(
    no_truetype: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cff = tmp_path / "NotoSansCJK-Regular.otf"
    cff.write_bytes(b"OTTO" + bytes(200))  # an OpenType/CFF header is enough for reportlab
    candidates = [fonts.Candidate(fonts.FontFile(cff)), fonts.Candidate(fonts.FontFile(VERA))]
    monkeypatch.setattr(fonts, "system_candidates", lambda: iter(candidates))
    choice = korean_fonts("en")
    assert not choice.embedded
    assert choice.warning is not None
    assert "CFF" in choice.warning  # the Noto-like file
    assert "no Hangul glyphs" in choice.warning  # Vera


def test_a_bundled_font_is_preferred(
    no_truetype: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    system = SYSTEM_TTF
    if system is None:
        pytest.skip("no Korean TrueType font to bundle")
    bundled = tmp_path / "fonts"
    bundled.mkdir()
    (bundled / system.name).symlink_to(system)
    monkeypatch.setattr(fonts, "bundled_dir", lambda: bundled)
    choice = korean_fonts()
    assert choice.embedded and choice.path == bundled / system.name
