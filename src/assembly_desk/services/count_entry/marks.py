"""Marks as typed at the count table, and what each is stored as.

A mark is plain JSON: a selection in the contest's shape (``{"vote": "yes"}``,
``{"choices": ["A"]}``, …), ``{"blank": true}`` for an unmarked paper (백지), or
``{"invalid": "<reason>"}`` for a paper that cannot be read as a selection (무효). Blank
and invalid papers are ballots too: they are stored in a form every counting method
counts as invalid, and never dropped. These are pure functions of the definition, so
entry, comparison and commit all read a mark the same way.
"""

from __future__ import annotations

from typing import Any

from assembly_desk.domain.contests import BallotType, ContestDefinition, check_shape, selection_json
from assembly_desk.domain.errors import InvalidInput

Mark = dict[str, Any]

INVALID_REASONS = ("unclear", "marked", "damaged", "unofficial", "other")
"""Why a paper is invalid: intent unclear, identifying mark, damaged, not an official
paper, other. Kept as counts in the audit event; the stored ballot is invalid either way."""

INVALID_MARK = "무효"
"""The name written into an invalid paper's stored selection. For choice-like ballots it
appears twice: a duplicate (or, with N=1, an overvote) is invalid under every method,
whether or not the count is given the candidate list, so no count can take it for a vote.
For 찬반 it is not one of yes/no/abstain (``bad_vote``); for a score sheet it carries a
negative score (``bad_score``)."""


def blank() -> Mark:
    return {"blank": True}


def invalid(reason: str = "unclear") -> Mark:
    return {"invalid": reason}


def is_blank(mark: Mark) -> bool:
    return mark.get("blank") is True


def invalid_reason(mark: Mark) -> str | None:
    value = mark.get("invalid")
    return value if isinstance(value, str) else None


def blank_selection(defn: ContestDefinition) -> dict[str, Any]:
    """What a blank paper is stored as: the empty selection (counted ``empty``)."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return {"vote": None}
        case BallotType.CHOOSE_N | BallotType.BUDGET:
            return {"choices": []}
        case BallotType.RANKED:
            return {"ranking": []}
        case BallotType.SCORE:
            return {"scores": {}}
    raise AssertionError(defn.ballot_type)


def invalid_selection(defn: ContestDefinition) -> dict[str, Any]:
    """What an invalid paper is stored as: a selection every method rejects (see INVALID_MARK)."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return {"vote": INVALID_MARK}
        case BallotType.CHOOSE_N | BallotType.BUDGET:
            return {"choices": [INVALID_MARK, INVALID_MARK]}
        case BallotType.RANKED:
            return {"ranking": [INVALID_MARK, INVALID_MARK]}
        case BallotType.SCORE:
            return {"scores": {INVALID_MARK: -1}}
    raise AssertionError(defn.ballot_type)


def _is_empty(selection: dict[str, Any]) -> bool:
    (value,) = selection.values()
    return value is None or value == "" or value == [] or value == {}


def normalise_mark(defn: ContestDefinition, mark: Any) -> Mark:
    """A mark in its one stored form; an empty selection becomes ``blank``.

    Raises ``InvalidInput("count_entry.bad_mark")`` for anything else, so an entry never
    holds something the commit would refuse.
    """
    if isinstance(mark, dict) and set(mark) == {"blank"}:
        if mark["blank"] is not True:
            raise InvalidInput("count_entry.bad_mark")
        return blank()
    if isinstance(mark, dict) and set(mark) == {"invalid"}:
        if mark["invalid"] not in INVALID_REASONS:
            raise InvalidInput("count_entry.bad_reason")
        return invalid(mark["invalid"])
    try:
        sel = check_shape(defn, mark)
    except InvalidInput:
        raise InvalidInput("count_entry.bad_mark") from None
    if _is_empty(sel):
        return blank()
    if defn.ballot_type in (BallotType.CHOOSE_N, BallotType.BUDGET):
        # A paper cannot carry the same mark twice: a repeated name is a typing slip.
        sel = {"choices": list(dict.fromkeys(sel["choices"]))}
    return sel


def mark_key(mark: Mark | None) -> str:
    """Canonical text of a mark, for comparing entries (None: no paper at this position)."""
    return "-" if mark is None else selection_json(mark)


def stored_selection(defn: ContestDefinition, mark: Mark) -> dict[str, Any]:
    if is_blank(mark):
        return blank_selection(defn)
    if invalid_reason(mark) is not None:
        return invalid_selection(defn)
    return check_shape(defn, mark)
