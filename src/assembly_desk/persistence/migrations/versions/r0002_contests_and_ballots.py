"""Contests, panels, ballot issues, secret ballots and the chair's passphrase.

Revision ID: r0002
Revises: r0001

``ballot`` is created WITHOUT ROWID on SQLite: rows live in the order of their random id,
so neither storage nor a plain SELECT reveals the order in which ballots were cast.
``ballot_issue`` too, keyed by (contest, person): the order people voted in is not kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("ballot_type", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("budget_cap", sa.BigInteger(), nullable=False),
        sa.Column("criteria_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_contest_assembly_id", "contest", ["assembly_id"])
    op.create_table(
        "contest_option",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("contest_id", "position", name="uq_option_position"),
        sa.UniqueConstraint("contest_id", "name", name="uq_option_name"),
    )
    op.create_table(
        "panel_member",
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_table(
        "ballot_issue",
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel", sa.String(8), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ballot",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("selection_json", sa.Text(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_ballot_contest", "ballot", ["contest_id"])
    op.create_table(
        "chair_passphrase",
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("scrypt_hash", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chair_passphrase")
    op.drop_index("ix_ballot_contest", table_name="ballot")
    op.drop_table("ballot")
    op.drop_table("ballot_issue")
    op.drop_table("panel_member")
    op.drop_table("contest_option")
    op.drop_index("ix_contest_assembly_id", table_name="contest")
    op.drop_table("contest")
