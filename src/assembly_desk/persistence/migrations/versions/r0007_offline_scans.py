"""Scans a desk kept while the database was unreachable, recorded once they arrive.

Revision ID: r0007
Revises: r0006

One row per kept scan, keyed by the uuid the desk gave it, so a desk resending its queue
after a crash creates no second check-in; rows that are not a plain check-in (conflicts)
are what the chair is shown.
"""

import sqlalchemy as sa
from alembic import op

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offline_scan",
        sa.Column("scan_id", sa.String(36), primary_key=True),
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("desk", sa.String(40), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("other_desk", sa.String(40), nullable=False),
        sa.Column("other_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conflict", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_offline_scan_conflict", "offline_scan", ["assembly_id", "conflict"])


def downgrade() -> None:
    op.drop_index("ix_offline_scan_conflict", table_name="offline_scan")
    op.drop_table("offline_scan")
