"""Plural forms inside catalogue messages: ``{papers:plural:paper|papers}``.

A replacement field whose format spec starts with ``plural:`` prints one of the words
after it, chosen by the field's number under the language's plural rule (CLDR
categories). English has two categories, ``one`` and ``other``, listed in that order;
Korean has only ``other``, so a Korean message needs no plural field at all (``{papers}장``)
and, if it has one, it lists exactly one form. The number itself is printed by an
ordinary ``{papers}`` field next to it, so "1 paper" and "3 papers" come from
``{papers} {papers:plural:paper|papers}``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

PLURAL_SPEC = "plural:"

#: CLDR plural categories each language uses, in the order forms are written.
CATEGORIES: dict[str, tuple[str, ...]] = {"en": ("one", "other"), "ko": ("other",)}


def category(lang: str, value: Any) -> str:
    """The CLDR category of ``value`` in ``lang`` (integers only count as ``one`` in English)."""
    if lang != "en":
        return "other"
    if isinstance(value, bool):
        return "other"
    if isinstance(value, int | Fraction):
        return "one" if value == 1 else "other"
    return "one" if str(value).strip() == "1" else "other"


def forms_of(spec: str) -> list[str]:
    """``plural:paper|papers`` -> ``["paper", "papers"]``."""
    return spec[len(PLURAL_SPEC) :].split("|")


class PluralFormatter(string.Formatter):
    """``str.format`` plus the ``plural:`` spec, for one language."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec.startswith(PLURAL_SPEC):
            return super().format_field(value, format_spec)
        forms = forms_of(format_spec)
        names = CATEGORIES.get(self.lang, ("other",))
        wanted = category(self.lang, value)
        index = names.index(wanted) if wanted in names and len(forms) == len(names) else -1
        return forms[index]


def render(text: str, lang: str, params: Mapping[str, Any]) -> str:
    """``text`` with its fields filled, plural fields chosen for ``lang``."""
    return PluralFormatter(lang).vformat(text, (), params)


def plural_problems(text: str, lang: str) -> Sequence[str]:
    """What is wrong with the plural fields of ``text`` (for tests): wrong number of forms."""
    problems = []
    expected = len(CATEGORIES.get(lang, ("other",)))
    for _, field, spec, _ in string.Formatter().parse(text):
        if field and spec and spec.startswith(PLURAL_SPEC) and len(forms_of(spec)) != expected:
            problems.append(f"{{{field}:{spec}}} needs {expected} form(s) in {lang}")
    return problems
