"""Assemblies, the resident roll, check-ins and the audit chain.

Revision ID: r0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assembly",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("quorum_kind", sa.String(32), nullable=False),
        sa.Column("quorum_value", sa.Integer(), nullable=False),
        sa.Column("council_members", sa.Integer(), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=False),
        sa.Column("quorum_reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("tong", sa.String(20), nullable=False),
        sa.Column("ban", sa.String(20), nullable=False),
        sa.Column("phone_last4", sa.String(4), nullable=False),
        sa.Column("card_code", sa.String(16), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("ineligible_reason", sa.String(64), nullable=False),
        sa.Column("guardian_consent", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assembly_id", "card_code", name="uq_person_card"),
    )
    op.create_index("ix_person_assembly_name", "person", ["assembly_id", "name_key"])
    op.create_index("ix_person_status", "person", ["assembly_id", "eligible", "category"])
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("desk", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assembly_id", "person_id", name="uq_checkin_person"),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("checkin")
    op.drop_index("ix_person_status", table_name="person")
    op.drop_index("ix_person_assembly_name", table_name="person")
    op.drop_table("person")
    op.drop_table("assembly")
