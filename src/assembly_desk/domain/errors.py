"""Typed errors that carry a catalogue key, so the GUI and CLI can say them in Korean or English.

Services raise these; the fronts translate ``key`` with ``assembly_desk.i18n.t``.
"""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Base of every error a user is meant to read."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}" if params else key)

    def message(self) -> str:
        """The message in the current language."""
        from assembly_desk.i18n import t

        return t(self.key, **self.params)


class NotFound(DeskError):
    """A thing the user named does not exist (assembly, person, code)."""


class InvalidInput(DeskError):
    """The user gave something malformed: a bad date, an empty name, a bad rule."""


class Refused(DeskError):
    """The action is understood but not allowed now (frozen contest, closed poll, RRN column)."""
