"""The 언어 / Language menu, and keeping the window in step with the current language.

The menu's own title names both languages, so someone who cannot read the current one
still finds the way back. ``follow_language`` registers a listener that holds the
window only weakly: a closed window must not be called when the language changes later.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from assembly_desk.i18n import LANGUAGES, language, on_language_change, set_language, t

_NAMES = {"ko": "한국어", "en": "English"}


def follow_language(widget: QWidget, retranslate: Callable[[QWidget], None]) -> None:
    ref = weakref.ref(widget)

    def listener(_lang: str) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            retranslate(target)

    on_language_change(listener)


class LanguageMenu(QMenu):
    def __init__(
        self, parent: QWidget | None = None, on_change: Callable[[str], None] | None = None
    ):
        super().__init__(parent)
        self._on_change = on_change
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions_by_lang: dict[str, QAction] = {}
        for lang in LANGUAGES:
            action = QAction(_NAMES.get(lang, lang), self)
            action.setCheckable(True)
            action.setData(lang)
            action.triggered.connect(lambda _checked=False, code=lang: self.choose(code))
            self.group.addAction(action)
            self.addAction(action)
            self.actions_by_lang[lang] = action
        self.retranslate()

    def choose(self, lang: str) -> None:
        if lang != language():
            set_language(lang)
        if self._on_change is not None:
            self._on_change(lang)

    def retranslate(self) -> None:
        self.setTitle(t("gui.menu.language"))
        for lang, action in self.actions_by_lang.items():
            action.setChecked(lang == language())
