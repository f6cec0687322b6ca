"""Where the database lives, as the fronts need to know it: a warning for documents folders.

A database in the home folder, Documents, Desktop or Downloads sits where people browse
with file managers and dialogs, and where sync and backup programs copy files while they
change; the app's own data folder is out of their way. The fronts say so (the window in its
status bar, the command line on stderr); nothing is refused.
"""

from __future__ import annotations

from assembly_desk.i18n import t
from assembly_desk.persistence.db_file_guard import location_warning_key
from assembly_desk.persistence.engine import sqlite_path


def location_warning(url: str) -> str | None:
    """The warning for an SQLite ``url`` in a folder of documents (translated), or None."""
    found = location_warning_key(sqlite_path(url))
    if found is None:
        return None
    key, params = found
    return t(key, **params)
