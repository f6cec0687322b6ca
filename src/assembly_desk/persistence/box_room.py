"""Where a database's ballot boxes live on one laptop, and which one this process casts into.

Split from ``ballot_box`` (the file format and its writes): this is the bookkeeping of a
folder of boxes: this process's own box, and the leftovers of stations that crashed or
were switched off, opened only to deliver or settle their ballots.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from assembly_desk.persistence.ballot_box import BallotBox, BoxError, box_files


class BoxRoom:
    """Where a database's ballot boxes live on this laptop, and this process's own box.

    A process opens its station box the first time it casts; leftover boxes in the folder
    (a station that crashed, a laptop that was restarted) are opened only to deliver or
    recover their ballots, never to cast into.
    """

    def __init__(self, folder: Path, realm: str | Callable[[], str]) -> None:
        self.folder = folder
        # The database's random name, or how to read it: read when a box is first
        # touched, so a front that never casts (``status``, the desk) never asks.
        self._realm = realm
        self._own: BallotBox | None = None
        self._lock = threading.Lock()

    @property
    def realm(self) -> str:
        if not isinstance(self._realm, str):
            self._realm = self._realm()
        return self._realm

    def station_box(self) -> BallotBox:
        with self._lock:
            if self._own is None or not self._own.is_open:
                self._own = BallotBox.open_or_create(self.folder, self.realm)
            return self._own

    @contextlib.contextmanager
    def local_boxes(self) -> Iterator[list[BallotBox]]:
        """This process's box (if open) and every other box here that no station holds."""
        with self._lock:
            own = self._own if self._own is not None and self._own.is_open else None
        borrowed: list[BallotBox] = []
        for path in box_files(self.folder):
            if own is not None and path == own.path:
                continue
            try:
                borrowed.append(BallotBox.open(path, self.realm))
            except BoxError:
                continue  # another station process holds it and will deliver it itself
        try:
            yield ([own] if own is not None else []) + borrowed
        finally:
            for box in borrowed:
                box.close()

    def close(self) -> None:
        with self._lock:
            if self._own is not None:
                self._own.close()
                self._own = None
