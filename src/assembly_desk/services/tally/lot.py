"""The public lot: a seed's commitment shown before counting, the seed revealed at the count.

The commitment (a hash of a seed from a public act: dice, an agreed phrase) is logged
before the ballots are counted, and the seed must match it when revealed, so nobody can
pick a seed that favours someone after seeing the ballots.
"""

from __future__ import annotations

from datetime import datetime

from assembly_desk.audit.bundle_schema import is_hex
from assembly_desk.audit.canonical import nfc
from assembly_desk.counting import seed_commitment
from assembly_desk.domain.contests import PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.repositories import tallies
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.contests import contest_row


def commitment_for(seed: str) -> str:
    """What to show the room before counting: ``counting.ties.seed_commitment(seed)``."""
    return seed_commitment(seed)


def commit_seed(uow: UnitOfWork, contest_id: int, commitment_hex: str, now: datetime) -> str:
    """Store the seed's commitment before counting and log it (the hash shown to the room).

    One commitment per contest: changing it later would let a seed be chosen after the
    ballots are known, which is exactly what the commitment prevents.
    """
    commitment = commitment_hex.strip().lower()
    if not is_hex(commitment, 64):
        raise InvalidInput("tally.bad_commitment")
    crow = contest_row(uow, contest_id, lock="update")
    row = tallies.get_or_create(uow, contest_id)
    if row.result_hash is not None:
        raise Refused("tally.already_counted")
    if row.seed_commitment is not None:
        raise Refused("tally.seed_already_committed", commitment=row.seed_commitment)
    row.seed_commitment = commitment
    row.committed_at = now
    audit_log.append(
        uow,
        "seed.committed",
        {"assembly": crow.assembly_id, "contest": contest_id, "commitment": commitment},
        now,
    )
    uow.commit()
    return commitment


def clean_seed(seed: str) -> str:
    text = str(nfc(seed.strip()))
    if not text:
        raise InvalidInput("tally.empty_seed")
    return text


def reveal(
    uow: UnitOfWork, crow: ContestRow, row: ContestTallyRow, seed: str, now: datetime
) -> str:
    if row.seed_commitment is None:
        raise Refused("tally.seed_not_committed")
    if seed_commitment(seed) != row.seed_commitment:
        raise Refused("tally.seed_mismatch", commitment=row.seed_commitment)
    if row.seed is None:
        row.seed = seed
        row.revealed_at = now
        audit_log.append(
            uow,
            "seed.revealed",
            {
                "assembly": crow.assembly_id,
                "contest": crow.id,
                "seed": seed,
                "commitment": row.seed_commitment,
            },
            now,
        )
    return row.seed


def reveal_seed(uow: UnitOfWork, contest_id: int, seed: str, now: datetime) -> str:
    """Store the seed after the poll closed; it must match the commitment. Logged."""
    crow = contest_row(uow, contest_id, lock="update")
    if crow.state != PollState.CLOSED.value:
        raise Refused("tally.not_closed")
    row = tallies.get_or_create(uow, contest_id)
    revealed = reveal(uow, crow, row, clean_seed(seed), now)
    uow.commit()
    return revealed
