"""Small hand-checked elections run through the real services (station and paper)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.domain.contests import ContestDefinition, VoterScope
from assembly_desk.services import contests, signers, tally, voting
from assembly_desk.services.database import Database
from tests.ballots.helpers import close_poll, open_poll, setup
from tests.conftest import FIXED_NOW


def election(
    db: Database,
    defn: ContestDefinition,
    station: Sequence[Any],
    *,
    paper: Sequence[Any] = (),
    rule: tally.CountRule | None = None,
    seed: str | None = None,
    close: bool = True,
) -> tuple[int, int]:
    """An assembly and one contest voted as given; returns (assembly id, contest id).

    ``seed``: committed before the poll opens (the room sees the hash).
    """
    people = len(station) + len(paper)
    aid, contest, voters = setup(db, defn, people=people, open_=False)
    if rule is not None:
        with db.uow() as uow:
            tally.configure_count(uow, contest.id, rule, FIXED_NOW)
    if defn.scope is VoterScope.PANEL:
        with db.uow() as uow:
            contests.set_panel(uow, contest.id, [v.id for v in voters], FIXED_NOW)
    if seed is not None:
        with db.uow() as uow:
            tally.commit_seed(uow, contest.id, tally.commitment_for(seed), FIXED_NOW)
    open_poll(db, contest.id)
    for voter, selection in zip(voters, station, strict=False):
        with db.uow() as uow:
            voting.cast(uow, contest.id, voter.id, selection)
    for voter in voters[len(station) :]:
        with db.uow() as uow:
            voting.issue_paper(uow, contest.id, voter.id)
    if close:
        close_poll(db, contest.id)
        for selection in paper:
            with db.uow() as uow:
                voting.record_paper_ballot(uow, contest.id, selection)
    return aid, contest.id


def count(db: Database, contest_id: int, seed: str | None = None) -> tally.CountResult:
    """Count as the results tab does; an assembly with no signers yet gets a chair and a
    witness first, because the signature policy must be fixed before any count."""
    with db.uow() as uow:
        aid = contests.get_contest(uow, contest_id).assembly_id
        if not signers.list_signers(uow, aid):
            for key in DEFAULT_SIGNERS:
                signers.register_signer(uow, aid, key[1], FIXED_NOW)
    with db.uow() as uow:
        return tally.count_contest(uow, contest_id, seed, FIXED_NOW)


def signer(name: str, role: str) -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    """A key without a key file (no scrypt): enough for the services."""
    key = Ed25519PrivateKey.generate()
    public = public_key_hex(key)
    return key, PublicKeyInfo(name, role, public, fingerprint(public))


#: The chair and witness that ``count`` registers when a test has not chosen its own.
DEFAULT_SIGNERS = (signer("기본의장", "chair"), signer("기본참관", "witness"))
