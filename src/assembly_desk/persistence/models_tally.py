"""Signers, the signature policy, and each contest's count: rules, seed and result.

Why these live in their own tables rather than on ``contest``:

* ``tally_signer`` / ``signature_policy`` belong to the assembly: the chair and each
  witness register a public key once, and every exported bundle lists them.
* ``contest_tally`` holds what the count of one contest needs beyond its definition
  (whose counting rule lives on ``contest.rules_json`` since r0008, frozen at opening):
  the tie-break seed's commitment (shown to the room before counting) and the
  seed revealed at the count; the options the count ran with and its result JSON, so
  the projector can show it and an export can prove the ballots still give the same
  result.

Nothing here names a person or a ballot (DESIGN.md, "Ballot secrecy"): results hold
totals and rounds only. Imported at the end of ``models.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assembly_desk.persistence.models import Base


class TallySignerRow(Base):
    """A key allowed to sign this assembly's tallies (chair or witness)."""

    __tablename__ = "tally_signer"
    __table_args__ = (UniqueConstraint("assembly_id", "public_key", name="uq_signer_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assembly.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(39))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignaturePolicyRow(Base):
    """Who must sign; absent row = the default (chair + one witness)."""

    __tablename__ = "signature_policy"

    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assembly.id", ondelete="CASCADE"), primary_key=True
    )
    required_roles_json: Mapped[str] = mapped_column(Text)
    min_witnesses: Mapped[int] = mapped_column(Integer)


class ContestTallyRow(Base):
    """The seed and result of one contest (one row per contest, on demand)."""

    __tablename__ = "contest_tally"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    # The public lot: commitment before counting, seed revealed at the count.
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(Text)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The count: options as in the bundle manifest, result as to_json_dict.
    options_json: Mapped[str | None] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)
    result_hash: Mapped[str | None] = mapped_column(String(64))
    counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
