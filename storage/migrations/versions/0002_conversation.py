"""Conversation state that survives a restart, and the last activity of a handoff.

Revision ID: 0002_conversation
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_conversation"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """The conversation_state table; handoffs.last_activity_at."""
    op.create_table(
        "conversation_state",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_state")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_conversation_state_kind_ref")),
    )
    op.create_index(op.f("ix_conversation_state_user_hash"), "conversation_state", ["user_hash"])
    op.create_index(op.f("ix_conversation_state_expires_at"), "conversation_state", ["expires_at"])
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("last_activity_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("last_activity_at")
    op.drop_index(op.f("ix_conversation_state_expires_at"), table_name="conversation_state")
    op.drop_index(op.f("ix_conversation_state_user_hash"), table_name="conversation_state")
    op.drop_table("conversation_state")
