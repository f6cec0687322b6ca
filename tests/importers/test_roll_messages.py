"""Every message the importer can show exists in Korean and English with the same blanks."""

from __future__ import annotations

import json
import re
import string
from importlib import resources
from pathlib import Path

import assembly_desk.importers as importers

FOLDER = resources.files("assembly_desk.i18n") / "catalogue"
# import.json holds the importer's own messages; input_rules.json those it shares with the
# forms (text limits, duplicates, the workbook checks added with them).
CATALOGUES = ("import.json", "input_rules.json")
KEY_IN_CODE = re.compile(r"""["'](import\.[a-z_.]+)["']""")


def messages() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in CATALOGUES:
        merged.update(json.loads((FOLDER / name).read_text(encoding="utf-8")))
    return merged


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_the_importer_uses_is_in_the_catalogue():
    source = "".join(
        p.read_text(encoding="utf-8") for p in Path(importers.__file__).parent.glob("*.py")
    )
    used = set(KEY_IN_CODE.findall(source))

    assert used, "the pattern should find the keys"
    assert used <= set(messages())


def test_korean_and_english_have_the_same_blanks():
    for key, texts in messages().items():
        assert set(texts) == {"ko", "en"}, key
        assert blanks(texts["ko"]) == blanks(texts["en"]), key
