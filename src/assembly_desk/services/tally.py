"""Counting a closed contest from the database, its public lot, and the signed export.

The order on the day, and why:

1. **Rule** (:func:`configure_count`): method, seats, threshold, tie priority. Fixed
   before the poll closes, so nobody chooses a rule knowing the ballots.
2. **Seed commitment** (:func:`commit_seed`): the hash of a seed from a public act
   (dice, an agreed phrase) is shown to the room and logged before counting. Nobody can
   pick a seed that favours someone after seeing the ballots.
3. **Count** (:func:`count_contest`): only a closed poll; the seed is checked against
   its commitment and revealed (stored, logged); the result JSON and its hash are stored
   and logged, with totals only, never a ballot.
4. **Ready** (:func:`mark_ready`): the chair releases the result to the projector.
5. **Export** (:func:`export_bundle`): the signed tally bundle of docs/bundle-format.md,
   built from the database and *recounted* first, so a bundle can never carry a result
   the stored ballots no longer give (e.g. a paper ballot entered after the count).

Counting itself is the pure ``counting`` layer; CVRs are read with the bundle schema's
own parser, so the app's count and an auditor's recount read ballots identically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from assembly_desk.audit.bundle import BundleError, write_bundle
from assembly_desk.audit.bundle_schema import (
    ballot_from_cvr,
    contest_entry,
    is_hex,
    options_from_json,
    tie_rule_from_json,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_hash, nfc, sha256_hex
from assembly_desk.audit.keys import PublicKeyInfo, public_key_hex
from assembly_desk.audit.signing import unmet_by_keys
from assembly_desk.audit.verify_commit import committed_policy
from assembly_desk.counting import (
    CountOptions,
    OptionError,
    Result,
    TieNeedsLotError,
    TieRule,
    count,
    fraction_from_json,
    fraction_to_json,
    seed_commitment,
    to_json_dict,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition, PollState
from assembly_desk.domain.errors import InvalidInput, NotFound, Refused
from assembly_desk.persistence import ballot_store
from assembly_desk.persistence.models import CheckInRow
from assembly_desk.persistence.models_ballots import BallotRow, ContestRow
from assembly_desk.persistence.models_tally import ContestTallyRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log, signers, status
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.clock import utc_now
from assembly_desk.services.contests import contest_row, definition_of, poll_counts

Signer = tuple[Ed25519PrivateKey, PublicKeyInfo]

#: Methods a ballot type may be counted with; the first is the default.
METHODS_BY_TYPE: dict[BallotType, tuple[str, ...]] = {
    BallotType.YES_NO: ("yesno",),
    BallotType.CHOOSE_N: ("choose",),
    BallotType.RANKED: ("irv", "stv"),
    BallotType.SCORE: ("score",),
    BallotType.BUDGET: ("pb-greedy", "mes"),
}
THRESHOLDS = ("simple", "absolute", "two-thirds", "three-quarters")
BASES = ("cast", "valid", "present", "eligible")


def contest_key(contest_id: int) -> str:
    """The contest's id inside a bundle (CVR ``contest`` field, results key)."""
    return f"contest-{contest_id}"


def commitment_for(seed: str) -> str:
    """What to show the room before counting: ``counting.ties.seed_commitment(seed)``."""
    return seed_commitment(seed)


# --- the counting rule -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountRule:
    """How a contest is counted, beyond its ballot paper.

    ``method`` empty = the ballot type's default (ranked: IRV for one seat, STV above).
    ``seats``: winners for choose_n / ranked / score. ``threshold`` / ``base``: yes/no.
    ``criteria_weights``: score sheets (default: every criterion weighs 1).
    ``tie_priority``: the published priority list, most favoured first.
    """

    method: str = ""
    seats: int = 1
    threshold: str = "simple"
    base: str = "valid"
    trim: bool = False
    criteria_weights: Mapping[str, int | Fraction] | None = None
    tie_priority: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        weights = self.criteria_weights
        return {
            "method": self.method,
            "seats": self.seats,
            "threshold": self.threshold,
            "base": self.base,
            "trim": self.trim,
            "criteria_weights": None
            if weights is None
            else [[k, fraction_to_json(Fraction(v))] for k, v in weights.items()],
            "tie_priority": list(self.tie_priority),
        }


def _rule_of(row: ContestTallyRow | None) -> CountRule:
    if row is None:
        return CountRule()
    pairs = json.loads(row.criteria_weights_json or "null")
    return CountRule(
        method=row.method or "",
        seats=row.seats,
        threshold=row.threshold,
        base=row.base,
        trim=bool(row.trim),
        criteria_weights=None
        if pairs is None
        else {str(k): fraction_from_json(v) for k, v in pairs},
        tie_priority=tuple(json.loads(row.tie_priority_json or "[]")),
    )


def _tally_row(uow: UnitOfWork, contest_id: int, create: bool = False) -> ContestTallyRow | None:
    row = uow.session.get(ContestTallyRow, contest_id)
    if row is None and create:
        row = ContestTallyRow(
            contest_id=contest_id,
            method="",
            seats=1,
            threshold="simple",
            base="valid",
            trim=False,
            criteria_weights_json="null",
            tie_priority_json="[]",
        )
        uow.session.add(row)
        uow.session.flush()
    return row


def _method_for(defn: ContestDefinition, rule: CountRule) -> str:
    allowed = METHODS_BY_TYPE[defn.ballot_type]
    method = rule.method
    if not method:
        if defn.ballot_type is BallotType.RANKED:
            method = "irv" if rule.seats == 1 else "stv"
        else:
            method = allowed[0]
    if method not in allowed:
        raise InvalidInput("tally.bad_method", method=method, allowed=", ".join(allowed))
    return method


def _check_rule(defn: ContestDefinition, rule: CountRule) -> None:
    method = _method_for(defn, rule)
    if rule.seats < 1 or (defn.names and rule.seats > len(defn.names)):
        raise InvalidInput("tally.bad_seats", max=max(1, len(defn.names)))
    if method == "irv" and rule.seats != 1:
        raise InvalidInput("tally.bad_seats", max=1)
    if rule.threshold not in THRESHOLDS or rule.base not in BASES:
        raise InvalidInput("tally.bad_threshold")
    if rule.criteria_weights is not None:
        names = {c.name for c in defn.criteria}
        if set(rule.criteria_weights) != names or any(
            Fraction(w) <= 0 for w in rule.criteria_weights.values()
        ):
            raise InvalidInput("tally.bad_weights")


def configure_count(uow: UnitOfWork, contest_id: int, rule: CountRule, now: datetime) -> CountRule:
    """Set the counting rule; refused once the poll has closed (the rule precedes the ballots)."""
    crow = contest_row(uow, contest_id, lock="update")
    if crow.state == PollState.CLOSED.value:
        raise Refused("tally.rule_frozen")
    clean = CountRule(
        method=rule.method,
        seats=rule.seats,
        threshold=rule.threshold,
        base=rule.base,
        trim=rule.trim,
        criteria_weights=None
        if rule.criteria_weights is None
        else {str(nfc(k)): Fraction(v) for k, v in rule.criteria_weights.items()},
        tie_priority=tuple(str(nfc(n.strip())) for n in rule.tie_priority),
    )
    _check_rule(definition_of(uow, crow), clean)
    row = _tally_row(uow, contest_id, create=True)
    assert row is not None
    data = clean.to_dict()
    row.method = clean.method
    row.seats = clean.seats
    row.threshold = clean.threshold
    row.base = clean.base
    row.trim = clean.trim
    row.criteria_weights_json = json.dumps(data["criteria_weights"], ensure_ascii=False)
    row.tie_priority_json = json.dumps(data["tie_priority"], ensure_ascii=False)
    audit_log.append(
        uow, "tally.rule_set", {"assembly": crow.assembly_id, "contest": contest_id, **data}, now
    )
    uow.commit()
    return clean


def get_rule(uow: UnitOfWork, contest_id: int) -> CountRule:
    contest_row(uow, contest_id)
    return _rule_of(_tally_row(uow, contest_id))


# --- the public lot ----------------------------------------------------------------------


def commit_seed(uow: UnitOfWork, contest_id: int, commitment_hex: str, now: datetime) -> str:
    """Store the seed's commitment before counting and log it (the hash shown to the room).

    One commitment per contest: changing it later would let a seed be chosen after the
    ballots are known, which is exactly what the commitment prevents.
    """
    commitment = commitment_hex.strip().lower()
    if not is_hex(commitment, 64):
        raise InvalidInput("tally.bad_commitment")
    crow = contest_row(uow, contest_id, lock="update")
    row = _tally_row(uow, contest_id, create=True)
    assert row is not None
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


def _clean_seed(seed: str) -> str:
    text = str(nfc(seed.strip()))
    if not text:
        raise InvalidInput("tally.empty_seed")
    return text


def _reveal(
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
    row = _tally_row(uow, contest_id, create=True)
    assert row is not None
    revealed = _reveal(uow, crow, row, _clean_seed(seed), now)
    uow.commit()
    return revealed


# --- counting ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountResult:
    """A contest's count: what ran (method, options with tie rule) and what it decided."""

    contest_id: int
    title: str
    method: str
    options: CountOptions
    result: Result
    result_hash: str
    ballots: int

    def to_json_dict(self) -> dict[str, Any]:
        return to_json_dict(self.result)


def _options(
    uow: UnitOfWork,
    crow: ContestRow,
    defn: ContestDefinition,
    rule: CountRule,
    seed: str | None,
) -> tuple[str, CountOptions]:
    """The ballot type and rule turned into a counting method and its options."""
    method = _method_for(defn, rule)
    tie = TieRule(priority=rule.tie_priority, seed=seed, backwards=True)
    names = defn.names
    match defn.ballot_type:
        case BallotType.YES_NO:
            present = eligible = None
            if rule.base in ("present", "eligible"):
                st = status.status(uow, crow.assembly_id)
                present, eligible = st.checked_in, st.eligible
            options = CountOptions(
                threshold=rule.threshold,
                base=rule.base,
                present=present if rule.base == "present" else None,
                eligible=eligible if rule.base == "eligible" else None,
                tie=tie,
            )
        case BallotType.CHOOSE_N:
            options = CountOptions(
                seats=rule.seats, max_choices=defn.max_choices, candidates=names, tie=tie
            )
        case BallotType.RANKED:
            options = CountOptions(seats=rule.seats, candidates=names, tie=tie)
        case BallotType.SCORE:
            weights: Mapping[str, int | Fraction] | None = rule.criteria_weights
            if weights is None and defn.criteria:
                weights = {c.name: 1 for c in defn.criteria}
            options = CountOptions(
                seats=rule.seats,
                candidates=names,
                criteria_weights=weights,
                trim=rule.trim,
                tie=tie,
            )
        case BallotType.BUDGET:
            options = CountOptions(
                candidates=names,
                costs={o.name: o.cost for o in defn.options},
                budget=defn.budget_cap,
                tie=tie,
            )
    return method, options


def _selections(uow: UnitOfWork, contest_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(random id, selection) of every stored ballot, in id order (never cast order)."""
    rows = uow.session.execute(
        select(BallotRow.id, BallotRow.selection_json)
        .where(BallotRow.contest_id == contest_id)
        .order_by(BallotRow.id)
    ).all()
    return [(ballot_id, json.loads(text)) for ballot_id, text in rows]


def _run(method: str, selections: Iterable[dict[str, Any]], options: CountOptions) -> Result:
    ballots = [ballot_from_cvr(sel) for sel in selections]
    try:
        return count(method, ballots, options)
    except TieNeedsLotError as error:
        raise Refused("tally.needs_seed", tied=", ".join(error.tied)) from None
    except (OptionError, ValueError) as error:
        raise InvalidInput("tally.cannot_count", detail=str(error)) from None


def count_contest(
    uow: UnitOfWork, contest_id: int, seed: str | None, now: datetime | None = None
) -> CountResult:
    """Count a closed contest from its stored ballots; store, log and return the result.

    With a committed seed the count needs the seed (given here, or revealed before): it
    is checked against the commitment and revealed. A seed without a commitment is
    refused: a lot drawn from an unannounced seed proves nothing. Counting again (e.g.
    after paper ballots were entered) replaces the result and withdraws "ready".
    """
    at = now or utc_now()
    crow = contest_row(uow, contest_id, lock="update")
    if crow.state != PollState.CLOSED.value:
        raise Refused("tally.not_closed")
    _delivered, pending, waiting = ballot_store.station_totals(uow.session, contest_id)
    if pending:  # a count without some stations' ballots would be wrong, not early
        raise Refused("tally.stations_pending", stations=pending, ballots=waiting)
    row = _tally_row(uow, contest_id, create=True)
    assert row is not None
    if seed is not None:
        used_seed: str | None = _reveal(uow, crow, row, _clean_seed(seed), at)
    elif row.seed_commitment is not None:
        if row.seed is None:
            raise Refused("tally.seed_required")
        used_seed = row.seed
    else:
        used_seed = None
    defn = definition_of(uow, crow)
    method, options = _options(uow, crow, defn, _rule_of(row), used_seed)
    selections = [sel for _id, sel in _selections(uow, contest_id)]
    result = _run(method, selections, options)
    policy = signers.policy_for(uow, crow.assembly_id)
    if unmet_by_keys(policy):
        # The policy is committed by the count: with a required signer's key missing, this
        # count could never be signed validly, and registering the key later would not help.
        raise Refused(
            "tally.signers_first",
            chair=sum(1 for s in policy.signers if s.role == "chair"),
            witnesses=sum(1 for s in policy.signers if s.role == policy.witness_role),
            need=policy.min_witnesses,
        )
    result_json = to_json_dict(result)
    digest = canonical_hash(result_json)
    entry = contest_entry(contest_key(contest_id), defn.title, method, options)
    if row.result_hash != digest:
        row.ready_at = None
    row.options_json = json.dumps(
        {k: entry[k] for k in ("method", "options", "tie_rule", "seed_commitment")},
        ensure_ascii=False,
        sort_keys=True,
    )
    row.result_json = json.dumps(result_json, ensure_ascii=False, sort_keys=True)
    row.result_hash = digest
    row.counted_at = at
    # contest_key and result_sha256 are what `verify` compares the bundle with: the
    # signed result of this contest must hash to the last count's result_sha256.
    summary: dict[str, Any] = {
        "assembly": crow.assembly_id,
        "contest": contest_id,
        "contest_key": contest_key(contest_id),
        "method": method,
        "result_sha256": digest,
        "ballots": len(selections),
        "valid": result.valid,
        "invalid": result.invalid,
        "elected": list(result.elected),
    }
    if result.passed is not None:
        summary["passed"] = result.passed
    audit_log.append(uow, "tally.counted", summary, at)
    uow.commit()
    return CountResult(contest_id, defn.title, method, options, result, digest, len(selections))


def mark_ready(uow: UnitOfWork, contest_id: int, now: datetime) -> None:
    """Release a counted result to the projector (audited with the result hash)."""
    crow = contest_row(uow, contest_id, lock="update")
    row = _tally_row(uow, contest_id)
    if row is None or row.result_hash is None:
        raise Refused("tally.not_counted")
    row.ready_at = now
    audit_log.append(
        uow,
        "tally.ready",
        {"assembly": crow.assembly_id, "contest": contest_id, "result_sha256": row.result_hash},
        now,
    )
    uow.commit()


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


def _state(crow: ContestRow, row: ContestTallyRow | None) -> TallyState:
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
    )


def get_tally(uow: UnitOfWork, contest_id: int) -> TallyState:
    return _state(contest_row(uow, contest_id), _tally_row(uow, contest_id))


def ready_results(uow: UnitOfWork, assembly_id: int) -> list[TallyState]:
    """Results released for the projector, in contest order."""
    rows = uow.session.execute(
        select(ContestRow, ContestTallyRow)
        .join(ContestTallyRow, ContestTallyRow.contest_id == ContestRow.id)
        .where(ContestRow.assembly_id == assembly_id, ContestTallyRow.ready_at.is_not(None))
        .order_by(ContestRow.id)
    ).all()
    return [_state(c, t) for c, t in rows]


# --- the signed bundle -------------------------------------------------------------------


def _counted_contests(
    uow: UnitOfWork, assembly_id: int, contest_ids: Sequence[int] | None
) -> list[tuple[ContestRow, ContestTallyRow]]:
    if contest_ids is None:
        rows = uow.session.execute(
            select(ContestRow, ContestTallyRow)
            .join(ContestTallyRow, ContestTallyRow.contest_id == ContestRow.id)
            .where(ContestRow.assembly_id == assembly_id, ContestTallyRow.result_hash.is_not(None))
            .order_by(ContestRow.id)
        ).all()
        found = [(c, t) for c, t in rows]
        if not found:
            raise Refused("tally.nothing_counted")
        return found
    out = []
    for cid in dict.fromkeys(contest_ids):
        crow = contest_row(uow, cid)
        if crow.assembly_id != assembly_id:
            raise NotFound("contest.not_found", id=cid)
        row = _tally_row(uow, cid)
        if row is None or row.result_hash is None:
            raise Refused("tally.not_counted_id", id=cid)
        out.append((crow, row))
    if not out:
        raise Refused("tally.nothing_counted")
    return out


def _signers_checked(
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
    chosen = _counted_contests(uow, assembly_id, contest_ids)
    keys = _signers_checked(uow, assembly_id, signer_keys)
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
        selections = _selections(uow, crow.id)
        result = _run(stored["method"], (sel for _id, sel in selections), options)
        result_json = to_json_dict(result)
        if canonical_hash(result_json) != row.result_hash:
            raise Refused("tally.stale_result", id=crow.id)
        contests.append(contest_entry(key, crow.title, stored["method"], options))
        cvrs.extend({"id": ballot_id, "contest": key, **sel} for ballot_id, sel in selections)
        results[key] = result_json
        if row.seed is not None:
            seeds[key] = row.seed
        issued[key] = poll_counts(uow, crow.id).issued
    checked_in = uow.session.execute(
        select(func.count()).select_from(CheckInRow).where(CheckInRow.assembly_id == assembly_id)
    ).scalar_one()
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
