"""The three desk sounds, written as small WAV files with the stdlib ``wave`` module.

Generating them at first use keeps binary files out of the repository and lets the shapes
be read here: green is one high beep, amber two middle beeps, red a low buzz. A
volunteer looking at a face rather than the screen still hears which of the three it was.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
VOLUME = 0.45

# (frequency Hz or 0 for silence, duration s, square wave?)
Segment = tuple[float, float, bool]
SHAPES: dict[str, tuple[Segment, ...]] = {
    "green": ((1568.0, 0.14, False),),
    "amber": ((880.0, 0.11, False), (0.0, 0.07, False), (880.0, 0.11, False)),
    "red": ((196.0, 0.42, True),),
}


def samples(shape: tuple[Segment, ...]) -> list[int]:
    """16-bit samples with a 5 ms fade at each edge so the speaker does not click."""
    out: list[int] = []
    fade = int(RATE * 0.005)
    for freq, seconds, square in shape:
        n = int(RATE * seconds)
        for i in range(n):
            if freq == 0.0:
                out.append(0)
                continue
            phase = math.sin(2 * math.pi * freq * i / RATE)
            value = (1.0 if phase >= 0 else -1.0) * 0.6 if square else phase
            edge = min(1.0, i / fade, (n - 1 - i) / fade) if fade else 1.0
            out.append(int(32767 * VOLUME * value * max(edge, 0.0)))
    return out


def write_wav(path: Path, shape: tuple[Segment, ...]) -> Path:
    data = samples(shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(data)}h", *data))
    tmp.replace(path)
    return path


def ensure_tones(folder: Path) -> dict[str, Path]:
    """The WAV file for each colour, written once into ``folder``."""
    paths = {}
    for colour, shape in SHAPES.items():
        path = folder / f"desk-{colour}.wav"
        if not path.exists():
            write_wav(path, shape)
        paths[colour] = path
    return paths
