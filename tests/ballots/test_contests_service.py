"""Defining contests, the chair's passphrase, and opening and closing polls."""

from __future__ import annotations

import pytest

from assembly_desk.domain.contests import ContestDefinition, Option, PollState, VoterScope
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence.models_ballots import ChairPassphraseRow
from assembly_desk.services import audit_log, contests, voting
from assembly_desk.services.database import Database
from tests.ballots.helpers import CHAIR, budget, choose, close_poll, open_poll, score, setup
from tests.conftest import FIXED_NOW, make_assembly


def _events(db: Database, kind: str) -> list[dict]:
    with db.uow() as uow:
        return [e["data"] for e in audit_log.entries(uow) if e["kind"] == kind]


def test_create_and_read_back_every_field(db: Database) -> None:
    _aid, contest, _ = setup(db, budget(), open_=False)
    with db.uow() as uow:
        again = contests.get_contest(uow, contest.id)
    assert again == contest
    assert again.state is PollState.DRAFT
    assert again.definition == budget().normalised()  # the rule stored explicit
    _aid2, scored, _ = setup(db, score(), open_=False)
    assert scored.definition == score().normalised()


def test_names_are_trimmed_and_nfc(db: Database) -> None:
    import unicodedata

    defn = ContestDefinition(
        " 위원 선출 ",
        choose().ballot_type,
        (Option(unicodedata.normalize("NFD", "김민수") + " "), Option("이영희")),
        max_choices=1,
    )
    _aid, contest, _ = setup(db, defn, open_=False)
    assert contest.definition.title == "위원 선출"
    assert contest.definition.names == ("김민수", "이영희")


def test_drafts_can_change_but_open_contests_are_frozen(db: Database) -> None:
    _aid, contest, _voters = setup(db, choose(1), open_=False)
    with db.uow() as uow:
        changed = contests.update_contest(uow, contest.id, choose(2), FIXED_NOW)
    assert changed.definition.max_choices == 2
    open_poll(db, contest.id)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.update_contest(uow, contest.id, choose(1), FIXED_NOW)
    assert err.value.key == "contest.frozen"
    with db.uow() as uow:
        assert contests.get_contest(uow, contest.id).definition.max_choices == 2
    close_poll(db, contest.id)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.update_contest(uow, contest.id, choose(1), FIXED_NOW)
    assert err.value.key == "contest.frozen"


def test_invalid_definition_is_refused(db: Database) -> None:
    aid = make_assembly(db)
    with db.uow() as uow, pytest.raises(InvalidInput) as err:
        contests.create_contest(uow, aid, ContestDefinition("", choose().ballot_type), FIXED_NOW)
    assert err.value.key == "contest.title_required"


def test_passphrase_is_stored_as_scrypt_and_checked(db: Database) -> None:
    aid, contest, _ = setup(db, open_=False)
    with db.uow() as uow:
        stored = uow.session.get(ChairPassphraseRow, aid)
        assert stored is not None
        assert stored.scrypt_hash.startswith("scrypt$") and CHAIR not in stored.scrypt_hash
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.open_poll(uow, contest.id, "wrong passphrase", FIXED_NOW)
    assert err.value.key == "poll.wrong_passphrase"
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.set_chair_passphrase(uow, aid, "새 암호 123456", FIXED_NOW)
    assert err.value.key == "poll.wrong_passphrase"
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, "새 암호 123456", FIXED_NOW, current=CHAIR)
    with db.uow() as uow, pytest.raises(Refused):
        contests.open_poll(uow, contest.id, CHAIR, FIXED_NOW)
    with db.uow() as uow:
        assert contests.open_poll(uow, contest.id, "새 암호 123456", FIXED_NOW).state is (
            PollState.OPEN
        )
    with db.uow() as uow, pytest.raises(InvalidInput) as err2:
        contests.set_chair_passphrase(uow, aid, "123", FIXED_NOW, current="새 암호 123456")
    assert err2.value.key == "poll.passphrase_short"


def test_no_passphrase_no_poll(db: Database) -> None:
    aid = make_assembly(db)
    with db.uow() as uow:
        contest = contests.create_contest(uow, aid, choose(), FIXED_NOW)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.open_poll(uow, contest.id, CHAIR, FIXED_NOW)
    assert err.value.key == "poll.no_passphrase"


def test_open_close_are_audited_with_counts(db: Database) -> None:
    _aid, contest, voters = setup(db, people=4)
    for v in voters[:3]:
        with db.uow() as uow:
            voting.cast(uow, contest.id, v.id, {"vote": "yes"})
    with db.uow() as uow:
        voting.issue_paper(uow, contest.id, voters[3].id)
    counts = close_poll(db, contest.id)
    assert (counts.issued_station, counts.issued_paper, counts.ballots) == (3, 1, 3)
    opened = _events(db, "poll.opened")
    closed = _events(db, "poll.closed")
    assert len(opened) == 1 and opened[0]["issued"] == 0 and opened[0]["ballots"] == 0
    assert opened[0]["definition_sha256"] == contests.definition_digest(contest.definition)
    assert closed == [
        {
            "assembly": contest.assembly_id,
            "contest": contest.id,
            "issued": 4,
            "issued_station": 3,
            "issued_paper": 1,
            "ballots": 3,
            "station_delivered": 3,
            "stations_pending": 0,
        }
    ]
    with db.uow() as uow:
        assert audit_log.verify(uow).ok


def test_a_closed_poll_never_reopens(db: Database) -> None:
    _aid, contest, _ = setup(db)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.open_poll(uow, contest.id, CHAIR, FIXED_NOW)
    assert err.value.key == "poll.bad_transition"
    close_poll(db, contest.id)
    for action in (contests.open_poll, contests.close_poll):
        with db.uow() as uow, pytest.raises(Refused) as err:
            action(uow, contest.id, CHAIR, FIXED_NOW)
        assert err.value.key == "poll.bad_transition"


def test_panel_contest_needs_a_panel_from_this_assembly(db: Database) -> None:
    aid, contest, voters = setup(db, score(panel=True), open_=False)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.open_poll(uow, contest.id, CHAIR, FIXED_NOW)
    assert err.value.key == "contest.empty_panel"
    with db.uow() as uow, pytest.raises(NotFound):
        contests.set_panel(uow, contest.id, [voters[0].id, 999_999], FIXED_NOW)
    with db.uow() as uow:
        updated = contests.set_panel(uow, contest.id, [voters[0].id, voters[1].id], FIXED_NOW)
    assert updated.panel == {voters[0].id, voters[1].id}
    assert updated.definition.scope is VoterScope.PANEL
    open_poll(db, contest.id)
    with db.uow() as uow, pytest.raises(Refused) as err:
        contests.set_panel(uow, contest.id, [voters[2].id], FIXED_NOW)
    assert err.value.key == "contest.frozen"
    with db.uow() as uow:
        _ = aid
        plain = contests.create_contest(uow, aid, choose(), FIXED_NOW)
    with db.uow() as uow, pytest.raises(InvalidInput) as err2:
        contests.set_panel(uow, plain.id, [voters[0].id], FIXED_NOW)
    assert err2.value.key == "contest.not_panel"


def test_list_contests_by_state(db: Database) -> None:
    aid, first, _ = setup(db)
    with db.uow() as uow:
        second = contests.create_contest(uow, aid, choose(), FIXED_NOW)
        assert [c.id for c in contests.list_contests(uow, aid)] == [first.id, second.id]
        assert [c.id for c in contests.list_contests(uow, aid, PollState.OPEN)] == [first.id]
        with pytest.raises(NotFound):
            contests.get_contest(uow, 424242)
