"""History of reviews and per-user review numbers.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("review_json", sa.Text(), nullable=False),
        sa.Column("top_dimension", sa.String(32), nullable=True),
        sa.Column("duplicate_ratio", sa.Float(), nullable=False),
        sa.UniqueConstraint("user_id", "number", name="uq_reviews_user_number"),
    )
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    op.create_table(
        "review_counters",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_counters")
    op.drop_index("ix_reviews_user_id", table_name="reviews")
    op.drop_table("reviews")
