"""The database thread: serial jobs, answers on the UI thread, errors that never crash."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from assembly_desk.domain.errors import InvalidInput
from assembly_desk.gui.widgets.worker import DbWorker, JobError

pytestmark = pytest.mark.gui


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[DbWorker]:
    w = DbWorker()
    yield w
    w.shutdown()


def test_a_slow_job_does_not_stop_the_ui_timer(qtbot: QtBot, worker: DbWorker) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    done: list[str] = []
    worker.submit(lambda: time.sleep(0.6) or "slept", done.append)
    qtbot.waitUntil(lambda: done == ["slept"], timeout=30_000)
    timer.stop()
    assert len(ticks) >= 15  # ~30 expected; a blocked UI thread would give 0-1


def test_jobs_run_in_order_off_the_ui_thread_and_answer_on_it(
    qtbot: QtBot, worker: DbWorker
) -> None:
    ui = threading.get_ident()
    ran_in: list[int] = []
    answered_in: list[int] = []
    order: list[int] = []
    for i in range(20):
        worker.submit(
            lambda i=i: (ran_in.append(threading.get_ident()), i)[1],
            lambda value: (order.append(value), answered_in.append(threading.get_ident())),
        )
    qtbot.waitUntil(lambda: len(order) == 20, timeout=30_000)
    assert order == list(range(20))
    assert len(set(ran_in)) == 1 and ui not in ran_in
    assert set(answered_in) == {ui}
    assert worker.pending() == 0


def test_a_desk_error_arrives_as_its_message(qtbot: QtBot, worker: DbWorker) -> None:
    errors: list[JobError] = []

    def refuse() -> None:
        raise InvalidInput("error.undo_reason")

    worker.submit(refuse, None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=30_000)
    assert errors[0].expected
    assert errors[0].message == "취소 사유를 입력하세요"


def test_an_unexpected_error_says_what_to_do_and_the_worker_lives_on(
    qtbot: QtBot, worker: DbWorker
) -> None:
    with qtbot.waitSignal(worker.error, timeout=30_000) as signal:
        worker.submit(lambda: 1 / 0)
    report = signal.args[0]
    assert not report.expected
    assert "ZeroDivisionError" in report.message
    assert "담당자" in report.message  # the what-to-do part
    done: list[int] = []
    worker.submit(lambda: 7, done.append)
    qtbot.waitUntil(lambda: done == [7], timeout=30_000)


def test_a_failing_callback_is_reported_not_raised(qtbot: QtBot, worker: DbWorker) -> None:
    def broken(_value: object) -> None:
        raise RuntimeError("widget gone")

    with qtbot.waitSignal(worker.error, timeout=30_000) as signal:
        worker.submit(lambda: 1, broken)
    assert "widget gone" in signal.args[0].message


def test_background_jobs_wait_until_the_worker_is_idle(qtbot: QtBot, worker: DbWorker) -> None:
    ran: list[str] = []
    worker.submit(lambda: time.sleep(0.2) or ran.append("scan 1"))
    worker.submit(lambda: ran.append("status"), background=True)
    worker.submit(lambda: ran.append("scan 2"))
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=30_000)
    assert ran == ["scan 1", "scan 2", "status"]
