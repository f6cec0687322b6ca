"""One catalogue for window, command line and PDFs: every key in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from assembly_desk.i18n import catalogue, set_language, t

SRC = Path(__file__).resolve().parents[1] / "src" / "assembly_desk"


# Dates are written differently: Korean uses the month number, English its name.
DIFFERENT_FIELDS = {"doc.date"}


def test_every_message_has_korean_and_english_with_the_same_fields() -> None:
    fmt = string.Formatter()
    for key, texts in catalogue().items():
        assert set(texts) == {"ko", "en"}, key
        if key in DIFFERENT_FIELDS:
            continue
        fields = [{f for _, f, _, _ in fmt.parse(texts[lang]) if f} for lang in ("ko", "en")]
        assert fields[0] == fields[1], f"{key}: placeholders differ"


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
