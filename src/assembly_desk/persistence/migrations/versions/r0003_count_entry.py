"""Count entry: paper batches entered twice, totals, spoiled papers, external channels.

Revision ID: r0003
Revises: r0002

No table here names a voter, and none refers to the ``ballot`` table: a committed batch
keeps counts only, and its typed entries are deleted when its ballots are stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def _contest_fk() -> sa.Column:
    return sa.Column(
        "contest_id",
        sa.Integer(),
        sa.ForeignKey("contest.id", ondelete="CASCADE"),
        nullable=False,
    )


def _batch_fk() -> sa.Column:
    return sa.Column(
        "batch_id",
        sa.Integer(),
        sa.ForeignKey("paper_batch.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "paper_batch",
        sa.Column("id", sa.Integer(), primary_key=True),
        _contest_fk(),
        sa.Column("label", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("expected_size", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("papers", sa.Integer(), nullable=False),
        sa.Column("blank", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.UniqueConstraint("contest_id", "label", name="uq_paper_batch_label"),
    )
    op.create_index("ix_paper_batch_contest_id", "paper_batch", ["contest_id"])
    op.create_table(
        "paper_entry",
        _batch_fk(),
        sa.Column("side", sa.String(1), primary_key=True),
        sa.Column("volunteer", sa.String(100), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "paper_resolution",
        _batch_fk(),
        sa.Column("item", sa.String(220), primary_key=True),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(100), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "paper_totals",
        _batch_fk(),
        sa.Column("option", sa.String(200), primary_key=True),
        _contest_fk(),
        sa.Column("votes", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_paper_totals_contest_id", "paper_totals", ["contest_id"])
    op.create_table(
        "paper_spoiled",
        sa.Column("id", sa.Integer(), primary_key=True),
        _contest_fk(),
        sa.Column("spoiled", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_paper_spoiled_contest_id", "paper_spoiled", ["contest_id"])
    op.create_table(
        "external_totals",
        sa.Column("id", sa.Integer(), primary_key=True),
        _contest_fk(),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("weight", sa.String(40), nullable=False),
        sa.Column("totals_json", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("contest_id", "source", name="uq_external_source"),
    )
    op.create_index("ix_external_totals_contest_id", "external_totals", ["contest_id"])


def downgrade() -> None:
    op.drop_index("ix_external_totals_contest_id", table_name="external_totals")
    op.drop_table("external_totals")
    op.drop_index("ix_paper_spoiled_contest_id", table_name="paper_spoiled")
    op.drop_table("paper_spoiled")
    op.drop_index("ix_paper_totals_contest_id", table_name="paper_totals")
    op.drop_table("paper_totals")
    op.drop_table("paper_resolution")
    op.drop_table("paper_entry")
    op.drop_index("ix_paper_batch_contest_id", table_name="paper_batch")
    op.drop_table("paper_batch")
