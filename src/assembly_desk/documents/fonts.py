"""Find a Korean TrueType font and register it with reportlab as ``KR`` / ``KR-Bold``.

A PDF that embeds its font prints the same on the chair's laptop, the 주민센터 printer and
an auditor's tablet. reportlab can embed TrueType outlines only (not CFF, which is why the
common Noto Sans CJK ``.ttc``/``.otf`` files are skipped), so the search tries, in order:

1. ``ASSEMBLY_DESK_FONT=/path/font.ttf`` — the operator's explicit choice;
2. ``assembly_desk/resources/fonts/`` — a font the installer bundled, identical everywhere;
3. the system: Malgun Gothic (Windows), Apple SD Gothic Neo / AppleGothic (macOS),
   Nanum (Linux), then whatever ``fc-list`` knows with Hangul.

Without any, the reportlab CID fonts ``HYSMyeongJo-Medium`` / ``HYGothic-Medium`` are used:
the PDF then names a font instead of carrying it, and the reader must supply one.
:func:`korean_fonts` says so in :attr:`FontChoice.warning`, which callers show the user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeAlias

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from assembly_desk.i18n import t

REGULAR = "KR"
BOLD = "KR-Bold"
CID_REGULAR = "HYSMyeongJo-Medium"
CID_BOLD = "HYGothic-Medium"
ENV_VAR = "ASSEMBLY_DESK_FONT"
_HANGUL_PROBE = ord("가")


@dataclass(frozen=True, slots=True)
class FontFile:
    """One face: a path, plus the face inside a ``.ttc`` (index or PostScript name)."""

    path: Path
    subfont: int | str = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A regular face and, when the family has one, its bold face."""

    regular: FontFile
    bold: FontFile | None = None


@dataclass(frozen=True, slots=True)
class FontChoice:
    """The fonts registered for PDFs, and what to tell the user about them."""

    regular_name: str
    bold_name: str
    path: Path | None
    embedded: bool
    warning: str | None


# (catalogue key, params): translated only when a caller asks, in the caller's language.
_Problem: TypeAlias = tuple[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class _Loaded:
    regular: TTFont
    bold: TTFont


@dataclass(frozen=True, slots=True)
class _Resolution:
    regular_name: str
    bold_name: str
    path: Path | None
    embedded: bool
    problems: tuple[_Problem, ...]
    fallback: bool


def bundled_dir() -> Path | None:
    """The package's ``resources/fonts`` folder, if the installer shipped one."""
    try:
        folder = Path(str(resources.files("assembly_desk") / "resources" / "fonts"))
    except (ModuleNotFoundError, TypeError):
        return None
    return folder if folder.is_dir() else None


def _bold_sibling(path: Path) -> FontFile | None:
    """Guess the bold file next to a regular one (``X.ttf`` → ``XBold.ttf``, ``Xbd.ttf``)."""
    stem = path.stem.removesuffix("-Regular").removesuffix("Regular")
    for name in (f"{stem}Bold", f"{stem}-Bold", f"{stem}bd", f"{stem}B"):
        sibling = path.with_name(name + path.suffix)
        if sibling != path and sibling.is_file():
            return FontFile(sibling)
    return None


def _bundled_candidates() -> Iterator[Candidate]:
    folder = bundled_dir()
    if folder is None:
        return
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    regulars = [p for p in files if "bold" not in p.stem.lower()] or files
    for path in regulars:
        yield Candidate(FontFile(path), _bold_sibling(path))


def _windows_candidates() -> Iterator[Candidate]:
    roots = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        roots.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    for root in roots:
        yield Candidate(FontFile(root / "malgun.ttf"), FontFile(root / "malgunbd.ttf"))
        yield Candidate(FontFile(root / "NanumGothic.ttf"), FontFile(root / "NanumGothicBold.ttf"))
        yield Candidate(FontFile(root / "gulim.ttc", 0))


def _macos_candidates() -> Iterator[Candidate]:
    roots = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    for root in roots:
        ttc = root / "AppleSDGothicNeo.ttc"
        yield Candidate(
            FontFile(ttc, "AppleSDGothicNeo-Regular"), FontFile(ttc, "AppleSDGothicNeo-Bold")
        )
        yield Candidate(FontFile(root / "NanumGothic.ttf"), FontFile(root / "NanumGothicBold.ttf"))
        yield Candidate(FontFile(root / "Supplemental" / "AppleGothic.ttf"))
        yield Candidate(FontFile(root / "AppleGothic.ttf"))


def _linux_candidates() -> Iterator[Candidate]:
    roots = [
        Path("/usr/share/fonts/truetype/nanum"),  # Debian, Ubuntu: fonts-nanum
        Path("/usr/share/fonts/naver-nanum"),  # Fedora
        Path("/usr/share/fonts/nanum"),
        Path("/usr/share/fonts/TTF"),  # Arch
        Path.home() / ".local/share/fonts",
        Path.home() / ".fonts",
    ]
    for root in roots:
        for family in ("NanumGothic", "NanumBarunGothic", "NanumSquare"):
            bold = "NanumSquareB" if family == "NanumSquare" else f"{family}Bold"
            regular = "NanumSquareR" if family == "NanumSquare" else family
            yield Candidate(FontFile(root / f"{regular}.ttf"), FontFile(root / f"{bold}.ttf"))
    # Usually CFF-flavoured and then skipped, but a TrueType build is used when present.
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    noto_bold = noto.with_stem("NotoSansCJK-Bold")
    yield Candidate(
        FontFile(noto, "NotoSansCJKkr-Regular"), FontFile(noto_bold, "NotoSansCJKkr-Bold")
    )
    yield from _fontconfig_candidates()


def _fontconfig_candidates() -> Iterator[Candidate]:
    """Any TrueType font fontconfig knows that covers Korean (UnDotum, Baekmuk, …)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    try:
        listing = subprocess.run(
            [fc_list, ":lang=ko:fontformat=TrueType", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    paths = sorted({line.rstrip(": \n") for line in listing.splitlines() if line.strip()})
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() in (".ttf", ".ttc") and "bold" not in path.stem.lower():
            yield Candidate(FontFile(path), _bold_sibling(path))


def system_candidates() -> Iterator[Candidate]:
    """Known Korean TrueType locations for this platform, most preferred first."""
    if sys.platform == "win32":
        yield from _windows_candidates()
    elif sys.platform == "darwin":
        yield from _macos_candidates()
    else:
        yield from _linux_candidates()


class _Unusable(Exception):
    """A font file that parses but must not be used (the reason is a catalogue key)."""

    def __init__(self, key: str, params: dict[str, str]) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _load(name: str, face: FontFile) -> TTFont:
    """Parse a face, refusing one that cannot draw Hangul (it would print boxes)."""
    font = TTFont(name, str(face.path), subfontIndex=face.subfont)
    if _HANGUL_PROBE not in font.face.charToGlyph:
        raise _Unusable("doc.font.reason.no_hangul", {})
    return font


def _why(exc: Exception) -> _Problem:
    if isinstance(exc, _Unusable):
        return exc.key, exc.params
    if "postscript outlines" in str(exc).lower():
        return "doc.font.reason.cff", {}
    return "doc.font.reason.unreadable", {"error": str(exc)[:120]}


def _try(candidate: Candidate) -> _Loaded | _Problem | None:
    """Load a candidate: both faces, a problem worth reporting, or ``None`` if absent."""
    if not candidate.regular.path.is_file():
        return None
    try:
        regular = _load(REGULAR, candidate.regular)
    except Exception as exc:  # reportlab's parser raises many types on a broken file
        return _why(exc)
    if candidate.bold is not None and candidate.bold.path.is_file():
        try:
            return _Loaded(regular, _load(BOLD, candidate.bold))
        except Exception:  # a broken bold face is not worth failing over: reuse regular
            pass
    # No bold face: headings use the regular face under the bold name (weight by size).
    return _Loaded(regular, _load(BOLD, candidate.regular))


def _register(loaded: _Loaded) -> None:
    pdfmetrics.registerFont(loaded.regular)
    pdfmetrics.registerFont(loaded.bold)
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)


def _override() -> Candidate | None:
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    return Candidate(FontFile(path), _bold_sibling(path))


@cache
def _resolve() -> _Resolution:
    """Search once per process: parsing a 4 MB font takes a tenth of a second."""
    problems: list[_Problem] = []
    override = _override()
    if override is not None:
        outcome = _try(override)
        if isinstance(outcome, _Loaded):
            _register(outcome)
            return _Resolution(REGULAR, BOLD, override.regular.path, True, (), False)
        reason = outcome or ("doc.font.reason.missing", {})
        problems.append(
            (
                "doc.font.override_unusable",
                {"path": str(override.regular.path), "reason_key": reason[0], **reason[1]},
            )
        )
    seen: set[tuple[Path, int | str]] = set()
    for candidate in (*_bundled_candidates(), *system_candidates()):
        key = (candidate.regular.path, candidate.regular.subfont)
        if key in seen:
            continue
        seen.add(key)
        outcome = _try(candidate)
        if outcome is None:
            continue
        if isinstance(outcome, _Loaded):
            _register(outcome)
            path = candidate.regular.path
            return _Resolution(REGULAR, BOLD, path, True, tuple(problems), False)
        reason_key, params = outcome
        problems.append(
            (
                "doc.font.skipped",
                {"path": str(candidate.regular.path), "reason_key": reason_key, **params},
            )
        )
    pdfmetrics.registerFont(UnicodeCIDFont(CID_REGULAR))
    pdfmetrics.registerFont(UnicodeCIDFont(CID_BOLD))
    return _Resolution(CID_REGULAR, CID_BOLD, None, False, tuple(problems), True)


def _say(problem: _Problem, lang: str | None) -> str:
    key, params = problem
    params = dict(params)
    reason_key = params.pop("reason_key", None)
    if reason_key is not None:
        params["reason"] = t(reason_key, lang, **params)
    return t(key, lang, **params)


def korean_fonts(lang: str | None = None) -> FontChoice:
    """Register (once) and return the fonts for Korean PDFs, with any warning in ``lang``.

    The warning is set when the PDF will not embed a font, or when the operator's
    ``ASSEMBLY_DESK_FONT`` could not be used; fonts silently skipped on the way to a good
    one are only mentioned in the fallback case, where they explain what went wrong.
    """
    res = _resolve()
    lines: list[str] = []
    if res.fallback:
        lines.append(t("doc.font.fallback", lang))
        lines.extend(_say(p, lang) for p in res.problems)
    else:
        lines.extend(_say(p, lang) for p in res.problems if p[0] == "doc.font.override_unusable")
    warning = "\n".join(lines) or None
    return FontChoice(res.regular_name, res.bold_name, res.path, res.embedded, warning)


def reset_font_cache() -> None:
    """Forget the search result (tests, or after the user installs a font)."""
    _resolve.cache_clear()
