"""Delete history stored under Telegram's placeholder senders before they were refused.

Anonymous group admins, people posting as a channel and a linked channel's automatic forwards
arrive under shared placeholder ids, the same in every group: what was stored under them was one
history for all of them. Nobody can reach those rows any more (bot/senders.py); this removes
them. The ids are written out here, not imported, so the migration means the same forever.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# GroupAnonymousBot, Channel_Bot, Telegram's service account.
PLACEHOLDER_IDS = (1087968824, 136817688, 777000)


def upgrade() -> None:
    for table in ("reviews", "review_counters"):
        op.execute(
            sa.text(f"DELETE FROM {table} WHERE user_id IN :ids").bindparams(
                sa.bindparam("ids", value=list(PLACEHOLDER_IDS), expanding=True)
            )
        )


def downgrade() -> None:
    """Deleted history cannot come back; nothing to undo in the schema."""
