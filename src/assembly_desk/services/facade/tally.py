"""The count's steps for any front: signers, the public lot, the rule, the count, the release
and the signed export.

The ``signer``, ``seed``, ``tally`` and ``export-bundle`` commands call these methods; the
results page reaches the same ``services.tally`` use cases through ``ResultsService``. Each
call opens its own unit of work, so a refusal (an open poll, a seed that does not match its
commitment) leaves nothing half-written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.services import signers, tally
from assembly_desk.services.bundle_export import KeyFile, export_signed
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.signers import Signer
from assembly_desk.services.tally import CountResult, CountRule


class TallyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # Signers: whose public keys may sign a bundle, and how many must.
    def register_signer(self, assembly_id: int, pub_json: str | os.PathLike[str]) -> Signer:
        """Register the public key in ``pub_json`` (its fingerprint is logged)."""
        info = signers.read_public_key_file(pub_json)
        with self.db.uow() as uow:
            return signers.register_signer(uow, assembly_id, info, utc_now())

    def signers(self, assembly_id: int) -> tuple[list[Signer], SignaturePolicy]:
        """The registered signers and the policy a bundle must meet."""
        with self.db.uow() as uow:
            return signers.list_signers(uow, assembly_id), signers.policy_for(uow, assembly_id)

    def set_policy(
        self, assembly_id: int, roles: Sequence[str], min_witnesses: int
    ) -> SignaturePolicy:
        with self.db.uow() as uow:
            return signers.set_policy(uow, assembly_id, tuple(roles), min_witnesses, utc_now())

    # The public lot: a commitment before the count, the seed with it.
    @staticmethod
    def commitment_for(seed: str) -> str:
        """The hash committed for ``seed`` (no database: the room may check it by hand)."""
        return tally.commitment_for(seed)

    def commit_seed(self, contest_id: int, commitment: str) -> str:
        with self.db.uow() as uow:
            return tally.commit_seed(uow, contest_id, commitment, utc_now())

    def reveal_seed(self, contest_id: int, seed: str) -> str:
        with self.db.uow() as uow:
            return tally.reveal_seed(uow, contest_id, seed, utc_now())

    # The rule, the count and the release.
    def rule(self, contest_id: int) -> CountRule:
        with self.db.uow() as uow:
            return tally.get_rule(uow, contest_id)

    def change_rule(self, contest_id: int, changes: Mapping[str, Any]) -> CountRule:
        """The stored rule with ``changes`` applied, saved (a draft's only) and returned.

        What ``changes`` does not name (quorum, ranked-paper rules, budget options, panel
        weights) stays as the form set it; read and save are one unit of work.
        """
        with self.db.uow() as uow:
            rule = replace(tally.get_rule(uow, contest_id), **changes)
            return tally.configure_count(uow, contest_id, rule, utc_now())

    def count(self, contest_id: int, seed: str | None) -> CountResult:
        with self.db.uow() as uow:
            return tally.count_contest(uow, contest_id, seed, utc_now())

    def mark_ready(self, contest_id: int) -> None:
        with self.db.uow() as uow:
            tally.mark_ready(uow, contest_id, utc_now())

    def export(
        self,
        assembly_id: int,
        keys: Sequence[KeyFile],
        out: str | os.PathLike[str],
        contest_ids: Sequence[int] | None = None,
    ) -> Path:
        """The signed bundle of the counted contests (all, or ``contest_ids``) in ``out``."""
        return export_signed(
            self.db, assembly_id, keys, out=out, contest_ids=contest_ids, now=utc_now()
        )
