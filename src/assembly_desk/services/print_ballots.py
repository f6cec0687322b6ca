"""The use case that prints a contest's paper ballots: the definition the station shows, on paper.

It finds the contest, its assembly and its place on the agenda; the paper itself is laid
out by :mod:`assembly_desk.documents.paper_ballots`.

The paper carries the contest's position on the agenda (제N호 안건), never a serial number:
every copy is identical, so a paper cannot be traced to the person it was handed to.
"""

from __future__ import annotations

from pathlib import Path

from assembly_desk.documents.paper_ballots import (
    BallotHeader,
    BallotPaperReport,
    render_ballot_papers,
)
from assembly_desk.domain.errors import NotFound
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.contests import get_contest, list_contests


def write_ballot_papers(
    uow: UnitOfWork, contest_id: int, out: Path, copies: int, lang: str | None = None
) -> BallotPaperReport:
    """Write ``copies`` identical ballots of a stored contest to ``out`` (see the module)."""
    contest = get_contest(uow, contest_id)
    assembly = get_assembly(uow, contest.assembly_id)
    order = [c.id for c in list_contests(uow, assembly.id)]
    if contest.id not in order:
        raise NotFound("contest.not_found", id=contest_id)
    header = BallotHeader(
        assembly_title=assembly.title,
        held_on=assembly.held_on,
        district=assembly.district,
        contest_number=order.index(contest.id) + 1,
    )
    return render_ballot_papers(out, contest.definition, header, copies, lang)
