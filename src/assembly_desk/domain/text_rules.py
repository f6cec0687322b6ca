"""Free text as a human reads it: one fold for finding duplicates, one set of limits.

Two problems share this module because they share a cause: a string can look like another
to a person and differ to the computer. ``"김민수"`` and ``"김\u200b민수"`` (a zero-width space
inside) are one person at the door; if the roll thought them two, that person could get two
cards and vote twice. So duplicates are compared in ``fold_name``'s form, and names that
hide characters a volunteer cannot see (control, format and bidi characters, lone
surrogates) are refused outright with a message that says so.

The limits are the widths of the database columns. They are defined here, once, and
checked before anything is written, so SQLite (which stores any length) and PostgreSQL
(which raises on ``varchar(100)``) give the same clear answer. ``tests/services/
test_limits.py`` fails if a column in ``persistence/models.py`` and its limit here drift.

Stdlib only: used by the importers, the services and the forms alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import t

#: person.name and person.name_key
NAME_MAX = 100
#: person.address
ADDRESS_MAX = 300
#: person.tong and person.ban
UNIT_MAX = 20
#: checkin.desk (the name a desk gives itself)
DESK_MAX = 40
#: assembly.title, assembly.venue, contest.title, contest_option.name
TITLE_MAX = 200
#: assembly.district
DISTRICT_MAX = 100

# Formatting characters that change how text is displayed or ordered without showing
# themselves. Category Cf covers the zero-width ones (U+200B-U+200D, U+2060, U+FEFF) and
# the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_INVISIBLE = "Cf"
_CONTROL = "Cc"
_SURROGATE = "Cs"


@dataclass(frozen=True, slots=True)
class TextProblem:
    """Why a piece of text cannot be stored, as a catalogue key and its parameters."""

    key: str
    params: dict[str, str]


def fold_name(text: str) -> str:
    """The form two names are compared in: equal when a person would read them as equal.

    NFC (a name typed on a Mac arrives decomposed), format characters removed (zero-width
    spaces and joiners, bidi marks), all whitespace removed (``"홍 길동"`` and ``"홍길동"``
    are written both ways on Korean rolls, so collapsing runs of spaces would not be
    enough), then case-folded for Latin names. It agrees with ``hangul.fold_name`` on
    every name without format characters, so the search index and the stored
    ``name_key`` stay comparable.
    """
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable() and _hidden_pattern().search(text):
        text = "".join(ch for ch in text if unicodedata.category(ch) != _INVISIBLE)
    return "".join(text.split()).casefold()


def collapse_spaces(text: str) -> str:
    """Runs of whitespace made one space, ends trimmed, NFC: how names and addresses are kept."""
    return " ".join(unicodedata.normalize("NFC", text).split()) if text else ""


def text_problem(text: str, limit: int) -> TextProblem | None:
    """What is wrong with storing ``text`` in a column ``limit`` characters wide, if anything.

    The character checks come first: a 10,000-character paste of binary junk is better
    described by "contains a control character" than by its length. Plain ASCII of a
    sensible length (almost every cell of a roll) is answered without looking further.
    """
    if text.isprintable():  # C speed; false for every Cc, Cf and Cs character (and others)
        return _length_problem(text, limit)
    return _character_problem(text) or _length_problem(text, limit)


def _length_problem(text: str, limit: int) -> TextProblem | None:
    if len(text) > limit:
        return TextProblem("input.too_long", {"max": str(limit), "length": str(len(text))})
    return None


# Where control, format and surrogate code points live: the Basic Multilingual Plane, the
# SMP (shorthand format controls, musical symbols) and the tag block of plane 14. Planes 2
# to 13 are ideographs or unassigned and hold none in any Unicode version to date.
_SCANNED_PLANES = (range(0x0000, 0x20000), range(0xE0000, 0xE1000))


@cache
def _hidden_pattern() -> re.Pattern[str]:
    """One character class of every control, format and surrogate code point.

    Built once from the running Python's Unicode tables (some tens of milliseconds, on
    first use), so a 100,000-row roll is checked by one regex search per cell instead of
    a category lookup per character.
    """
    hidden = _CONTROL, _INVISIBLE, _SURROGATE
    ranges: list[str] = []
    start = previous = -2
    for code in (c for plane in _SCANNED_PLANES for c in plane):
        if unicodedata.category(chr(code)) not in hidden:
            continue
        if code != previous + 1:
            if start >= 0:
                ranges.append(_range(start, previous))
            start = code
        previous = code
    ranges.append(_range(start, previous))
    return re.compile("[" + "".join(ranges) + "]")


def _range(first: int, last: int) -> str:
    return f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}"


def _character_problem(text: str) -> TextProblem | None:
    match = _hidden_pattern().search(text)
    if match is None:
        return None
    for position, ch in enumerate(text[match.start() :], match.start() + 1):
        category = unicodedata.category(ch)
        if category == _SURROGATE:
            return TextProblem("input.surrogate", {"position": str(position)})
        if category == _CONTROL:
            return TextProblem(
                "input.control", {"position": str(position), "code": f"U+{ord(ch):04X}"}
            )
        if category == _INVISIBLE:
            return TextProblem(
                "input.invisible", {"position": str(position), "code": f"U+{ord(ch):04X}"}
            )
    return None


def name_problem(name: str) -> TextProblem | None:
    """A person's name as kept (spaces already collapsed); its folded key must fit too.

    Case folding can lengthen a name (``"ß"`` folds to ``"ss"``), so the key is measured as
    well as the name: both go into 100-character columns.
    """
    problem = text_problem(name, NAME_MAX)
    # Full case folding at most triples a character ("ΐ" → 3), so short names need no look.
    if problem is None and len(name) * 3 > NAME_MAX and len(fold_name(name)) > NAME_MAX:
        return TextProblem("input.too_long", {"max": str(NAME_MAX), "length": str(len(name))})
    return problem


def check_text(text: str, limit: int, field: str) -> str:
    """``text`` unchanged, or ``InvalidInput("input.field_problem")`` naming the field.

    ``field`` is a catalogue key for the field's name (``field.name``, ``field.desk`` …);
    the message reads "이름: 제어 문자(U+0000)가 들어 있습니다 (1번째 글자)".
    """
    problem = name_problem(text) if field == "field.name" else text_problem(text, limit)
    if problem is not None:
        raise problem_error(field, problem)
    return text


def problem_error(field: str, problem: TextProblem) -> InvalidInput:
    """The error a form or a command shows for ``problem`` in the field named by ``field``."""
    return InvalidInput(
        "input.field_problem",
        field=_Phrase(field),
        problem=_Phrase(problem.key, **problem.params),
    )


class _Phrase(str):
    """A catalogue key that formats as its message in the language of the moment.

    A ``str`` whose value is the key (so logs stay stable), like ``importers.unreadable``'s
    phrase: the same error reads correctly after the user switches language.
    """

    params: dict[str, str]

    def __new__(cls, key: str, **params: str) -> _Phrase:
        obj = super().__new__(cls, key)
        obj.params = params
        return obj

    def __format__(self, spec: str) -> str:
        return format(t(str.__str__(self), **self.params), spec)


class _NamedTexts(Protocol):
    """What ``check_contest_texts`` reads of a contest definition."""

    @property
    def title(self) -> str: ...
    @property
    def options(self) -> Iterable[_Named]: ...
    @property
    def criteria(self) -> Iterable[_Named]: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def check_contest_texts(definition: _NamedTexts) -> None:
    """A contest's title, option and criterion names: hidden characters and widths.

    Lengths are already checked by the definition itself; this adds the characters a
    ballot must not carry unseen (a bidi override could make "찬성" read as its reverse)
    and that PostgreSQL would refuse (NUL).
    """
    check_text(definition.title, TITLE_MAX, "field.contest_title")
    for option in definition.options:
        check_text(option.name, TITLE_MAX, "field.option_name")
    for criterion in definition.criteria:
        check_text(criterion.name, TITLE_MAX, "field.criterion_name")
