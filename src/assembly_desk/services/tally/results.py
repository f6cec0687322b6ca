"""Counting a closed contest from its stored ballots, and releasing the result.

Only a closed poll whose stations have all delivered is counted; the result JSON and its
hash are stored and logged (totals only, never a ballot) in the counting transaction.
CVRs are read with the bundle schema's own parser, so this count and an auditor's
recount read ballots identically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from assembly_desk.audit.bundle_schema import ballots_from_selections, contest_entry
from assembly_desk.audit.canonical import canonical_hash
from assembly_desk.audit.signing import unmet_by_keys
from assembly_desk.counting import (
    CountOptions,
    OptionError,
    Result,
    TieNeedsLotError,
    TieRule,
    count,
    to_json_dict,
)
from assembly_desk.domain.contest_rules import resolved
from assembly_desk.domain.contests import BallotType, ContestDefinition, PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence import ballot_store
from assembly_desk.persistence.models_ballots import ContestRow
from assembly_desk.persistence.repositories import ballots as ballot_rows
from assembly_desk.persistence.repositories import tallies
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log, signers, status
from assembly_desk.services.clock import utc_now
from assembly_desk.services.contests import contest_row, definition_of
from assembly_desk.services.tally.lot import clean_seed, reveal
from assembly_desk.services.tally.rules import contest_key, method_for


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


def options_for(
    uow: UnitOfWork,
    crow: ContestRow,
    defn: ContestDefinition,
    seed: str | None,
) -> tuple[str, CountOptions]:
    """The contest's frozen rule turned into a counting method and its options."""
    rule = resolved(defn, defn.rules)
    method = method_for(defn, rule)
    seats = rule.seats or 1
    tie = TieRule(priority=rule.tie_priority, seed=seed, backwards=True)
    names = defn.names
    match defn.ballot_type:
        case BallotType.YES_NO:
            present = eligible = None
            if rule.base in ("present", "eligible") or rule.quorum is not None:
                st = status.status(uow, crow.assembly_id)
                present, eligible = st.checked_in, st.eligible
            options = CountOptions(
                threshold=rule.threshold,
                base=rule.base,
                present=present if rule.base == "present" or rule.quorum is not None else None,
                eligible=eligible if rule.base == "eligible" else None,
                quorum=rule.quorum,
                tie=tie,
            )
        case BallotType.CHOOSE_N:
            options = CountOptions(
                seats=seats,
                max_choices=defn.max_choices if method == "choose" else None,
                candidates=names,
                tie=tie,
            )
        case BallotType.RANKED:
            options = CountOptions(
                seats=seats,
                candidates=names,
                tie=tie,
                overvote=rule.overvote,
                skipped=rule.skipped,
                duplicates=rule.duplicates,
            )
        case BallotType.SCORE:
            weights: Mapping[str, int | Fraction] | None = rule.criteria_weights
            if weights is None and defn.criteria:
                weights = {c.name: 1 for c in defn.criteria}
            options = CountOptions(
                seats=seats,
                candidates=names,
                criteria_weights=weights,
                group_weights=rule.group_weights,
                trim=rule.trim,
                tie=tie,
            )
        case BallotType.BUDGET:
            options = CountOptions(
                candidates=names,
                costs={o.name: o.cost for o in defn.options},
                budget=defn.budget_cap,
                satisfaction=rule.satisfaction,
                increment=rule.increment if rule.completion in ("add1", "add1-greedy") else None,
                greedy=rule.completion in ("add1-greedy", "greedy"),
                tie=tie,
            )
    return method, options


def stored_selections(uow: UnitOfWork, contest_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(random id, selection) of every stored ballot, in id order (never cast order).

    All rows are decoded in one pass of C-level work: the decoder's scanner is mapped
    over the rows and the pass is kept only when every row is exactly one JSON value
    (each value ends where its row ends). Decoding ``[row1,row2,...]`` would be one call
    too, but could not tell a row's boundaries (``{"a":1},{"b":"x}`` then ``{"}`` give
    two objects). Otherwise (whitespace around a value, a broken row) the rows are
    decoded one by one with ``json.loads``, and a bad row is named by its ballot id.
    """
    from itertools import repeat
    from operator import itemgetter

    rows = ballot_rows.selections(uow, contest_id)
    if not rows:
        return []
    ids, texts = zip(*rows, strict=True)
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    try:
        scanned = list(map(scan, texts, repeat(0)))
        if list(map(itemgetter(1), scanned)) == list(map(len, texts)):
            return list(zip(ids, map(itemgetter(0), scanned), strict=True))
    except (StopIteration, ValueError, RecursionError):
        pass
    out: list[tuple[str, dict[str, Any]]] = []
    for ballot_id, text in rows:
        try:
            out.append((ballot_id, json.loads(text)))
        except json.JSONDecodeError as error:
            raise json.JSONDecodeError(
                f"stored ballot {ballot_id}: selection is not valid JSON: {error.msg}",
                error.doc,
                error.pos,
            ) from None
    return out


def run(method: str, selections: Iterable[dict[str, Any]], options: CountOptions) -> Result:
    ballots = ballots_from_selections(list(selections))
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
    row = tallies.get_or_create(uow, contest_id)
    if seed is not None:
        used_seed: str | None = reveal(uow, crow, row, clean_seed(seed), at)
    elif row.seed_commitment is not None:
        if row.seed is None:
            raise Refused("tally.seed_required")
        used_seed = row.seed
    else:
        used_seed = None
    defn = definition_of(uow, crow)
    method, options = options_for(uow, crow, defn, used_seed)
    selections = [sel for _id, sel in stored_selections(uow, contest_id)]
    result = run(method, selections, options)
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
    row = tallies.get(uow, contest_id)
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
