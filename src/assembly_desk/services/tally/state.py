"""Where a contest's count stands, for the chair's console and the projector."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assembly_desk.domain.contests import PollState
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.repositories import tallies
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.contests import contest_row, definition_of
from assembly_desk.services.tally.wording import rules_sentence


@dataclass(frozen=True, slots=True)
class TallyState:
    """What the chair's console and the projector need to know about one contest's count."""

    contest_id: int
    title: str
    state: PollState
    seed_commitment: str | None
    seed: str | None
    method: str | None
    result: dict[str, Any] | None
    result_hash: str | None
    ready: bool
    rule: str = ""  # the counting rule in one sentence, in the language of the moment


def state_of(crow: ContestRow, row: ContestTallyRow | None, rule: str = "") -> TallyState:
    result = None if row is None or row.result_json is None else json.loads(row.result_json)
    return TallyState(
        contest_id=crow.id,
        title=crow.title,
        state=PollState(crow.state),
        seed_commitment=None if row is None else row.seed_commitment,
        seed=None if row is None else row.seed,
        method=None if result is None else str(result["method"]),
        result=result,
        result_hash=None if row is None else row.result_hash,
        ready=row is not None and row.ready_at is not None,
        rule=rule,
    )


def get_tally(uow: UnitOfWork, contest_id: int) -> TallyState:
    crow = contest_row(uow, contest_id)
    rule = rules_sentence(definition_of(uow, crow))
    return state_of(crow, tallies.get(uow, contest_id), rule)
