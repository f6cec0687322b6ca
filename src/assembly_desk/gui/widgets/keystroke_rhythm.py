"""Telling a keyboard-wedge scanner from a person typing, by the rhythm of the keys.

A scanner "types" a whole card code a few milliseconds per character and ends with Enter;
even a fast typist leaves 60 ms or more between keys. So a burst of characters that all
arrive closer than ``SCANNER_GAP_S`` apart is a scan: the desk then skips the
search-as-you-type flicker and checks in the moment Enter arrives.

Pure Python with injected timestamps, so the thresholds are unit-tested without Qt events.
"""

from __future__ import annotations

from dataclasses import dataclass

SCANNER_GAP_S = 0.030  # keys closer than this belong to one machine-typed burst
MIN_SCAN_CHARS = 6  # fewer fast characters than this could be a typist's lucky roll
ENTER_GAP_S = 0.150  # a scanner's Enter follows its last character almost at once


@dataclass
class KeystrokeRhythm:
    """Follows the current burst of characters: when it began, how many, how fast."""

    gap: float = SCANNER_GAP_S
    min_chars: int = MIN_SCAN_CHARS
    enter_gap: float = ENTER_GAP_S
    _last: float | None = None
    _burst_chars: int = 0
    _burst_offset: int = 0

    def feed(self, now: float, count: int = 1, offset: int = 0) -> None:
        """``count`` characters arrived at ``now``; ``offset`` is the text length before them.

        A pause longer than ``gap`` starts a new burst at ``offset``, so a scan that lands
        after a volunteer's half-typed name can be cut out of the field on its own.
        """
        if count <= 0:
            return
        if self._last is None or now - self._last > self.gap:
            self._burst_chars = 0
            self._burst_offset = offset
        self._burst_chars += count
        self._last = now

    def is_scanner(self, now: float | None = None) -> bool:
        """True when the current burst is machine-typed (and, given ``now``, still fresh)."""
        if self._burst_chars < self.min_chars or self._last is None:
            return False
        return now is None or now - self._last <= self.enter_gap

    def in_burst(self, now: float) -> bool:
        """True while characters are still streaming in fast (a scan may be in progress)."""
        return self._burst_chars >= 2 and self._last is not None and now - self._last <= self.gap

    @property
    def burst_offset(self) -> int:
        """Where in the text the current burst began."""
        return self._burst_offset

    @property
    def burst_chars(self) -> int:
        return self._burst_chars

    def reset(self) -> None:
        self._last = None
        self._burst_chars = 0
        self._burst_offset = 0
