"""One catalogue for window, command line and PDFs: every key in both languages."""

from __future__ import annotations

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
    """"contest(s)" is what a catalogue without plural forms writes; this one has them."""
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
