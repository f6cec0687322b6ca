"""Counting rules and a motion's text belong to the contest, frozen when its poll opens.

Revision ID: r0008
Revises: r0007

``contest.rules_json`` takes the rule that ``contest_tally`` held (method, seats,
threshold, base, trim, criteria weights, tie priority), so no chosen rule is lost; those
columns are then dropped. A contest that never had a rule set keeps what it would have
been counted with: a draft gets the new defaults (a 1인 N표 contest elects N), an open
or closed one keeps one seat, which is what its count has used until now.
``contest.description`` is a motion's text, empty for every existing contest.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None

_RULE_COLUMNS = (
    "method",
    "seats",
    "threshold",
    "base",
    "trim",
    "criteria_weights_json",
    "tie_priority_json",
)


def upgrade() -> None:
    with op.batch_alter_table("contest") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("rules_json", sa.Text(), nullable=False, server_default="{}"))
    conn = op.get_bind()
    contests = conn.execute(sa.text("SELECT id, state FROM contest")).all()
    rules = {
        row[0]: row[1:]
        for row in conn.execute(
            sa.text(f"SELECT contest_id, {', '.join(_RULE_COLUMNS)} FROM contest_tally")
        ).all()
    }
    for contest_id, state in contests:
        found = rules.get(contest_id)
        if found is not None:
            method, seats, threshold, base, trim, weights, priority = found
            data = {
                "method": method or "",
                "seats": int(seats),
                "threshold": threshold,
                "base": base,
                "trim": bool(trim),
                "criteria_weights": json.loads(weights or "null"),
                "tie_priority": json.loads(priority or "[]"),
            }
        elif state == "draft":
            data = {}
        else:
            data = {"seats": 1}
        conn.execute(
            sa.text("UPDATE contest SET rules_json = :rules WHERE id = :id"),
            {"rules": json.dumps(data, ensure_ascii=False, sort_keys=True), "id": contest_id},
        )
    with op.batch_alter_table("contest_tally") as batch:
        for name in _RULE_COLUMNS:
            batch.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("contest_tally") as batch:
        batch.add_column(sa.Column("method", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("seats", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("threshold", sa.String(16), nullable=False, server_default="simple")
        )
        batch.add_column(sa.Column("base", sa.String(16), nullable=False, server_default="valid"))
        batch.add_column(sa.Column("trim", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(
            sa.Column("criteria_weights_json", sa.Text(), nullable=False, server_default="null")
        )
        batch.add_column(
            sa.Column("tie_priority_json", sa.Text(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("contest") as batch:
        batch.drop_column("rules_json")
        batch.drop_column("description")
