"""Count entry for paper ballots, spoiled papers and external channels (DESIGN.md, secrecy).

Nothing here names a voter. What is typed at the count table is kept in tables of its
own until the batch is committed, so a crashed laptop loses nothing typed:

* ``paper_batch`` — one box or stack of papers (``"상자 1"``) of one contest, entered
  twice; after commit it keeps counts only (papers, blank, invalid).
* ``paper_entry`` — entry A or B of a batch, with the volunteer who typed it: the papers
  in stack order (or the per-option totals). Deleted at commit: once the ballots are
  stored shuffled under random ids, the stack order must not survive next to them.
* ``paper_resolution`` — a difference between A and B settled by someone: deleted at
  commit too; the audit event keeps how many and by whom.
* ``paper_totals`` — committed per-option totals of a yes/no batch counted by tally marks,
  kept as the record of what was tallied; the commit also stores one ballot per paper
  (exact for yes/no, where a paper carries one mark), so counting and bundles see them.
* ``paper_spoiled`` — papers spoiled (훼손, 교체) per contest, with the chair's reason.
* ``external_totals`` — totals from an earlier online or mobile pre-vote, kept apart from
  on-site ballots.

Imported at the end of ``models.py`` so ``Base.metadata`` holds these tables too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from assembly_desk.persistence.models import Base


class PaperBatchRow(Base):
    __tablename__ = "paper_batch"
    __table_args__ = (UniqueConstraint("contest_id", "label", name="uq_paper_batch_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(8))  # "ballots" | "totals"
    expected_size: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))  # "open" | "committed"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    papers: Mapped[int] = mapped_column(Integer, default=0)
    blank: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)


class PaperEntryRow(Base):
    """Entry A or B of a batch, saved as the volunteer types (JSON list or totals)."""

    __tablename__ = "paper_entry"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch.id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[str] = mapped_column(String(1), primary_key=True)
    volunteer: Mapped[str] = mapped_column(String(100))
    payload_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PaperResolutionRow(Base):
    """One difference between A and B, settled: which value the paper really shows."""

    __tablename__ = "paper_resolution"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(220), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str] = mapped_column(String(100))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PaperTotalsRow(Base):
    """Committed per-option totals of a tally-marked batch (aggregated paper totals)."""

    __tablename__ = "paper_totals"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch.id", ondelete="CASCADE"), primary_key=True
    )
    option: Mapped[str] = mapped_column(String(200), primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    votes: Mapped[int] = mapped_column(BigInteger)


class PaperSpoiledRow(Base):
    """Papers spoiled for a contest, as a count with the chair's reason."""

    __tablename__ = "paper_spoiled"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    spoiled: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExternalTotalsRow(Base):
    """Totals from another channel (an online pre-vote), never mixed with ballots here."""

    __tablename__ = "external_totals"
    __table_args__ = (UniqueConstraint("contest_id", "source", name="uq_external_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200))
    weight: Mapped[str] = mapped_column(String(40))  # "num/den"
    totals_json: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
