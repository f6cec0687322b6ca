"""``InvalidInput("import.unreadable", detail=...)`` with a detail that speaks both languages.

The services catch one error key for every file we cannot read, yet the user needs to know
*why* (empty, an old .xls, no 성명 column...). The reason is itself a catalogue key; the
``detail`` parameter is a string that translates itself when the message is formatted, so
the same exception reads correctly after the user switches language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import t


class Phrase(str):
    """A catalogue key that formats as its message in the current language.

    As a ``str`` its value is the key itself, so logs and JSON stay stable and readable.
    """

    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Phrase:
        obj = super().__new__(cls, key)
        obj.params = params
        return obj

    def __format__(self, spec: str) -> str:
        return format(t(str.__str__(self), **self.params), spec)


def unreadable(path: Path, why: str, **params: Any) -> InvalidInput:
    """The error for a file we cannot read; ``why`` is an ``import.why.*`` key."""
    return InvalidInput("import.unreadable", file=path.name, detail=Phrase(why, **params))
