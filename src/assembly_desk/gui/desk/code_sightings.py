"""One card held in front of the webcam is one scan, not thirty.

The camera decodes the same QR code on every frame while a card is held up. A code is
passed on when it first appears, and again only after it has been out of sight for
``ABSENT_S`` seconds (taken away and shown again: the desk then answers "read again").
Pure Python with injected timestamps so the rule is testable without a camera.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ABSENT_S = 1.5


@dataclass
class SightingFilter:
    absent_s: float = ABSENT_S
    _seen: dict[str, float] = field(default_factory=dict)

    def accept(self, code: str, now: float) -> bool:
        """Record a sighting; True when it is a new appearance worth a scan."""
        last = self._seen.get(code)
        self._seen[code] = now
        for other in [c for c, at in self._seen.items() if now - at > 60.0]:
            del self._seen[other]
        return last is None or now - last > self.absent_s
