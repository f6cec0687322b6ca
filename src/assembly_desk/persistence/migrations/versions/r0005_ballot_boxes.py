"""Ballot boxes at the stations: per-station issue counts and deliveries.

Revision ID: r0005
Revises: r0004

Ballots no longer enter the database when they are cast: each station keeps them in its
own history-independent box file and delivers them in one shuffled transaction once the
poll is closed (persistence/ballot_box.py). This table counts, per contest and station,
the ballots issued there and, once delivered, how many arrived; it never names a person.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_box",
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("contest.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("station_id", sa.String(32), primary_key=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=True),
    )

    # A random name for this database, written into every box file made for it, so a box
    # copied beside another database is never delivered into it.
    realm = op.create_table("box_realm", sa.Column("realm", sa.String(32), primary_key=True))
    op.bulk_insert(realm, [{"realm": secrets.token_hex(16)}])


def downgrade() -> None:
    op.drop_table("box_realm")
    op.drop_table("station_box")
