"""A short sound per banner colour, played through QtMultimedia when there is a speaker.

QtMultimedia is imported on first use (after the window is up), not at start-up. With no
audio device — a laptop without sound, the offscreen test platform — the desk stays
silent rather than failing: a missing beep must never stop a check-in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl

from assembly_desk.gui.widgets.tones import ensure_tones

log = logging.getLogger(__name__)


def default_folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("assembly-desk", appauthor=False)) / "sounds"


class Sounds(QObject):
    """``audio_outputs`` lists the speakers (QtMultimedia's by default; tests pass none)."""

    def __init__(
        self,
        enabled: bool = True,
        folder: Path | None = None,
        parent: QObject | None = None,
        audio_outputs: Callable[[], Sequence[object]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._folder = folder
        self._audio_outputs = audio_outputs
        self._effects: dict[str, Any] | None = None  # None: not tried yet; {}: silent

    @property
    def silent(self) -> bool:
        """True when a banner will make no sound: switched off, or no speaker was found."""
        return not self.enabled or self._effects == {}

    def prepare(self) -> bool:
        """Load the effects now (idempotent); False when the desk will stay silent."""
        if self._effects is None:
            self._effects = self._load()
        return bool(self._effects)

    def play(self, colour: str) -> None:
        if not self.enabled or not self.prepare():
            return
        assert self._effects is not None
        effect = self._effects.get(colour)
        if effect is not None:
            effect.stop()
            effect.play()

    def _load(self) -> dict[str, Any]:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

            outputs = self._audio_outputs or QMediaDevices.audioOutputs
            if not outputs():
                log.info("no audio output: the desk stays silent")
                return {}
            paths = ensure_tones(self._folder or default_folder())
        except Exception:
            log.exception("sounds unavailable")
            return {}
        effects: dict[str, Any] = {}
        for colour, path in paths.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            effects[colour] = effect
        return effects
