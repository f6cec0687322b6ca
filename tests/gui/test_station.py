"""The voting station: scan, ballot, review, confirm, thanks — and every way it refuses.

Each test drives a real ``StationWindow`` (shown, not full screen) on a real SQLite
database through its own worker thread, and checks what was stored: one issue and one
ballot after a confirmed vote, nothing at all after a refusal or a walk-away.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from assembly_desk.domain.contests import BallotType, Contest, ContestDefinition, Option
from assembly_desk.gui.station.ballot_widgets import (
    BudgetBallot,
    ChooseNBallot,
    RankedBallot,
    ScoreBallot,
)
from assembly_desk.gui.station.state import Phase, StationState
from assembly_desk.gui.station.text import review_lines
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.i18n import t
from assembly_desk.persistence.models_ballots import BallotIssueRow, BallotRow
from assembly_desk.services import contests
from assembly_desk.services.database import Database
from assembly_desk.services.facade.station import StationService
from tests.ballots.helpers import (
    CHAIR,
    budget,
    choose,
    open_poll,
    ranked,
    score,
    seed_people,
    setup,
    yes_no,
)
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.gui
WAIT_MS = 30_000  # an upper bound: waits end as soon as the condition holds


class Asker:
    """Stands in for the passphrase dialog: hands out prepared answers, records the asks."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, _parent: object) -> str | None:
        self.asked += 1
        return self.answers.pop(0) if self.answers else None


@pytest.fixture
def make_station(qtbot: QtBot, db: Database) -> Iterator[Callable[..., StationWindow]]:
    made: list[StationWindow] = []

    def make(assembly_id: int, **kwargs: object) -> StationWindow:
        kwargs.setdefault("thanks_s", 0.2)
        kwargs.setdefault("ask", Asker())
        station = StationWindow(StationService(db, assembly_id), **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(station)
        station.resize(1280, 800)
        station.show()
        qtbot.waitExposed(station)
        made.append(station)
        return station

    yield make
    for station in made:
        station.force_close()


def scan(qtbot: QtBot, station: StationWindow, code: str) -> None:
    """The attendant's scanner: digits at machine speed, then Enter, into the field."""
    assert station.field.hasFocus() or station.field.isEnabled()
    qtbot.keyClicks(station.field, code)
    qtbot.keyClick(station.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: station.phase is not Phase.UNLOCKING, timeout=WAIT_MS)


def click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_phase(qtbot: QtBot, station: StationWindow, phase: Phase) -> None:
    qtbot.waitUntil(lambda: station.phase is phase, timeout=WAIT_MS)


def counts(db: Database) -> tuple[int, int]:
    """(ballots issued, ballots stored): in the database, or waiting in the station's box."""
    with db.uow() as uow:
        issues = uow.session.execute(select(func.count()).select_from(BallotIssueRow)).scalar()
        ballots = uow.session.execute(select(func.count()).select_from(BallotRow)).scalar()
    return int(issues or 0), int(ballots or 0) + len(db.boxes.station_box().ballots())


def stored(db: Database) -> list[dict]:
    """Every stored selection: delivered to the database, or waiting in the station's box."""
    with db.uow() as uow:
        delivered = [
            json.loads(s) for s in uow.session.execute(select(BallotRow.selection_json)).scalars()
        ]
    return delivered + [json.loads(b.selection_json) for b in db.boxes.station_box().ballots()]


def vote_through(qtbot: QtBot, station: StationWindow) -> None:
    """다음 → review → 확인, waiting for the database in between."""
    click(qtbot, station.next_button)
    assert station.phase is Phase.REVIEW
    click(qtbot, station.confirm_button)
    qtbot.waitUntil(lambda: station.phase is not Phase.CASTING, timeout=WAIT_MS)


# -- the whole walk --------------------------------------------------------------------


def test_a_voter_votes_once_and_the_station_locks_again(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, contest, voters = setup(db, yes_no())
    station = make_station(aid)
    assert station.phase is Phase.LOCKED
    assert station.locked_heading.text() == "투표 카드를 스캔해 주세요"
    assert station.pages.currentWidget() is station.locked_page

    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.BALLOT
    assert station.pages.currentWidget() is station.ballot_page
    assert station.contest_title.text() == contest.definition.title
    click(qtbot, station.ballot.buttons["yes"])  # type: ignore[union-attr]
    click(qtbot, station.next_button)
    assert station.phase is Phase.REVIEW
    assert station.review_text.text() == "찬성"
    assert counts(db) == (0, 0)  # nothing before 확인

    click(qtbot, station.confirm_button)
    wait_phase(qtbot, station, Phase.THANKS)
    assert station.thanks_heading.text() == "투표해 주셔서 감사합니다"
    assert station.state.person_id is None and station.ballot is None
    wait_phase(qtbot, station, Phase.LOCKED)
    assert station.review_text.text() == ""
    assert counts(db) == (1, 1)
    assert stored(db) == [{"vote": "yes"}]

    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.LOCKED
    assert station.notice.text() == t("gui.station.refused.already_voted_all")
    assert station.notice.property("kind") == "red"
    assert counts(db) == (1, 1)


def test_two_open_contests_are_voted_one_after_the_other(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _first, voters = setup(db, yes_no())
    with db.uow() as uow:
        second = contests.create_contest(uow, aid, choose(2), FIXED_NOW)
    open_poll(db, second.id)
    station = make_station(aid)
    scan(qtbot, station, voters[1].code)
    assert station.progress.text() == "투표 1 / 2" and station.progress.isVisible()
    station.ballot.press_digit(2)  # type: ignore[union-attr]  # 반대
    vote_through(qtbot, station)
    assert station.phase is Phase.BALLOT
    assert station.contest_title.text() == second.definition.title
    assert isinstance(station.ballot, ChooseNBallot) and not station.ballot.chosen()
    station.ballot.press_digit(1)
    station.ballot.press_digit(3)
    vote_through(qtbot, station)
    assert station.phase is Phase.THANKS
    assert counts(db) == (2, 2)
    assert sorted(map(json.dumps, stored(db))) == sorted(
        map(json.dumps, [{"vote": "no"}, {"choices": ["김민수", "박철수"]}])
    )


def test_keyboard_only_digits_and_enter(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, yes_no())
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    qtbot.keyClick(station, Qt.Key.Key_Return)  # nothing chosen yet: a hint, no review
    assert station.phase is Phase.BALLOT
    assert station.ballot_message.text() == t("gui.station.invalid.bad_vote")
    qtbot.keyClick(station, Qt.Key.Key_3)
    qtbot.keyClick(station, Qt.Key.Key_Return)
    assert station.phase is Phase.REVIEW and station.review_text.text() == "기권"
    qtbot.keyClick(station, Qt.Key.Key_Backspace)  # 수정
    assert station.phase is Phase.BALLOT
    assert station.ballot.selection() == {"vote": "abstain"}  # type: ignore[union-attr]
    qtbot.keyClick(station, Qt.Key.Key_1)
    qtbot.keyClick(station, Qt.Key.Key_Return)
    qtbot.keyClick(station, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: station.phase is not Phase.CASTING, timeout=WAIT_MS)
    assert stored(db) == [{"vote": "yes"}]


def test_revise_keeps_the_marks(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, choose(2))
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    ballot = station.ballot
    assert isinstance(ballot, ChooseNBallot)
    click(qtbot, ballot.buttons[1])
    click(qtbot, station.next_button)
    assert station.review_text.text() == "✔ 이영희"
    click(qtbot, station.revise_button)
    assert station.phase is Phase.BALLOT and ballot.chosen() == ["이영희"]
    click(qtbot, ballot.buttons[3])
    assert station.status_line.text() == "2 / 2 선택"
    vote_through(qtbot, station)
    assert stored(db) == [{"choices": ["이영희", "최지원"]}]


# -- refusals stay locked, in words ----------------------------------------------------


def test_unknown_card_is_refused(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, _voters = setup(db)
    station = make_station(aid)
    scan(qtbot, station, "12345678901")
    assert station.phase is Phase.LOCKED
    assert station.notice.text() == t("gui.station.refused.unknown_card")
    assert station.notice.property("kind") == "red"


def test_not_checked_in_is_refused(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, _voters = setup(db)
    [late] = seed_people(db, aid, 1, checked_in=False)
    station = make_station(aid)
    scan(qtbot, station, late.code)
    assert station.phase is Phase.LOCKED
    assert "입장 확인" in station.notice.text()
    assert station.notice.text() == t("gui.station.refused.not_checked_in")
    assert counts(db) == (0, 0)


def test_no_open_poll_is_refused(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, open_=False)
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.LOCKED
    assert station.notice.text() == t("gui.station.refused.no_open_poll")


def test_not_on_panel_is_refused(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, contest, voters = setup(db, score(panel=True), open_=False)
    with db.uow() as uow:
        contests.set_panel(uow, contest.id, [voters[0].id], FIXED_NOW)
    open_poll(db, contest.id)
    station = make_station(aid)
    scan(qtbot, station, voters[1].code)
    assert station.notice.text() == t("gui.station.refused.not_on_panel")
    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.BALLOT and isinstance(station.ballot, ScoreBallot)


def test_a_poll_closed_while_reviewing_stores_nothing(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, contest, voters = setup(db)
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    station.ballot.press_digit(1)  # type: ignore[union-attr]
    click(qtbot, station.next_button)
    with db.uow() as uow:
        contests.close_poll(uow, contest.id, CHAIR, FIXED_NOW)
    click(qtbot, station.confirm_button)
    wait_phase(qtbot, station, Phase.LOCKED)
    assert station.notice.text() == t("gui.station.cast.closed")
    assert counts(db) == (0, 0)


# -- walking away ------------------------------------------------------------------------


def test_an_abandoned_ballot_times_out_and_stores_nothing(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db)
    station = make_station(aid, idle_timeout_s=0.3)
    scan(qtbot, station, voters[0].code)
    station.ballot.press_digit(1)  # type: ignore[union-attr]
    click(qtbot, station.next_button)
    assert station.phase is Phase.REVIEW
    wait_phase(qtbot, station, Phase.LOCKED)
    assert station.notice.text() == t("gui.station.timed_out")
    assert station.state.person_id is None and station.ballot is None
    assert counts(db) == (0, 0)
    scan(qtbot, station, voters[0].code)  # they come back
    assert station.phase is Phase.BALLOT
    assert station.ballot.selection() == {"vote": None}  # type: ignore[union-attr]


def test_touching_the_ballot_keeps_it_alive(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, choose(2))
    station = make_station(aid, idle_timeout_s=1.0)
    scan(qtbot, station, voters[0].code)
    buttons = station.ballot.buttons  # type: ignore[union-attr]
    for i in range(6):
        qtbot.wait(250)
        click(qtbot, buttons[i % 2])
    assert station.phase is Phase.BALLOT  # 1.5 s in, never 1 s idle


# -- the ballot types' limits ----------------------------------------------------------


def test_choose_n_refuses_more_than_n(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, choose(2))
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    ballot = station.ballot
    assert isinstance(ballot, ChooseNBallot)
    for button in ballot.buttons[:3]:
        click(qtbot, button)
    assert ballot.chosen() == ["김민수", "이영희"]
    assert not ballot.buttons[2].isChecked()
    assert station.ballot_message.text() == t("gui.station.max_n", n=2)
    click(qtbot, ballot.buttons[0])  # take one back, then the third fits
    click(qtbot, ballot.buttons[2])
    assert ballot.chosen() == ["이영희", "박철수"]
    assert station.ballot_message.text() == ""
    vote_through(qtbot, station)
    assert stored(db) == [{"choices": ["이영희", "박철수"]}]


def test_budget_over_the_cap_is_refused(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, budget())  # cap 7,000,000
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    ballot = station.ballot
    assert isinstance(ballot, BudgetBallot)
    click(qtbot, ballot.buttons[0])  # 놀이터 3,000,000
    click(qtbot, ballot.buttons[1])  # 도서관 5,000,000: 8,000,000 > cap
    assert ballot.chosen() == ["놀이터"]
    assert station.ballot_message.text() == t("gui.station.over_cap", cap="7,000,000원")
    click(qtbot, ballot.buttons[2])  # 가로등 2,000,000: 5,000,000
    assert station.status_line.text() == "합계 5,000,000원 / 한도 7,000,000원"
    click(qtbot, station.next_button)
    assert station.review_text.text().splitlines()[-1] == "합계 5,000,000원 / 한도 7,000,000원"
    click(qtbot, station.confirm_button)
    qtbot.waitUntil(lambda: station.phase is not Phase.CASTING, timeout=WAIT_MS)
    assert stored(db) == [{"choices": ["놀이터", "가로등"]}]


def test_ranked_taps_in_order_and_clears(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, ranked())
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    ballot = station.ballot
    assert isinstance(ballot, RankedBallot) and station.clear_button.isVisible()
    click(qtbot, ballot.buttons[2])
    click(qtbot, ballot.buttons[0])
    assert [b.text() for b in ballot.buttons] == ["2순위  ·  A", "B", "1순위  ·  C"]
    click(qtbot, station.clear_button)
    assert ballot.selection() == {"ranking": []}
    for i in (1, 2, 0):
        click(qtbot, ballot.buttons[i])
    click(qtbot, ballot.buttons[2])  # tap again: out, the rest move up
    assert ballot.selection() == {"ranking": ["B", "A"]}
    vote_through(qtbot, station)
    assert stored(db) == [{"ranking": ["B", "A"]}]


def test_score_sheet_needs_every_score(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, score(panel=False))
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    ballot = station.ballot
    assert isinstance(ballot, ScoreBallot)
    click(qtbot, ballot.steppers[("후보1", "비전")].plus)
    click(qtbot, station.next_button)
    assert station.phase is Phase.BALLOT
    assert station.ballot_message.text() == t("gui.station.invalid.missing_score")
    for (name, _criterion), stepper in ballot.steppers.items():
        for _ in range(3 if name == "후보1" else 1):
            click(qtbot, stepper.plus)
    vote_through(qtbot, station)
    assert stored(db) == [
        {"scores": {"후보1": {"비전": 4, "실행계획": 3}, "후보2": {"비전": 1, "실행계획": 1}}}
    ]


# -- leaving kiosk mode ------------------------------------------------------------------


def test_leaving_needs_the_chair_passphrase(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, _voters = setup(db)
    asker = Asker(None, "틀린 암호입니다", CHAIR)
    station = make_station(aid, ask=asker)
    closed: list[bool] = []
    station.closed.connect(lambda: closed.append(True))

    qtbot.keyClick(station.field, Qt.Key.Key_Escape)  # cancelled
    assert asker.asked == 1 and station.isVisible()

    station.close()  # the window's close button: asks too
    qtbot.waitUntil(lambda: asker.asked == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: station.notice.text() != "", timeout=WAIT_MS)
    assert station.notice.text() == t("gui.station.exit_wrong")
    assert station.isVisible() and not closed

    qtbot.keyClick(station.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(closed), timeout=WAIT_MS)
    assert not station.isVisible()


# -- the Qt-free parts -------------------------------------------------------------------


def _contest(defn: ContestDefinition, cid: int = 1) -> Contest:
    return Contest(cid, 1, contests.PollState.OPEN, defn)


def test_state_machine_walk_and_forgetting() -> None:
    state = StationState()
    assert state.confirm() is None and not state.in_session
    assert state.scanned() and not state.scanned()  # a second scan while busy is ignored
    state.unlocked(7, (_contest(yes_no()), _contest(choose(), 2)), None)
    assert state.phase is Phase.BALLOT and state.person_id == 7 and state.in_session
    state.chosen({"vote": "yes"})
    state.revise()
    state.chosen({"vote": "no"})
    assert state.confirm() == (1, 7, {"vote": "no"})
    assert state.phase is Phase.CASTING and not state.in_session
    state.cast_done()
    assert state.phase is Phase.BALLOT and state.progress == (2, 2) and state.selection is None
    state.chosen({"choices": ["김민수"]})
    state.confirm()
    state.cast_done()
    assert state.phase is Phase.THANKS and state.person_id is None and state.cast_count == 2
    state.thanks_over()
    assert state.phase is Phase.LOCKED and state.notice is None


def test_state_machine_refusals_timeouts_and_failures() -> None:
    state = StationState()
    state.scanned()
    state.unlocked(3, (), "not_checked_in")
    assert state.phase is Phase.LOCKED and state.person_id is None
    assert state.notice is not None and state.notice.key.endswith("not_checked_in")
    state.scanned()
    state.unlocked(3, (_contest(yes_no()),), None)
    state.chosen({"vote": "yes"})
    state.timed_out()
    assert state.phase is Phase.LOCKED and state.selection is None and state.person_id is None
    assert state.notice is not None and not state.notice.refusal
    state.scanned()
    state.unlocked(3, (_contest(yes_no()),), None)
    state.chosen({"vote": "yes"})
    state.confirm()
    state.timed_out()  # no walk-away while the database stores it
    assert state.phase is Phase.CASTING
    state.cast_failed("gui.station.cast.already")
    assert state.phase is Phase.LOCKED and state.person_id is None


def test_review_lines_in_words() -> None:
    assert review_lines(yes_no(), {"vote": "no"}) == ["반대"]
    assert review_lines(ranked(), {"ranking": ["B", "A"]}) == ["1순위: B", "2순위: A"]
    assert review_lines(score(), {"scores": {"후보1": {"비전": 7, "실행계획": 15}}}) == [
        "후보1: 비전 7, 실행계획 15 (합계 22점)"
    ]
    plain = ContestDefinition("x", BallotType.SCORE, (Option("갑"),), max_score=5)
    assert review_lines(plain, {"scores": {"갑": 4}}) == ["갑: 4점"]
    assert review_lines(budget(), {"choices": ["도서관"]}) == [
        "✔ 도서관  (5,000,000원)",
        "합계 5,000,000원 / 한도 7,000,000원",
    ]


def test_a_failed_cast_leaks_no_ballot_into_logs(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error's text would carry the selection; the station's error does not."""
    from assembly_desk.services.facade import station as station_backend

    def broken(*_args: object) -> None:
        raise RuntimeError("INSERT … parameters: {'person_id': 7, 'selection_json': '{\"vote\"'}")

    monkeypatch.setattr(station_backend.voting, "cast", broken)
    with pytest.raises(station_backend.CastFailed) as err:
        StationService(db, 1).cast(1, 7, {"vote": "yes"})
    assert str(err.value) == "RuntimeError"
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_the_station_shows_a_motion_s_text(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    text = "주민센터 옥상에 텃밭을 조성하고 운영은 주민자치회가 맡는다.\n비용은 주민참여예산에서."
    motion = ContestDefinition("텃밭 조성안 승인", BallotType.YES_NO, description=text)
    aid, _contest, voters = setup(db, motion)
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.BALLOT
    assert station.motion_text.isVisible()
    assert station.motion_text.text() == text
    click(qtbot, station.ballot.buttons["no"])  # type: ignore[union-attr]
    vote_through(qtbot, station)
    wait_phase(qtbot, station, Phase.LOCKED)
    assert stored(db) == [{"vote": "no"}]


def test_a_contest_without_text_shows_none(
    qtbot: QtBot, db: Database, make_station: Callable[..., StationWindow]
) -> None:
    aid, _contest, voters = setup(db, yes_no())
    station = make_station(aid)
    scan(qtbot, station, voters[0].code)
    assert station.phase is Phase.BALLOT
    assert not station.motion_text.isVisible()
