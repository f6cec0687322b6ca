"""Contest definitions, the poll lifecycle and selection checks: pure rules, no database."""

from __future__ import annotations

import json

import pytest

from assembly_desk.domain.contests import (
    TRANSITIONS,
    BallotType,
    ContestDefinition,
    Criterion,
    Option,
    PollState,
    check_shape,
    check_transition,
    selection_json,
    validate_selection,
)
from assembly_desk.domain.errors import InvalidInput, Refused
from tests.ballots.helpers import budget, choose, ranked, score, yes_no


def _reason(defn: ContestDefinition, selection: object) -> str:
    with pytest.raises(InvalidInput) as err:
        validate_selection(defn, selection)
    assert err.value.key == "vote.invalid_selection"
    return str(err.value.params["reason"])


def test_only_draft_open_closed_in_that_order() -> None:
    check_transition(PollState.DRAFT, PollState.OPEN)
    check_transition(PollState.OPEN, PollState.CLOSED)
    for current in PollState:
        for target in PollState:
            if target in TRANSITIONS[current]:
                continue
            with pytest.raises(Refused) as err:
                check_transition(current, target)
            assert err.value.key == "poll.bad_transition"
    assert TRANSITIONS[PollState.CLOSED] == frozenset()


@pytest.mark.parametrize("defn", [yes_no(), choose(), ranked(), score(), budget()])
def test_sample_definitions_are_valid(defn: ContestDefinition) -> None:
    defn.validate()
    assert json.loads(json.dumps(defn.to_dict()))["ballot_type"] == defn.ballot_type.value


@pytest.mark.parametrize(
    ("defn", "key"),
    [
        (ContestDefinition("  ", BallotType.YES_NO), "contest.title_required"),
        (ContestDefinition("t", BallotType.YES_NO, (Option("A"),)), "contest.yes_no_no_options"),
        (ContestDefinition("t", BallotType.CHOOSE_N, (Option("A"),)), "contest.needs_options"),
        (
            ContestDefinition("t", BallotType.CHOOSE_N, (Option("A"), Option("A"))),
            "contest.option_duplicate",
        ),
        (
            ContestDefinition("t", BallotType.CHOOSE_N, (Option("A"), Option("")), max_choices=1),
            "contest.option_empty",
        ),
        (
            ContestDefinition("t", BallotType.CHOOSE_N, (Option("A"), Option("B")), max_choices=3),
            "contest.bad_max_choices",
        ),
        (
            ContestDefinition("t", BallotType.SCORE, (Option("A"),), max_score=0),
            "contest.bad_max_score",
        ),
        (
            ContestDefinition(
                "t", BallotType.SCORE, (Option("A"),), criteria=(Criterion("x", 5),) * 2
            ),
            "contest.bad_criteria",
        ),
        (ContestDefinition("t", BallotType.BUDGET, (Option("A", 10),)), "contest.bad_budget_cap"),
        (
            ContestDefinition("t", BallotType.BUDGET, (Option("A", 0),), budget_cap=5),
            "contest.bad_cost",
        ),
    ],
)
def test_bad_definitions_are_refused_with_a_key(defn: ContestDefinition, key: str) -> None:
    with pytest.raises(InvalidInput) as err:
        defn.validate()
    assert err.value.key == key


def test_yes_no_selection() -> None:
    d = yes_no()
    for vote in ("yes", "no", "abstain"):
        assert validate_selection(d, {"vote": vote}) == {"vote": vote}
    assert _reason(d, {"vote": "maybe"}) == "bad_vote"
    assert _reason(d, {"vote": None}) == "bad_vote"
    assert _reason(d, {"choices": ["yes"]}) == "shape"
    assert _reason(d, "yes") == "shape"


def test_choose_n_selection_is_stored_in_ballot_order() -> None:
    d = choose(2)
    assert validate_selection(d, {"choices": ["박철수", "김민수"]}) == {
        "choices": ["김민수", "박철수"]
    }
    assert _reason(d, {"choices": []}) == "empty"
    assert _reason(d, {"choices": ["김민수", "이영희", "박철수"]}) == "overvote"
    assert _reason(d, {"choices": ["김민수", "김민수"]}) == "duplicate"
    assert _reason(d, {"choices": ["홍길동"]}) == "unknown"
    assert _reason(d, {"choices": "김민수"}) == "shape"


def test_ranked_selection_keeps_its_order() -> None:
    d = ranked()
    assert validate_selection(d, {"ranking": ["C", "A"]}) == {"ranking": ["C", "A"]}
    assert _reason(d, {"ranking": ["A", ["B", "C"]]}) == "overvote"
    assert _reason(d, {"ranking": ["A", "A"]}) == "duplicate"
    assert _reason(d, {"ranking": []}) == "empty"
    assert _reason(d, {"ranking": ["D"]}) == "unknown"


def test_score_selection_needs_every_candidate_and_criterion() -> None:
    d = score()
    good = {"scores": {"후보1": {"비전": 10, "실행계획": 0}, "후보2": {"비전": 3, "실행계획": 20}}}
    assert validate_selection(d, good) == good
    assert _reason(d, {"scores": {"후보1": {"비전": 10, "실행계획": 0}}}) == "missing_score"
    assert (
        _reason(
            d,
            {"scores": {"후보1": {"비전": 11, "실행계획": 0}, "후보2": {"비전": 3, "실행계획": 2}}},
        )
        == "bad_score"
    )
    assert (
        _reason(d, {"scores": {"후보1": {"비전": 1}, "후보2": {"비전": 3, "실행계획": 2}}})
        == "missing_score"
    )
    assert (
        _reason(
            d,
            {
                "scores": {
                    "후보1": {"비전": 1.5, "실행계획": 0},
                    "후보2": {"비전": 3, "실행계획": 2},
                }
            },
        )
        == "shape"
    )
    assert (
        _reason(
            d,
            {
                "scores": {
                    "후보1": {"비전": True, "실행계획": 0},
                    "후보2": {"비전": 3, "실행계획": 2},
                }
            },
        )
        == "shape"
    )
    plain = ContestDefinition("t", BallotType.SCORE, (Option("A"), Option("B")), max_score=5)
    assert validate_selection(plain, {"scores": {"A": 5, "B": 0}}) == {"scores": {"A": 5, "B": 0}}
    assert _reason(plain, {"scores": {"A": 6, "B": 0}}) == "bad_score"
    assert _reason(plain, {"scores": {"A": -1, "B": 0}}) == "bad_score"
    assert _reason(plain, {"scores": {"A": 1, "B": 0, "C": 2}}) == "unknown"


def test_budget_selection_stays_within_the_cap() -> None:
    d = budget()
    assert validate_selection(d, {"choices": ["가로등", "도서관"]}) == {
        "choices": ["도서관", "가로등"]
    }
    assert _reason(d, {"choices": ["놀이터", "도서관"]}) == "over_budget"
    assert _reason(d, {"choices": []}) == "empty"


def test_shape_check_keeps_invalid_paper_ballots() -> None:
    """A paper ballot is recorded as marked; only its form must be right."""
    assert check_shape(choose(1), {"choices": ["김민수", "이영희"]}) == {
        "choices": ["김민수", "이영희"]
    }
    assert check_shape(yes_no(), {"vote": None}) == {"vote": None}
    assert check_shape(ranked(), {"ranking": ["A", ["B", "C"]]}) == {"ranking": ["A", ["B", "C"]]}
    with pytest.raises(InvalidInput):
        check_shape(yes_no(), {"vote": 1})
    with pytest.raises(InvalidInput):
        check_shape(choose(), {"choices": ["A"], "voter": 3})


def test_names_are_compared_in_nfc() -> None:
    decomposed = "김민수".encode().decode()
    import unicodedata

    nfd = unicodedata.normalize("NFD", decomposed)
    assert nfd != "김민수"
    assert validate_selection(choose(1), {"choices": [nfd]}) == {"choices": ["김민수"]}


def test_selection_json_is_canonical() -> None:
    assert selection_json({"scores": {"b": 1, "a": 2}}) == '{"scores":{"a":2,"b":1}}'
    assert selection_json({"choices": ["김민수"]}) == '{"choices":["김민수"]}'
