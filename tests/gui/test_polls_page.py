"""The chair's poll console: passphrase, drafts, open and close, and edits refused once open.

Driven through the real main window (the 안건·투표 tab) on a seeded roll; the passphrase
dialog is replaced by prepared answers, so each test reads like the chair's clicks.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assembly_desk.domain.contests import BallotType, Criterion, Option, PollState, VoterScope
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.gui.main_window import POLLS, RESULTS, MainWindow
from assembly_desk.gui.polls.form import (
    ContestForm,
    from_definition,
    parse_codes,
    to_definition,
)
from assembly_desk.gui.polls.page import PollsPage
from assembly_desk.gui.station.window import StationWindow
from assembly_desk.i18n import t
from assembly_desk.services import contests, signers, voting
from assembly_desk.services.database import Database
from tests.ballots.helpers import seed_people
from tests.conftest import FIXED_NOW
from tests.gui.conftest import WAIT_MS, Roll
from tests.tally.helpers import DEFAULT_SIGNERS

pytestmark = pytest.mark.gui
CHAIR = "의장 암호 2026"


class Answers:
    """Stands in for the password dialog: prepared answers in order; None = cancel."""

    def __init__(self) -> None:
        self.queue: list[str | None] = []
        self.prompts: list[str] = []

    def __call__(self, _parent: object, _title: str, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.queue.pop(0) if self.queue else None


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow) -> PollsPage:
    window.tabs.setCurrentIndex(POLLS)
    polls = window.polls_page
    polls.ask = Answers()
    settle(qtbot, window)
    return polls


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.worker.pending() == 0, timeout=WAIT_MS)


def answer(page: PollsPage, *values: str | None) -> None:
    page.ask.queue.extend(values)  # type: ignore[attr-defined]


def set_chair(qtbot: QtBot, window: MainWindow, page: PollsPage) -> None:
    answer(page, CHAIR, CHAIR)
    page.passphrase_button.click()
    settle(qtbot, window)


def fill(page: PollsPage, form: ContestForm) -> None:
    page.new_contest()
    page.load_form(form)


def states(page: PollsPage) -> list[str]:
    return [page.table.item(r, 3).text() for r in range(page.table.rowCount())]


def test_the_tab_and_the_passphrase(qtbot: QtBot, window: MainWindow, page: PollsPage) -> None:
    assert window.tabs.tabText(POLLS) == "안건·투표"
    assert window.tabs.isTabEnabled(POLLS)
    assert page.passphrase_state.text() == t("gui.polls.passphrase_none")
    answer(page, CHAIR, "다른 암호입니다")
    page.passphrase_button.click()
    assert page.message.text() == t("gui.polls.passphrase_mismatch")
    assert page.message.tone == "error"  # the shared status line, in the refusal's colour
    answer(page, "짧다", "짧다")
    page.passphrase_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("poll.passphrase_short", min=6)
    set_chair(qtbot, window, page)
    assert page.message.text() == t("gui.polls.passphrase_saved")
    assert page.message.tone == "ok"
    assert page.console.has_passphrase
    assert page.passphrase_button.text() == t("gui.polls.passphrase_change")
    answer(page, "틀린 현재 암호", "새 의장 암호 2027", "새 의장 암호 2027")
    page.passphrase_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("poll.wrong_passphrase")


def test_draft_open_refused_edit_close(
    qtbot: QtBot, window: MainWindow, page: PollsPage, db: Database, seeded: Roll
) -> None:
    set_chair(qtbot, window, page)
    fill(
        page,
        ContestForm(
            "주민자치회 위원 선출", BallotType.CHOOSE_N, "김민수\n이영희\n박철수\n", max_choices=2
        ),
    )
    assert page.labels["max_choices"].isVisibleTo(page)
    assert not page.budget_cap.isVisibleTo(page)
    page.save_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("gui.polls.saved", title="주민자치회 위원 선출")
    assert page.table.rowCount() == 1 and states(page) == ["초안"]
    assert page.table.item(0, 4).text() == "0" and page.table.item(0, 5).text() == "0"
    assert page.editing is not None and page.selected_row() is not None
    contest_id = page.editing

    page.title_edit.setText("주민자치회 위원 선출 (수정)")  # a draft may change
    page.save_button.click()
    settle(qtbot, window)
    assert page.table.item(0, 1).text() == "주민자치회 위원 선출 (수정)"
    assert page.open_button.isEnabled() and not page.close_button.isEnabled()

    answer(page, "틀린 암호예요")
    page.open_button.click()
    settle(qtbot, window)
    assert page.message.text() == "의장 암호가 맞지 않습니다"
    assert states(page) == ["초안"]

    answer(page, None)  # cancelled: nothing happens
    page.open_button.click()
    settle(qtbot, window)
    assert states(page) == ["초안"]

    answer(page, CHAIR)
    page.open_button.click()
    settle(qtbot, window)
    assert states(page) == ["진행 중"]
    assert page.close_button.isEnabled() and not page.open_button.isEnabled()

    page.select_contest(contest_id)
    page.title_edit.setText("바꾸려는 제목")
    page.save_button.click()
    settle(qtbot, window)
    assert page.message.text() == "투표가 시작된 안건은 수정할 수 없습니다"
    with db.uow() as uow:
        assert contests.get_contest(uow, contest_id).definition.title.endswith("(수정)")

    answer(page, CHAIR)
    page.close_button.click()
    settle(qtbot, window)
    assert states(page) == ["마감"]
    with db.uow() as uow:
        assert contests.get_contest(uow, contest_id).state is PollState.CLOSED


def test_invalid_definitions_are_explained(
    qtbot: QtBot, window: MainWindow, page: PollsPage
) -> None:
    fill(page, ContestForm("", BallotType.YES_NO))
    page.save_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("contest.title_required")
    fill(page, ContestForm("예산", BallotType.BUDGET, "놀이터\n", budget_cap="1000"))
    page.save_button.click()
    assert page.message.text() == t("gui.polls.bad_cost_line", line="놀이터")
    assert page.table.rowCount() == 0


def test_panel_by_card_codes_and_a_budget(
    qtbot: QtBot, window: MainWindow, page: PollsPage, db: Database, seeded: Roll
) -> None:
    fill(
        page,
        ContestForm(
            "동장 후보 평가",
            BallotType.SCORE,
            "후보1\n후보2",
            criteria="비전 10\n실행계획 20",
            scope=VoterScope.PANEL,
            panel_codes=f"{seeded.lee.card_code}\n0000000000",
        ),
    )
    assert page.panel_edit.isVisibleTo(page) and page.criteria_edit.isVisibleTo(page)
    page.save_button.click()
    settle(qtbot, window)
    assert page.message.text() == t("gui.polls.bad_code", code="0000000000")
    assert page.table.rowCount() == 0  # nothing written for a bad code
    page.panel_edit.setPlainText(f"{seeded.lee.card_code}, {seeded.kim_a.card_code}")
    page.save_button.click()
    settle(qtbot, window)
    with db.uow() as uow:
        [contest] = contests.list_contests(uow, seeded.assembly_id)
    assert contest.panel == {seeded.lee.person.id, seeded.kim_a.person.id}
    assert contest.definition.criteria == (Criterion("비전", 10), Criterion("실행계획", 20))
    assert len(page.panel_edit.toPlainText().splitlines()) == 2  # shown back as codes

    fill(page, ContestForm("예산", BallotType.BUDGET, "놀이터 3,000,000\n도서관 | 5000000원"))
    page.budget_cap.setText("7,000,000")
    page.save_button.click()
    settle(qtbot, window)
    with db.uow() as uow:
        budget = contests.list_contests(uow, seeded.assembly_id)[1].definition
    assert budget.options == (Option("놀이터", 3_000_000), Option("도서관", 5_000_000))
    assert budget.budget_cap == 7_000_000


def test_station_mode_needs_a_passphrase_first(
    qtbot: QtBot, window: MainWindow, page: PollsPage
) -> None:
    assert window.station_action.text() == "투표소 모드 시작"
    window.tabs.setCurrentIndex(0)
    assert window.start_station(full_screen=False) is None
    assert window.tabs.currentIndex() == POLLS
    set_chair(qtbot, window, page)
    station = window.start_station(full_screen=False)
    assert isinstance(station, StationWindow) and station.isVisible()
    assert window.start_station(full_screen=False) is station  # one at a time
    window.shutdown()  # closing the main window closes the station without asking
    assert window.station is None and not station.isVisible()


# -- the form's text, without a window ------------------------------------------------------


def test_form_round_trip_and_errors() -> None:
    form = ContestForm(
        "예산", BallotType.BUDGET, "놀이터 3,000,000원\n 도서관: 5000000 ", budget_cap="7,000,000원"
    )
    defn = to_definition(form)
    assert defn.options == (Option("놀이터", 3_000_000), Option("도서관", 5_000_000))
    assert defn.budget_cap == 7_000_000
    assert to_definition(from_definition(defn)) == defn
    yes = to_definition(ContestForm("찬반", BallotType.YES_NO, "잊은 줄", max_choices=3))
    assert yes.options == () and yes.max_choices == 1
    with pytest.raises(InvalidInput) as err:
        to_definition(ContestForm("평가", BallotType.SCORE, "갑", criteria="비전"))
    assert err.value.key == "gui.polls.bad_criterion_line"
    with pytest.raises(InvalidInput):
        to_definition(ContestForm("예산", BallotType.BUDGET, "놀이터 1", budget_cap="많이"))
    assert parse_codes(" 1234-5678-901, 2222\n\n3333 ") == ["1234-5678-901", "2222", "3333"]


# -- the counting rule belongs to the contest ----------------------------------------------


def test_a_1_in_3_contest_made_in_the_form_elects_three_when_counted_from_the_window(
    qtbot: QtBot, window: MainWindow, page: PollsPage, db: Database, seeded: Roll
) -> None:
    set_chair(qtbot, window, page)
    fill(page, ContestForm("주민자치회 위원 선출", BallotType.CHOOSE_N, "가\n나\n다\n라\n마"))
    page.editor.max_choices.setValue(3)  # the chair types 3; seats follow unless changed
    rule_text = page.editor.rules.sentence.text()
    assert rule_text == "규칙: 3명 선출, 1인 3표, 최다 득표순"
    page.save_button.click()
    settle(qtbot, window)
    contest_id = page.editing
    assert contest_id is not None
    assert page.table.item(0, 0).text() == str(contest_id)  # the number `ballots` takes
    answer(page, CHAIR)
    page.open_button.click()
    settle(qtbot, window)
    assert states(page) == ["진행 중"]
    voters = seed_people(db, seeded.assembly_id, 4)
    marks = [["가", "나", "다"], ["가", "나", "라"], ["가", "다", "마"], ["나", "다", "라"]]
    for voter, choices in zip(voters, marks, strict=True):
        with db.uow() as uow:
            voting.cast(uow, contest_id, voter.id, {"choices": choices})
    answer(page, CHAIR)
    page.close_button.click()
    settle(qtbot, window)
    with db.uow() as uow:
        for _key, info in DEFAULT_SIGNERS:
            signers.register_signer(uow, seeded.assembly_id, info, FIXED_NOW)

    window.tabs.setCurrentIndex(RESULTS)
    settle(qtbot, window)
    results = window.results_page
    for row in range(results.table.rowCount()):
        if results.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == contest_id:
            results.table.selectRow(row)
    assert results.count_panel.rule_line.text() == rule_text
    results.count_button.click()
    settle(qtbot, window)
    summary = results.count_panel.summary.text()
    # 가 3, 나 3, 다 3 elected (라 2, 마 1): three people, not one.
    assert all(f"{n}. {name}" in summary for n, name in ((1, "가"), (2, "나"), (3, "다")))
    assert "라" not in summary.split("\n")[0]


def test_plurality_and_approval_are_offered_when_the_paper_allows_them(
    window: MainWindow, page: PollsPage
) -> None:
    fill(page, ContestForm("동대표", BallotType.CHOOSE_N, "가\n나\n다", max_choices=1))
    methods = page.editor.rules.method
    offered = [methods.itemData(i) for i in range(methods.count())]
    assert offered == ["choose", "plurality"]
    methods.setCurrentIndex(1)
    assert page.editor.rules.sentence.text() == "규칙: 1명 선출, 1인 1표, 최다 득표순"
    assert to_definition(page.editor.form_values()).rules.method == "plurality"
    page.editor.max_choices.setValue(3)  # as many marks as names: approval
    offered = [methods.itemData(i) for i in range(methods.count())]
    assert offered == ["choose", "approval"]
    methods.setCurrentIndex(1)
    assert "원하는 후보 모두 표시" in page.editor.rules.sentence.text()


def test_rule_fields_follow_the_ballot_type(window: MainWindow, page: PollsPage) -> None:
    rules = page.editor.rules
    fill(page, ContestForm("텃밭 조성안", BallotType.YES_NO, description="옥상 텃밭을 만든다"))
    assert rules.combos["threshold"].isVisibleTo(page)
    assert not rules.seats.isVisibleTo(page)
    assert page.editor.description_edit.isVisibleTo(page)
    rules.combos["threshold"].setCurrentIndex(rules.combos["threshold"].findData("two-thirds"))
    rules.quorum.setValue(30)
    assert rules.sentence.text() == (
        "규칙: 찬성이 유효표의 3분의 2 이상이면 가결, 출석 30명 이상일 때만 유효"
    )
    defn = to_definition(page.editor.form_values())
    assert (defn.description, defn.rules.quorum) == ("옥상 텃밭을 만든다", 30)
    fill(page, ContestForm("위원장", BallotType.RANKED, "가\n나\n다", max_choices=0))
    assert rules.combos["overvote"].isVisibleTo(page)
    assert not page.editor.description_edit.isVisibleTo(page)
    assert not rules.combos["threshold"].isVisibleTo(page)
