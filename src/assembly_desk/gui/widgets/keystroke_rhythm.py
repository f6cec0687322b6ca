"""Telling a keyboard-wedge scanner from a person typing, by the rhythm of the keys.

A scanner "types" a whole card code a few milliseconds per character and ends with Enter;
even a fast typist leaves 60 ms or more between keys. So a burst of characters that all
arrive closer than ``SCANNER_GAP_S`` apart is a scan: the desk then skips the
search-as-you-type flicker and checks in the moment Enter arrives.

The times are the moments the window *handles* each key, not when the scanner sent it.
When the laptop stalls (a busy worker, a swap, a virus scan), a burst arrives with a hole
in it: digits, a pause of a few hundred milliseconds, the rest of the digits, Enter. Cut
at the hole, the tail alone is a wrong code and the desk would answer "카드 번호 오류" at
the door. So the detector remembers the bursts before the last one: ``scan_start`` walks
back across pauses up to ``STALL_S`` long, while the text stays one contiguous piece, and
takes the start from which the text is a complete code (the caller checks the code's
check digit). A person's slow typing never qualifies: it has no fast burst of
``MIN_SCAN_CHARS`` in it.

Pure Python with injected timestamps, so the thresholds are unit-tested without Qt events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

SCANNER_GAP_S = 0.030  # keys closer than this belong to one machine-typed burst
MIN_SCAN_CHARS = 6  # fewer fast characters than this could be a typist's lucky roll
ENTER_GAP_S = 0.150  # a scanner's Enter follows its last character almost at once
STALL_S = 1.5  # a pause up to this long may be the laptop stalling inside one scan
MAX_BRIDGED_CHARS = 16  # no card code is longer: stop walking back past this many


@dataclass(frozen=True, slots=True)
class Burst:
    """Characters that arrived closer than the gap apart, from ``offset`` in the text."""

    offset: int
    chars: int
    first: float  # when its first character arrived
    last: float  # and its last

    @property
    def end(self) -> int:
        return self.offset + self.chars

    @property
    def fast(self) -> bool:
        """Two or more characters inside the gap: machine rhythm (one key proves nothing)."""
        return self.chars >= 2


@dataclass
class KeystrokeRhythm:
    """Follows the bursts of characters: where each began, how many, when it ended."""

    gap: float = SCANNER_GAP_S
    min_chars: int = MIN_SCAN_CHARS
    enter_gap: float = ENTER_GAP_S
    stall: float = STALL_S
    _bursts: list[Burst] = field(default_factory=list)

    def feed(self, now: float, count: int = 1, offset: int = 0) -> None:
        """``count`` characters arrived at ``now``; ``offset`` is the text length before them.

        A pause longer than ``gap`` starts a new burst at ``offset``, so a scan that lands
        after a volunteer's half-typed name can be cut out of the field on its own.
        """
        if count <= 0:
            return
        last = self._bursts[-1] if self._bursts else None
        if last is None or now - last.last > self.gap or offset != last.end:
            self._bursts.append(Burst(offset, count, now, now))
            del self._bursts[:-MAX_BRIDGED_CHARS]  # a burst has at least one character
        else:
            self._bursts[-1] = Burst(last.offset, last.chars + count, last.first, now)

    def is_scanner(self, now: float | None = None) -> bool:
        """True when the last burst is machine-typed (and, given ``now``, still fresh)."""
        last = self._bursts[-1] if self._bursts else None
        if last is None or last.chars < self.min_chars:
            return False
        return now is None or now - last.last <= self.enter_gap

    def scan_start(self, now: float, complete: Callable[[int], bool]) -> int | None:
        """Where the scan that Enter at ``now`` ends began, or None when it was typing.

        ``complete(offset)`` says whether the text from ``offset`` is a whole card code.
        An unbroken burst with a prompt Enter is a scan whatever it holds (a misread card
        must still be answered as a wrong code). Across a stall, before the Enter or
        inside the digits, only a complete code counts: then the pauses were the laptop's.
        """
        if not self._bursts or now - self._bursts[-1].last > self.stall:
            return None
        plain = self.is_scanner(now)
        tail = self._bursts[-1].offset
        if plain and complete(tail):
            return tail
        for offset in self._bridged_starts():
            if complete(offset):
                return offset
        return tail if plain else None

    def _bridged_starts(self) -> list[int]:
        """Starts reachable from the last burst across stalls, with enough fast characters."""
        starts: list[int] = []
        later = self._bursts[-1]
        chars = later.chars
        fast_chars = later.chars if later.fast else 0
        if fast_chars >= self.min_chars:
            starts.append(later.offset)
        for burst in reversed(self._bursts[:-1]):
            pause_ok = burst.end == later.offset and later.first - burst.last <= self.stall
            chars += burst.chars
            if not pause_ok or chars > MAX_BRIDGED_CHARS:
                break
            fast_chars += burst.chars if burst.fast else 0
            if fast_chars >= self.min_chars:
                starts.append(burst.offset)
            later = burst
        return starts

    def in_burst(self, now: float) -> bool:
        """True while characters are still streaming in fast (a scan may be in progress)."""
        last = self._bursts[-1] if self._bursts else None
        return last is not None and last.chars >= 2 and now - last.last <= self.gap

    @property
    def burst_offset(self) -> int:
        """Where in the text the last burst began."""
        return self._bursts[-1].offset if self._bursts else 0

    @property
    def burst_chars(self) -> int:
        return self._bursts[-1].chars if self._bursts else 0

    def reset(self) -> None:
        self._bursts.clear()
