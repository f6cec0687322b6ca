"""The "station open" marker: a laptop that was a voting station comes back as one.

While a station is open, the rest of the app on that laptop is hidden and disabled, and
only the chair's passphrase leaves it. A crash, a kill or a power cut would otherwise
bring the app back unlocked on the roll and the desk, so the marker is written before the
station appears and removed only when the chair leaves it with the passphrase (a forced
shutdown leaves it in place). At the next start the window reads it and reopens the
station, locked, before any page can be used.

The marker is a preference (QSettings in the app, synced to disk at once; QSettings
writes through a temporary file and a rename, so it is never half-written, and the
owner-only umask makes the file 0600). It names the assembly and a fingerprint of the
database address: a start on another database does not reopen a station whose assembly
is not there (and leaves the marker for when the laptop is back on its own database).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from assembly_desk.gui.preferences import Store

MARKER_KEY = "station_open"


@dataclass(frozen=True, slots=True)
class StationMarker:
    assembly_id: int
    database: str  # database_fingerprint() of the address the station was opened on


def database_fingerprint(url: str) -> str:
    """A short digest of the database address: enough to recognise it, and no password."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def read_marker(store: Store) -> StationMarker | None:
    value = store.value(MARKER_KEY)
    if not isinstance(value, str) or not value:
        return None
    try:
        data = json.loads(value)
        return StationMarker(int(data["assembly"]), str(data["database"]))
    except (ValueError, KeyError, TypeError):
        return None


def write_marker(store: Store, marker: StationMarker) -> None:
    store.setValue(
        MARKER_KEY, json.dumps({"assembly": marker.assembly_id, "database": marker.database})
    )
    _sync(store)


def clear_marker(store: Store) -> None:
    store.setValue(MARKER_KEY, "")
    _sync(store)


def _sync(store: Store) -> None:
    """Write through now (QSettings would otherwise wait), so a crash cannot lose it."""
    sync = getattr(store, "sync", None)
    if callable(sync):
        sync()
