"""Starting the window: application, Korean font, database, main window.

Heavy modules stay out of the start-up path (QtMultimedia loads when the camera or the
first sound is needed), so a volunteer's laptop shows a usable desk in well under two
seconds. A database that cannot be opened is explained in a dialog in the current
language, and the program exits with status 2, as the command line does.

``ASSEMBLY_DESK_STARTUP_PROBE=1`` prints ``startup-ms <n>`` once the window is usable and
quits: the cold-start benchmark uses it.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QWidget

from assembly_desk.domain.errors import DeskError
from assembly_desk.gui import theme
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.main_window import MainWindow
from assembly_desk.gui.preferences import resolve_desk_name
from assembly_desk.gui.widgets.language_menu import follow_language
from assembly_desk.i18n import LANGUAGES, language, on_language_change, set_language, t
from assembly_desk.services.db_location import location_warning
from assembly_desk.services.facade import Services

PROBE_ENV = "ASSEMBLY_DESK_STARTUP_PROBE"
_STARTED = time.perf_counter()


def _saved_language(settings: QSettings) -> None:
    """The language chosen in the menu last time, unless the command line or env chose."""
    if os.environ.get("ASSEMBLY_DESK_LANG") or any(a.startswith("--lang") for a in sys.argv):
        return
    saved = settings.value("language")
    if isinstance(saved, str) and saved in LANGUAGES:
        set_language(saved)


#: Qt's own catalogues by our language; English needs none (Qt's source texts are English).
_QT_CATALOGUES = {"ko": "qtbase_ko"}
_qt_translator: QTranslator | None = None


def use_qt_translations(app: QCoreApplication, lang: str) -> bool:
    """Let Qt's own dialogs (file picker, OK/Cancel, 예/아니요) speak ``lang``.

    Qt ships its translations with PySide6 (``qtbase_ko.qm`` under QLibraryInfo's
    TranslationsPath); without loading one, every standard button stayed English in a
    Korean window. Returns whether a catalogue is now installed. Buttons made before a
    switch keep their text, so the window's own retranslation covers its widgets.
    """
    global _qt_translator
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    name = _QT_CATALOGUES.get(lang)
    if name is None:
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(name, folder):
        return False
    app.installTranslator(translator)
    _qt_translator = translator
    return True


def follow_qt_translations(app: QCoreApplication) -> None:
    """Load Qt's catalogue for the current language now and again at every switch."""
    use_qt_translations(app, language())

    def switched(lang: str) -> None:
        use_qt_translations(app, lang)

    on_language_change(switched)


def _open(db_url: str | None) -> Services | None:
    try:
        return Services.open(db_url)
    except DeskError as error:
        message = error.message()
    except Exception as exc:
        message = t("gui.error.open_failed", detail=f"{type(exc).__name__}: {exc}")
    QMessageBox.critical(None, t("app.title"), message)
    return None


def add_location_warning(window: QMainWindow, url: str) -> QLabel | None:
    """A lasting note in the status bar when the database sits in a folder of documents.

    Allowed, not refused: but those folders are where dialogs, sync and backup programs
    open files, and the app's own data folder is out of their way.
    """
    if location_warning(url) is None:
        return None
    label = QLabel()
    label.setObjectName("dbLocationWarning")
    label.setStyleSheet(
        theme.style(theme.text_style(theme.PALETTE.error_on_bg, weight=600), "padding: 0 8px;")
    )

    def say(target: QWidget) -> None:
        if isinstance(target, QLabel):
            target.setText(location_warning(url) or "")

    say(label)
    follow_language(label, say)
    window.statusBar().addPermanentWidget(label)
    return label


def run_gui(db_url: str | None, assembly_id: int | None, desk: str | None) -> int:
    """Open the window and run until it is closed; the process exit status comes back."""
    os.umask(0o077)  # owner-only files, also when the window is started without the CLI
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("assembly-desk")
    app.setApplicationName("assembly-desk")
    apply_korean_font(app)
    settings = QSettings()
    _saved_language(settings)
    follow_qt_translations(app)
    services = _open(db_url)
    if services is None:
        return 2
    window = MainWindow(services, resolve_desk_name(desk, settings), assembly_id, store=settings)
    window.resize(1280, 800)
    add_location_warning(window, services.url)
    if window.resuming is None:
        window.show()  # else the voting station left open by a crash comes up instead
    if os.environ.get(PROBE_ENV):

        def report() -> None:
            print(f"startup-ms {(time.perf_counter() - _STARTED) * 1000:.0f}", flush=True)
            QTimer.singleShot(0, app.quit)

        if window.is_ready:
            report()
        else:
            window.ready.connect(report)
    else:
        # Load the sounds once the window is up, so the first beep is not late.
        QTimer.singleShot(800, window.sounds.prepare)
    try:
        return int(app.exec())
    finally:
        window.shutdown()
        services.close()
