"""The window's process in the lost-check-ins scenario, run as a child so it can be killed.

It opens the database the way the window does (``open_database``, one ``DbWorker``, the
``DeskService`` that the desk page submits scans to) and takes orders on stdin, one a line:

- ``scan CODE``: a check-in by card code; answers ``done CODE`` once the worker reports it
  checked in (what the desk would show as "입장"), else ``failed CODE <message>``.
- ``dialog plain|app SECONDS``: shows a file picker on the database's folder for that long,
  pumping events, then closes it; ``plain`` is a bare non-native ``QFileDialog`` (today's
  mechanism), ``app`` the one from ``gui.file_dialogs``. Answers ``dialog LOCKS``.
- ``locks``: answers ``locks N``, this process's POSIX locks on the database family files.

It starts by answering ``ready LOCKS``. The parent kills it with SIGKILL; nothing is
flushed or closed on the way out, as after a crash.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QFileDialog

from assembly_desk.gui.widgets.worker import DbWorker, JobError
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.database import open_database
from assembly_desk.services.facade.desk import DeskService
from tests.gui.proc_locks import lock_count


def _pump(app: QApplication, seconds: float, until: list[bool] | None = None) -> None:
    """Run the event loop for ``seconds`` (or until ``until`` holds a value)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(url: str, assembly_id: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    db = open_database(url)
    db_file = Path(url.split("///", 1)[1])
    worker = DbWorker()
    backend = DeskService(db, "desk-1")
    opened: list[bool] = []
    worker.submit(lambda: backend.open(assembly_id), lambda _a: opened.append(True))
    _pump(app, 30, opened)
    _say(f"ready {lock_count(db_file)}")
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "scan":
            code = words[1]
            answer: list[str] = []

            def done(result: object, code: str = code, answer: list[str] = answer) -> None:
                outcome = getattr(result, "outcome", None)  # a kept (offline) scan has none
                if outcome is Outcome.CHECKED_IN:
                    answer.append(f"done {code}")
                else:
                    answer.append(f"failed {code} {outcome or type(result).__name__}")

            def failed(error: JobError, code: str = code, answer: list[str] = answer) -> None:
                answer.append(f"failed {code} {error.message}")

            worker.submit(lambda code=code: backend.scan(code), done, failed)
            _pump(app, 30, answer)
            _say(answer[0] if answer else f"failed {code} timeout")
        elif words[0] == "dialog":
            if words[1] == "plain":
                dialog = QFileDialog(None, "roll", str(db_file.parent))
                dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            else:
                from assembly_desk.gui.widgets.file_dialogs import open_file_dialog

                dialog = open_file_dialog(None, "roll", str(db_file.parent))
            dialog.show()
            _pump(app, float(words[2]))
            dialog.hide()
            dialog.deleteLater()
            _pump(app, 0.1)
            _say(f"dialog {lock_count(db_file)}")
        elif words[0] == "locks":
            _say(f"locks {lock_count(db_file)}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
