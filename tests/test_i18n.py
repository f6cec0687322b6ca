"""One catalogue for window, command line and PDFs: every key in both languages."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from assembly_desk.i18n import LANGUAGES, catalogue, set_language, t
from assembly_desk.i18n.plural import plural_problems

SRC = Path(__file__).resolve().parents[1] / "src" / "assembly_desk"


# Dates are written differently: Korean uses the month number, English its name.
DIFFERENT_FIELDS = {"doc.date"}


def test_every_message_has_korean_and_english_with_the_same_fields() -> None:
    fmt = string.Formatter()
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGUAGES), key
        assert all(isinstance(texts[lang], str) and texts[lang] for lang in LANGUAGES), key
        if key in DIFFERENT_FIELDS:
            continue
        fields = [{f for _, f, _, _ in fmt.parse(texts[lang]) if f} for lang in LANGUAGES]
        assert fields[0] == fields[1], f"{key}: placeholders differ"


def test_plural_fields_list_every_form_of_their_language() -> None:
    problems = [
        f"{key}: {problem}"
        for key, texts in catalogue().items()
        for lang in LANGUAGES
        for problem in plural_problems(texts[lang], lang)
    ]
    assert problems == []


def test_plural_forms_follow_the_count() -> None:
    assert t("cli.cards_written", "en", count=1, path="a.pdf") == "Wrote 1 card to a.pdf"
    assert t("cli.cards_written", "en", count=2, path="a.pdf") == "Wrote 2 cards to a.pdf"
    assert t("cli.cards_written", "en", count=0, path="a.pdf") == "Wrote 0 cards to a.pdf"
    assert t("cli.cards_written", "ko", count=1, path="a.pdf") == "카드 1장을 a.pdf에 저장했습니다"
    # Several counts in one sentence, each choosing its own form.
    files = t("verify.files.ok", "en", kind="zip", cvrs=1, entries=2, signatures=1)
    assert files == "4 files read (zip): 1 CVR, 2 audit entries, 1 signature"
    # A form may be a whole phrase holding the number itself.
    assert t("audit_privacy.seals_ok", "en", count=1) == "The one seal matches its private part"
    assert t("audit_privacy.seals_ok", "en", count=3) == "All 3 seals match their private parts"


def test_no_english_message_leaves_the_plural_to_the_reader() -> None:
    """ "contest(s)" is what a catalogue without plural forms writes; this one has them."""
    hedged = re.compile(r"\w\((s|es)\)")
    assert [key for key, texts in catalogue().items() if hedged.search(texts["en"])] == []


def test_every_literal_key_used_in_code_exists() -> None:
    known = catalogue()
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    missing = []
    for path in SRC.rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in known:
                missing.append(f"{path.relative_to(SRC)}: {key}")
    assert missing == []


def test_switching_language() -> None:
    set_language("en")
    assert t("scan.checked_in") == "Checked in"
    set_language("ko")
    assert t("scan.checked_in") == "입장 확인"
    with pytest.raises(ValueError):
        set_language("fr")


# --- the language to start in: Korean unless the locale asks for English ---------------

LOCALE_VARS = ("ASSEMBLY_DESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "ko"),  # nothing set at all
        ({"LANG": "C.UTF-8"}, "ko"),  # a container or a fresh install
        ({"LC_ALL": "C.utf8"}, "ko"),
        ({"LANG": "C"}, "ko"),
        ({"LANG": "POSIX"}, "ko"),
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "de_DE.UTF-8"}, "ko"),  # a language the program does not speak
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB"}, "en"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),  # LC_ALL wins, and names none
        ({"LC_ALL": "ko_KR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "ko"),
        ({"ASSEMBLY_DESK_LANG": "en", "LANG": "C.UTF-8"}, "en"),
    ],
)
def test_korean_is_the_default_unless_the_locale_asks_for_english(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    from assembly_desk.i18n import system_language

    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr("sys.platform", "linux")
    assert system_language() == expected


# --- nothing a user reads bypasses the catalogue ----------------------------------------

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
SCANNED = ("cli", "services", "audit", "documents", "gui")

#: Hangul that is data, not a message: file -> (why, the literals allowed; None: all of
#: them, for files that are sample content through and through).
HANGUL_DATA: dict[str, tuple[str, frozenset[str] | None]] = {
    "services/demo.py": ("the sample assembly: names, titles, places, passphrases", None),
    "gui/auditor/demo.py": ("the screenshot bundle: names, contest titles, a seed", None),
    "gui/auditor/launch.py": ("the screenshot bundle's folder", frozenset({"성산1동-개표-번들"})),
    "services/count_entry/marks.py": (
        "INVALID_MARK, stored in an invalid paper",
        frozenset({"무효"}),
    ),
    "documents/fonts.py": ("the glyph probed for Hangul coverage", frozenset({"가"})),
    "gui/fonts.py": ("a Windows font family name", frozenset({"맑은 고딕"})),
    "cli/paper_sheet.py": (
        "the words a counting spreadsheet may hold for a vote, a blank or an invalid paper",
        frozenset({"찬성", "반대", "기권", "백지", "무효"}),
    ),
    "gui/count_entry/widgets.py": ("what a Hangul-mode IME types for B, X", frozenset("ㅠㅌ")),
    "gui/widgets/language_menu.py": ("each language's own name", frozenset({"한국어"})),
    "gui/polls/form.py": (
        "the unit words (원, 점) a typed cost line may end with",
        frozenset({r"^(?P<name>.*?)[\s|:=,]+(?P<number>\d[\d,]*)\s*(원|점)?$", r"[,\s원]"}),
    ),
}


def _docstring_ids(tree: ast.AST) -> set[int]:
    """Strings standing alone as statements: docstrings, also of attributes (never shown)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _hangul_literals(area: str) -> list[str]:
    offenders = []
    for path in sorted((SRC / area).rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        _, allowed = HANGUL_DATA.get(name, ("", frozenset()))
        if allowed is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstring_ids(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and HANGUL.search(node.value)
                and node.value not in allowed
            ):
                offenders.append(f"{name}:{node.lineno}: {node.value[:50]!r}")
    return offenders


def test_the_allow_list_names_files_that_exist() -> None:
    assert [name for name in HANGUL_DATA if not (SRC / name).is_file()] == []


@pytest.mark.parametrize("area", [a for a in SCANNED if a != "gui"])
def test_no_korean_text_outside_the_catalogue(area: str) -> None:
    """Korean in code is a message that cannot be switched to English (docstrings aside)."""
    assert _hangul_literals(area) == []


def test_no_korean_text_outside_the_catalogue_in_the_window() -> None:
    assert _hangul_literals("gui") == []


# Three or more words separated by spaces: a sentence, not a metavar or an option name.
SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[,;:']?\s+[A-Za-z]{2,}){2,}")
SAYING = {"print", "_error", "_err", "fail", "write", "add_argument", "add_parser"}


def test_the_command_line_says_nothing_in_english_that_is_not_from_the_catalogue() -> None:
    """print()/stderr/help/exception texts in cli/ are ``t(...)`` calls, never literals."""
    offenders = []
    for path in sorted((SRC / "cli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", "")
            if name not in SAYING and not name.endswith(("Error", "Exception")):
                continue
            said = [*node.args, *(k.value for k in node.keywords)]
            for value in said:
                for literal in ast.walk(value):
                    if (
                        isinstance(literal, ast.Constant)
                        and isinstance(literal.value, str)
                        and SENTENCE.search(literal.value)
                        and not _inside_t_call(value, literal)
                    ):
                        offenders.append(f"cli/{path.name}:{literal.lineno}: {literal.value!r}")
    assert offenders == []


def _inside_t_call(root: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(root):
        is_t = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t"
        if is_t and any(child is target for child in ast.walk(node)):
            return True
    return False
