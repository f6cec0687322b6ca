"""A real bundle made the way the app makes one: database, polls, signers, count, export.

The tamper suite mutates copies of this bundle, so what it attacks is exactly what an
assembly publishes (the audit chain with its policy and count events included), not a
hand-built imitation. Only APIs that existed before verification was hardened are used
here, so the same mutations can be replayed against the old verifier for comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assembly_desk.services import contests, signers, tally, voting
from assembly_desk.services.database import open_database
from tests.ballots.helpers import choose, close_poll, open_poll, setup, yes_no
from tests.conftest import FIXED_NOW
from tests.tally.helpers import signer

SEED = "주사위 4-1-6"

#: (choose-2 ballot, yes/no vote) per voter, in casting order.
VOTES: list[tuple[list[str], str]] = [
    (["김민수"], "yes"),
    (["이영희"], "yes"),
    (["김민수", "박철수"], "no"),
    (["최지원", "김민수"], "yes"),
    (["이영희", "박철수"], "abstain"),
    (["김민수"], "yes"),
    (["최지원"], "no"),
    (["박철수"], "yes"),
]


def product_bundle(workdir: Path) -> tuple[Path, list[Any]]:
    """Export a two-contest bundle signed by the chair and a witness; returns (path, keys).

    The signers are registered before the count, as the app asks, so the chain's last
    policy record before each count is the policy the manifest carries.
    """
    db = open_database(f"sqlite:///{workdir / 'desk.sqlite3'}")
    try:
        aid, first, voters = setup(db, choose(2), people=len(VOTES), open_=False)
        with db.uow() as uow:
            second = contests.create_contest(uow, aid, yes_no(), FIXED_NOW)
        with db.uow() as uow:
            tally.configure_count(uow, first.id, tally.CountRule(seats=2), FIXED_NOW)
        with db.uow() as uow:
            tally.commit_seed(uow, first.id, tally.commitment_for(SEED), FIXED_NOW)
        for contest in (first, second):
            open_poll(db, contest.id)
        for voter, (choices, vote) in zip(voters, VOTES, strict=True):
            with db.uow() as uow:
                voting.cast(uow, first.id, voter.id, {"choices": choices})
            with db.uow() as uow:
                voting.cast(uow, second.id, voter.id, {"vote": vote})
        for contest in (first, second):
            close_poll(db, contest.id)
        keys = [signer("김의장", "chair"), signer("이참관", "witness")]
        for _key, info in keys:
            with db.uow() as uow:
                signers.register_signer(uow, aid, info, FIXED_NOW)
        with db.uow() as uow:
            tally.count_contest(uow, first.id, SEED, FIXED_NOW)
        with db.uow() as uow:
            tally.count_contest(uow, second.id, None, FIXED_NOW)
        with db.uow() as uow:
            path = tally.export_bundle(uow, aid, None, workdir / "bundle", keys, FIXED_NOW)
    finally:
        db.dispose()
    return path, keys
