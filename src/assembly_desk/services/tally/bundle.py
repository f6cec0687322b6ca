"""The signed tally bundle of docs/bundle-format.md, built from the database.

Every contest is recounted from its stored ballots before the bundle is written, so a
bundle can never carry a result the stored ballots no longer give (e.g. a paper ballot
entered after the count). Each manifest contest also carries the counting rule frozen at
opening (``rules``), the object the ``poll.opened`` audit entry records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle import BundleError, write_bundle
from assembly_desk.audit.bundle_schema import contest_entry, options_from_json, tie_rule_from_json
from assembly_desk.audit.canonical import CanonicalizationError, canonical_hash, nfc, sha256_hex
from assembly_desk.audit.canonical_lines import gc_paused
from assembly_desk.audit.keys import PublicKeyInfo, public_key_hex
from assembly_desk.audit.verify_commit import committed_policy
from assembly_desk.counting import (
    to_json_dict,
)
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.repositories import tallies
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log, signers
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.clock import utc_now
from assembly_desk.services.contests import contest_row, definition_of, poll_counts
from assembly_desk.services.tally.results import run, stored_selections
from assembly_desk.services.tally.rules import contest_key

Signer = tuple[Ed25519PrivateKey, PublicKeyInfo]


def counted_contests(
    uow: UnitOfWork, assembly_id: int, contest_ids: Sequence[int] | None
) -> list[tuple[ContestRow, ContestTallyRow]]:
    if contest_ids is None:
        found = tallies.counted_of_assembly(uow, assembly_id)
        if not found:
            raise Refused("tally.nothing_counted")
        return found
    out = []
    for cid in dict.fromkeys(contest_ids):
        crow = contest_row(uow, cid)
        if crow.assembly_id != assembly_id:
            raise NotFound("contest.not_found", id=cid)
        row = tallies.get(uow, cid)
        if row is None or row.result_hash is None:
            raise Refused("tally.not_counted_id", id=cid)
        out.append((crow, row))
    if not out:
        raise Refused("tally.nothing_counted")
    return out


def signers_checked(
    uow: UnitOfWork, assembly_id: int, signer_keys: Sequence[Signer]
) -> list[Signer]:
    """Each key must belong to a registered signer; the registered name and role are used."""
    registered = {s.info.public_key: s.info for s in signers.list_signers(uow, assembly_id)}
    out: list[Signer] = []
    for key, info in signer_keys:
        public = public_key_hex(key)
        if info.public_key != public:
            raise InvalidInput("tally.key_mismatch", name=info.name)
        listed = registered.get(public)
        if listed is None:
            raise Refused("tally.not_a_signer", fingerprint=info.fingerprint)
        out.append((key, listed))
    return out


@gc_paused()
def export_bundle(
    uow: UnitOfWork,
    assembly_id: int,
    contest_ids: Sequence[int] | None,
    out_dir: str | os.PathLike[str],
    signer_keys: Sequence[Signer],
    now: datetime | None = None,
) -> Path:
    """Write the signed tally bundle of counted contests (all counted ones when ``None``).

    Every contest is recounted from the stored ballots with the stored options and the
    revealed seed; a result that no longer reproduces (ballots entered after the count)
    is refused, to be counted again. CVRs carry the random id, the contest and the
    selection only. Logs ``bundle.exported`` with the manifest hash and the audit head
    the tally signs, after the folder is written.
    """
    assembly = get_assembly(uow, assembly_id)
    chosen = counted_contests(uow, assembly_id, contest_ids)
    keys = signers_checked(uow, assembly_id, signer_keys)
    contests: list[dict[str, Any]] = []
    cvrs: list[dict[str, Any]] = []
    results: dict[str, Any] = {}
    seeds: dict[str, str] = {}
    issued: dict[str, int] = {}
    for crow, row in chosen:
        key = contest_key(crow.id)
        stored = json.loads(row.options_json or "{}")
        tie = tie_rule_from_json(stored["tie_rule"], row.seed)
        options = options_from_json(stored["options"], tie)
        if stored["seed_commitment"] is not None and row.seed is None:
            raise Refused("tally.seed_required")
        selections = stored_selections(uow, crow.id)
        result = run(stored["method"], [sel for _id, sel in selections], options)
        result_json = to_json_dict(result)
        if canonical_hash(result_json) != row.result_hash:
            raise Refused("tally.stale_result", id=crow.id)
        frozen = definition_of(uow, crow).to_dict()["rules"]  # as hashed at opening
        contests.append(contest_entry(key, crow.title, stored["method"], options, frozen))
        cvrs.extend({"id": ballot_id, "contest": key, **sel} for ballot_id, sel in selections)
        results[key] = result_json
        if row.seed is not None:
            seeds[key] = row.seed
        issued[key] = poll_counts(uow, crow.id).issued
    checked_in = tallies.checked_in_count(uow, assembly_id)
    manifest = {
        "assembly": nfc(
            {
                "title": assembly.title,
                "date": assembly.held_on.isoformat(),
                "district": assembly.district,
            }
        ),
        "contests": contests,
        "policy": signers.policy_for(uow, assembly_id).to_dict(),
        "counts": {"checked_in": int(checked_in), "issued": issued},
    }
    entries = audit_log.entries(uow)
    for crow, _row in chosen:
        if committed_policy(entries, contest_key(crow.id)) != manifest["policy"]:
            raise Refused("tally.policy_changed_after_count", id=crow.id)
    try:
        path = write_bundle(out_dir, manifest, cvrs, entries, results, seeds, keys)
    except (BundleError, CanonicalizationError) as error:
        raise Refused("tally.bundle_error", detail=str(error)) from None
    audit_log.append(
        uow,
        "bundle.exported",
        {
            "assembly": assembly_id,
            "contests": [crow.id for crow, _ in chosen],
            "manifest_sha256": sha256_hex((path / "manifest.json").read_bytes()),
            "audit_head": entries[-1]["hash"] if entries else "0" * 64,
            "signatures": len(keys),
        },
        now or utc_now(),
    )
    uow.commit()
    return path
