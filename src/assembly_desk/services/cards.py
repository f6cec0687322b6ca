"""Invitation cards for the roll: one A4 sheet of cards, each with the person's QR code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assembly_desk.documents.cards import CardAssembly, CardInfo, render_cards
from assembly_desk.domain.errors import NotFound
from assembly_desk.i18n import t
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services import audit_log
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.roll import people_for_cards


@dataclass(frozen=True, slots=True)
class CardsResult:
    count: int
    warning: str | None


def write_cards(
    uow: UnitOfWork, assembly_id: int, out: Path, person_ids: Iterable[int] | None = None
) -> CardsResult:
    assembly = get_assembly(uow, assembly_id)
    people = people_for_cards(uow, assembly_id, person_ids)
    infos = [
        CardInfo(
            name=p.name,
            code=p.card_code,
            tong_ban=" ".join(
                part
                for part in (
                    f"{p.tong}{t('unit.tong')}" if p.tong else "",
                    f"{p.ban}{t('unit.ban')}" if p.ban else "",
                )
                if part
            ),
        )
        for p in people
    ]
    header = CardAssembly(
        title=assembly.title,
        held_on=assembly.held_on,
        venue=assembly.venue,
        district=assembly.district,
    )
    report = render_cards(out, infos, header)
    return CardsResult(len(infos), getattr(report, "warning", None))


def write_card(
    uow: UnitOfWork, assembly_id: int, person_id: int, out: Path, desk: str, now: datetime
) -> CardsResult:
    """One person's card again (lost, torn), the same layout as the roll's cards PDF.

    The code is the one already on the roll: a reprint never issues a new code, so the
    person's earlier check-in and any card already handed out still agree with the roll.
    A second card in circulation is a way to vote in someone's name, so each reprint is
    audited once the file is written: publicly that a card was reprinted, sealed whose
    and at which desk (as a correction is), at a coarse time.
    """
    if not people_for_cards(uow, assembly_id, [person_id]):
        raise NotFound("roll_merge.no_such_person", id=person_id)
    result = write_cards(uow, assembly_id, out, [person_id])
    audit_log.append(
        uow,
        "card.reprinted",
        {"assembly": assembly_id},
        now,
        {"person": person_id, "desk": desk},
        coarse_time=True,
    )
    uow.commit()
    return result
