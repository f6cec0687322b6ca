"""One message catalogue for the window, the command line and the PDFs.

Messages live in ``catalogue/*.json`` as ``{"key": {"ko": "...", "en": "..."}}``: both
languages side by side, so a missing translation shows up in review and in
``tests/test_i18n.py``. Korean is the default; the system locale or a setting switches it.

Plural forms are written inside the message, in the field of the number that decides
them: ``"{papers} {papers:plural:paper|papers}"`` (see :mod:`assembly_desk.i18n.plural`).
We chose this over gettext with Babel and over a per-message ``{"one": ..., "other": ...}``
form because several messages carry two or three counts ("{cvrs} CVRs, {entries} audit
entries, {signatures} signatures"): ``ngettext`` and a per-message form both choose by one
number only, and would need a sentence split or 2^n variants. Gettext would also move the
texts into ``.po`` files, one language per file, losing the side-by-side review this
catalogue exists for, and Babel would be a dependency for two languages whose rules are
one line each (English: 1 is ``one``, all else ``other``; Korean: a single form).
Callers need not change: the plural choice reads the parameter they already pass.
"""

from __future__ import annotations

import contextlib
import json
import locale
import os
import sys
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from assembly_desk.i18n.plural import render

LANGUAGES = ("ko", "en")
_current = "ko"
_listeners: list[Callable[[str], None]] = []


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, merged from every area file."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("assembly_desk.i18n") / "catalogue"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            for key, texts in data.items():
                if key in merged:
                    raise ValueError(f"message key {key!r} defined twice ({entry.name})")
                merged[key] = texts
    return merged


#: Locale names that name no language at all: they say nothing about the reader's language.
_NO_LANGUAGE = ("C", "POSIX")


def _locale_language(value: str) -> str | None:
    """The supported language a POSIX locale name asks for (``en_GB.UTF-8`` → en), if any.

    ``C``, ``POSIX`` and ``C.UTF-8`` (any spelling) name no language and give ``None``;
    so does a language the program does not speak (``de_DE``).
    """
    name = value.split(".", 1)[0].split("@", 1)[0]
    if name in _NO_LANGUAGE:
        return None
    lang = name.split("_", 1)[0].lower()
    return lang if lang in LANGUAGES else None


def system_language() -> str:
    """The language to start in: ASSEMBLY_DESK_LANG, else what the locale asks for, else Korean.

    Korean first: a machine whose locale names no language (``C.UTF-8`` in a container or
    on a fresh install, or nothing set) starts in Korean. Python's ``locale.getlocale()``
    maps ``C.UTF-8`` to ``en_US`` and so turned such machines English; the environment is
    read instead, in POSIX order: the first of LC_ALL, LC_MESSAGES, LANG that is set
    decides. On Windows, where these are normally unset, the user's locale is asked.
    """
    forced = os.environ.get("ASSEMBLY_DESK_LANG", "")
    if forced[:2] in LANGUAGES:
        return forced[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return _locale_language(value) or "ko"
    if sys.platform == "win32":
        try:
            loc = locale.getlocale()[0] or ""
        except ValueError:
            loc = ""
        return "en" if loc.lower().startswith("en") else "ko"
    return "ko"


def language() -> str:
    return _current


def set_language(lang: str) -> None:
    """Switch language for everything that asks ``t`` from now on, and tell listeners."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_change(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The message for ``key`` in ``lang`` (default: current), with ``{name}`` filled in.

    Plural fields (``{n:plural:paper|papers}``) are chosen by the number passed for them.
    An unknown key returns the key itself so a slip shows on screen instead of crashing a desk.
    """
    texts = catalogue().get(key)
    if texts is None:
        return key
    chosen = lang or _current
    text = texts.get(chosen) or texts.get("ko") or key
    if chosen not in texts:
        chosen = "ko"
    if params:
        return render(text, chosen, params)
    if "{{" in text or "}}" in text:
        # Every text is a format string; one asked for without parameters still has its
        # doubled braces undone (a help text showing a JSON example).
        with contextlib.suppress(KeyError, IndexError, ValueError):
            return render(text, chosen, {})
    return text


_current = system_language()
