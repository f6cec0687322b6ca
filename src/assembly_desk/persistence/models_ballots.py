"""Contests, panels, ballot issues and ballots (DESIGN.md, "Ballot secrecy").

Two tables carry the secret and must never meet:

* ``ballot_issue`` says "person P was given a ballot for contest C" (at a station or on
  paper). Its primary key (contest, person) is what allows one vote per person.
* ``ballot`` holds a cast vote record: a random 128-bit id, the contest, the selection.
  Nothing else: no person, no time, no desk, no sequence. On SQLite it is a
  ``WITHOUT ROWID`` table, so it is stored (and read) in random-id order, not cast order.

``tests/ballots/test_secrecy.py`` walks every table and fails if a column links them.
Imported at the end of ``models.py`` so ``Base.metadata`` holds these tables too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from assembly_desk.persistence.models import Base

BALLOT_ID_HEX = 32  # 128 bits


class ContestRow(Base):
    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assembly.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    ballot_type: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8))
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    max_score: Mapped[int] = mapped_column(Integer, default=10)
    budget_cap: Mapped[int] = mapped_column(BigInteger, default=0)
    criteria_json: Mapped[str] = mapped_column(Text, default="[]")
    # A motion's text, and the counting rule (domain.contest_rules), frozen at opening.
    description: Mapped[str] = mapped_column(Text, default="")
    rules_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContestOptionRow(Base):
    """A choice, candidate or project, in ballot order."""

    __tablename__ = "contest_option"
    __table_args__ = (
        UniqueConstraint("contest_id", "position", name="uq_option_position"),
        UniqueConstraint("contest_id", "name", name="uq_option_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger, default=0)


class PanelMemberRow(Base):
    """Who may vote in a panel-scoped contest (평가단)."""

    __tablename__ = "panel_member"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )


class BallotIssueRow(Base):
    """ "A ballot for contest C was issued to person P" — and nothing about which ballot.

    The primary key is the one-vote rule: a second issue, at any station or on paper,
    fails on it, whichever desk tries. No time and no sequence is kept, and on SQLite the
    table is WITHOUT ROWID, so the order in which people voted is not stored either.
    """

    __tablename__ = "ballot_issue"
    # Stored by (contest, person) rather than in the order ballots were issued.
    __table_args__ = ({"sqlite_with_rowid": False},)

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(8))  # "station" | "paper"


class BallotRow(Base):
    """A cast vote record: random id, contest, selection. Never add a column here."""

    __tablename__ = "ballot"
    __table_args__ = (
        Index("ix_ballot_contest", "contest_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(BALLOT_ID_HEX), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    selection_json: Mapped[str] = mapped_column(Text)


class ChairPassphraseRow(Base):
    """The chair's passphrase for opening and closing polls, as a scrypt hash only."""

    __tablename__ = "chair_passphrase"

    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assembly.id", ondelete="CASCADE"), primary_key=True
    )
    scrypt_hash: Mapped[str] = mapped_column(String(200))


class StationBoxRow(Base):
    """Per contest and station: ballots issued there, and how many its box delivered.

    The ballots themselves stay in the station's box file until the poll closes
    (``persistence.ballot_box``); ``delivered`` is NULL until then. Counting refuses a
    contest while a station that issued ballots has not delivered them.
    """

    __tablename__ = "station_box"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    station_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    issued: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BoxRealmRow(Base):
    """One row: this database's random name, stamped into the box files made for it."""

    __tablename__ = "box_realm"

    realm: Mapped[str] = mapped_column(String(32), primary_key=True)
