"""Totals from other channels: an earlier online or mobile pre-vote (e.g. a K-Voting export).

These arrive as per-option totals, never as ballots, so they are kept in their own table
and returned on their own (:func:`external_totals`): the on-site ballots stay exactly what
was cast on site, the auditor's recount of ``cvrs.jsonl`` stays a recount, and how the
channels combine (the bylaws may weigh a pre-vote differently) is decided and shown
openly by the count, with the channel weight kept as an exact ``"num/den"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from assembly_desk.domain.contests import YES_NO_VOTES, BallotType, PollState
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.persistence.repositories import external
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.clock import as_utc
from assembly_desk.services.contests import contest_row, definition_of

MAX_SOURCE = 200
MAX_VOTES = 10**9
SPECIAL = ("blank", "invalid")  # may be reported by the other channel too


@dataclass(frozen=True, slots=True)
class ExternalTotals:
    source: str
    weight: str  # "num/den", exact
    totals: dict[str, int]  # option (or yes/no/abstain) -> votes; plus blank/invalid
    entered_at: datetime

    @property
    def weight_fraction(self) -> Fraction:
        return Fraction(self.weight)

    def weighted(self) -> dict[str, str]:
        """Each total times the weight, as exact ``"num/den"`` strings (no floats)."""
        w = self.weight_fraction
        return {k: _fraction_text(v * w) for k, v in self.totals.items()}


def _fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def parse_weight(text: str) -> str:
    """``"2/3"``, ``"1"`` or ``"1/2"`` → canonical ``"num/den"``; positive, exact, no floats."""
    raw = str(text).strip() or "1"
    try:
        if "." in raw or "e" in raw.lower():
            raise ValueError(raw)
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput("external.bad_weight") from None
    if value <= 0 or value.denominator > 10**6 or value.numerator > 10**6:
        raise InvalidInput("external.bad_weight")
    return _fraction_text(value)


def _clean_totals(names: tuple[str, ...], totals: Mapping[str, Any]) -> dict[str, int]:
    if not isinstance(totals, Mapping) or not totals:
        raise InvalidInput("external.no_totals")
    unknown = set(totals) - set(names) - set(SPECIAL)
    if unknown:
        raise InvalidInput("external.unknown_option", name=sorted(unknown)[0])
    clean: dict[str, int] = {}
    for key in (*names, *SPECIAL):
        value = totals.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
            raise InvalidInput("external.bad_total", name=key)
        if key in names or value:
            clean[key] = value
    return clean


def enter_external(
    uow: UnitOfWork,
    contest_id: int,
    source: str,
    totals: Mapping[str, Any],
    now: datetime,
    *,
    weight: str = "1",
) -> ExternalTotals:
    """Record one channel's totals for a contest (audited as ``external.entered``).

    Options are the contest's option names (for 찬반: ``yes``, ``no``, ``abstain``);
    ``blank`` and ``invalid`` may be given too. A source is entered once per contest: a
    correction is a new, named source, so the log shows both.
    """
    row = contest_row(uow, contest_id, lock="update")
    if row.state == PollState.DRAFT.value:
        raise Refused("external.draft")
    source = " ".join(str(source).split())
    if not source:
        raise InvalidInput("external.source_required")
    if len(source) > MAX_SOURCE:
        raise InvalidInput("external.source_too_long", max=MAX_SOURCE)
    defn = definition_of(uow, row)
    names = YES_NO_VOTES if defn.ballot_type is BallotType.YES_NO else defn.names
    clean = _clean_totals(names, totals)
    w = parse_weight(weight)
    if external.source_taken(uow, row.id, source):
        raise Refused("external.duplicate_source", source=source)
    external.add(uow, row.id, source, w, json.dumps(clean, ensure_ascii=False, sort_keys=True), now)
    audit_log.append(
        uow,
        "external.entered",
        {"contest": row.id, "source": source, "weight": w, "totals": clean},
        now,
    )
    uow.commit()
    return ExternalTotals(source, w, clean, now)


def external_totals(uow: UnitOfWork, contest_id: int) -> list[ExternalTotals]:
    """Every external channel of a contest, in the order entered; never mixed with ballots."""
    contest_row(uow, contest_id)
    return [
        ExternalTotals(r.source, r.weight, json.loads(r.totals_json), as_utc(r.entered_at))
        for r in external.of_contest(uow, contest_id)
    ]
