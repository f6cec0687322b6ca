"""Tables. Every change here needs an Alembic revision in ``migrations/versions``.

``tests/persistence/test_migrations.py`` fails when the models and the migrations disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AssemblyRow(Base):
    __tablename__ = "assembly"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    rules_json: Mapped[str] = mapped_column(Text)
    quorum_kind: Mapped[str] = mapped_column(String(32))
    quorum_value: Mapped[int] = mapped_column(Integer, default=0)
    council_members: Mapped[int] = mapped_column(Integer, default=0)
    # Kept by the services on every roll change, so the quorum check at each check-in
    # need not count a 100,000-person roll.
    eligible_count: Mapped[int] = mapped_column(Integer, default=0)
    quorum_reached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonRow(Base):
    """A roll entry. There is deliberately no column for a 주민등록번호 or a full phone number."""

    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("assembly_id", "card_code", name="uq_person_card"),
        Index("ix_person_assembly_name", "assembly_id", "name_key"),
        # Covers the status counts (per category and eligibility) without touching rows.
        Index("ix_person_status", "assembly_id", "eligible", "category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300), default="")
    tong: Mapped[str] = mapped_column(String(20), default="")
    ban: Mapped[str] = mapped_column(String(20), default="")
    phone_last4: Mapped[str] = mapped_column(String(4), default="")
    card_code: Mapped[str] = mapped_column(String(16))
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    ineligible_reason: Mapped[str] = mapped_column(String(64), default="")
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="import")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CheckInRow(Base):
    """One row per checked-in person: the unique constraint is what stops a double check-in."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("assembly_id", "person_id", name="uq_checkin_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    desk: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEventRow(Base):
    """The hash chain. ``seq`` is assigned by the appender; its primary key refuses a fork.

    ``at``, ``kind``, ``data_json``, ``prev``, ``sealed`` and ``hash`` are the published
    entry. ``private_json`` and ``seal_salt`` (hex) are the sealed part, kept for the
    assembly's officials only and never exported; ``chain_format`` is 1 for entries written
    by releases before seals (no ``sealed`` field in their hash), 2 since.
    """

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(60))
    data_json: Mapped[str] = mapped_column(Text)
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    chain_format: Mapped[int] = mapped_column(Integer, server_default="1")
    sealed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seal_salt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    private_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class OfflineScanRow(Base):
    """A scan a desk kept while the database was unreachable, once it has arrived.

    Keyed by the uuid the desk gave the scan, and written in the same transaction as the
    check-in it caused: a desk that resends its queue after a crash finds the id and adds
    nothing twice. Scans that did not simply check someone in (the person came in at
    another desk meanwhile, an unknown card, not eligible) have ``conflict`` set and are
    listed for the chair; none is dropped.
    """

    __tablename__ = "offline_scan"
    __table_args__ = (Index("ix_offline_scan_conflict", "assembly_id", "conflict"),)

    scan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    desk: Mapped[str] = mapped_column(String(40))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True
    )
    other_desk: Mapped[str] = mapped_column(String(40), default="")
    other_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)


from assembly_desk.persistence import models_ballots as _ballots  # noqa: F401,E402
from assembly_desk.persistence import models_count as _count  # noqa: F401,E402
from assembly_desk.persistence import models_tally as _tally  # noqa: F401,E402
