"""Saving an entry without making the keyboard wait.

After each paper the page marks the entry changed and calls ``flush``; at most one save
runs at a time, and papers typed meanwhile stay in memory and go out together with the
next one, so a slow disk or network costs nothing at the keyboard. A failed save keeps
the entry marked changed: it is tried again with the next paper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.services.count_entry import Side

#: (batch id, side, volunteer, marks) -> the number of papers stored.
SaveEntry = Callable[[int, Side, str, list[Any]], int]


class EntrySaver:
    """Coalescing saves of one entry at a time; the page says what happens in words."""

    def __init__(
        self,
        worker: DbWorker,
        save: SaveEntry,
        *,
        saving: Callable[[], None],
        saved: Callable[[int], None],
        failed: Callable[[JobError], None],
    ) -> None:
        self._worker = worker
        self._save = save
        self._on_saving, self._on_saved, self._on_failed = saving, saved, failed
        self.dirty = False
        self.busy = False

    @property
    def all_saved(self) -> bool:
        return not self.dirty and not self.busy

    def flush(self, target: tuple[int, Side] | None, name: str, marks: list[Any] | None) -> None:
        """Save ``marks`` for ``target`` if they changed and no save is running."""
        if not self.dirty or self.busy or marks is None or target is None:
            return
        batch_id, side = target
        marks = list(marks)
        self.dirty, self.busy = False, True
        self._on_saving()
        self._worker.submit(
            lambda: self._save(batch_id, side, name, marks), self._done, self._failed
        )

    def _done(self, count: int) -> None:
        self.busy = False
        self._on_saved(count)

    def _failed(self, error: JobError) -> None:
        self.busy = False
        self.dirty = True  # kept in memory; tried again with the next paper
        self._on_failed(error)
