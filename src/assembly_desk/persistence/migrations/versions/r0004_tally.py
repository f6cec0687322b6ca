"""Signers, the signature policy, and per-contest counting rule, seed and result.

Revision ID: r0004
Revises: r0003

Nothing here names a person or a ballot: results are totals and rounds only.
"""

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tally_signer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(39), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assembly_id", "public_key", name="uq_signer_key"),
    )
    op.create_index("ix_tally_signer_assembly_id", "tally_signer", ["assembly_id"])
    op.create_table(
        "signature_policy",
        sa.Column(
            "assembly_id",
            sa.Integer(),
            sa.ForeignKey("assembly.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("required_roles_json", sa.Text(), nullable=False),
        sa.Column("min_witnesses", sa.Integer(), nullable=False),
    )
    op.create_table(
        "contest_tally",
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.String(16), nullable=False),
        sa.Column("base", sa.String(16), nullable=False),
        sa.Column("trim", sa.Boolean(), nullable=False),
        sa.Column("criteria_weights_json", sa.Text(), nullable=False),
        sa.Column("tie_priority_json", sa.Text(), nullable=False),
        sa.Column("seed_commitment", sa.String(64), nullable=True),
        sa.Column("seed", sa.Text(), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("options_json", sa.Text(), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("result_hash", sa.String(64), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("contest_tally")
    op.drop_table("signature_policy")
    op.drop_index("ix_tally_signer_assembly_id", table_name="tally_signer")
    op.drop_table("tally_signer")
