"""What this laptop remembers between runs: its desk name, language and sound.

The desk name is what the "already checked in at 10:02 at desk 2" line quotes, so it
must be recognisable: the ``--desk`` option, else ``ASSEMBLY_DESK_DESK``, else what the
volunteer set in the menu last time, else the host name. Stored with QSettings in the
real app; tests use the in-memory store.
"""

from __future__ import annotations

import os
import socket
from typing import Protocol

DESK_ENV = "ASSEMBLY_DESK_DESK"
MAX_DESK = 40  # the database column's width


class Store(Protocol):
    def value(self, key: str, default: object = None) -> object: ...
    def setValue(self, key: str, value: object) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[str, object] = {}

    def value(self, key: str, default: object = None) -> object:
        return self._data.get(key, default)

    def setValue(self, key: str, value: object) -> None:
        self._data[key] = value


def clean_desk_name(name: str) -> str:
    return " ".join(name.split())[:MAX_DESK]


def resolve_desk_name(explicit: str | None, store: Store) -> str:
    for candidate in (explicit, os.environ.get(DESK_ENV), store.value("desk")):
        if isinstance(candidate, str) and clean_desk_name(candidate):
            return clean_desk_name(candidate)
    return clean_desk_name(socket.gethostname()) or "desk"


def flag(store: Store, key: str, default: bool) -> bool:
    value = store.value(key, default)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
