"""Audit entries gain a seal: the published part and the officials' private part.

Revision ID: r0006
Revises: r0005

Existing entries keep ``chain_format`` 1 (hashed without a ``sealed`` field) and still
verify; new entries are written as format 2. Nothing already recorded is moved or
rewritten: that would break every hash after it.
"""

import sqlalchemy as sa
from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(
            sa.Column("chain_format", sa.Integer(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("sealed", sa.String(64), nullable=True))
        batch.add_column(sa.Column("seal_salt", sa.String(64), nullable=True))
        batch.add_column(sa.Column("private_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("private_json")
        batch.drop_column("seal_salt")
        batch.drop_column("sealed")
        batch.drop_column("chain_format")
