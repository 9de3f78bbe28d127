"""Initial schema: questions, feedback, preferences, counters, handoffs, processed keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision; later model changes need a new revision.
UTC_TIME = sa.DateTime(timezone=True)
USER_HASH = sa.String(length=64)
KEY = sa.String(length=36)
LANGUAGE = sa.String(length=16)
ENTRY = sa.String(length=128)


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", KEY, nullable=False),
        sa.Column("user_hash", USER_HASH, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("resolved_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_questions")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_unanswered_questions_idempotency_key")
        ),
    )
    op.create_index(
        op.f("ix_unanswered_questions_created_at"), "unanswered_questions", ["created_at"]
    )
    op.create_index(
        op.f("ix_unanswered_questions_status_created_at"),
        "unanswered_questions",
        ["status", "created_at"],
    )
    op.create_index(
        op.f("ix_unanswered_questions_user_hash"), "unanswered_questions", ["user_hash"]
    )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", KEY, nullable=False),
        sa.Column("user_hash", USER_HASH, nullable=False),
        sa.Column("message_hash", sa.String(length=64), nullable=False),
        sa.Column("entry", ENTRY, nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_feedback_idempotency_key")),
        sa.UniqueConstraint(
            "user_hash", "message_hash", name=op.f("uq_feedback_user_hash_message_hash")
        ),
    )
    op.create_index(op.f("ix_feedback_created_at"), "feedback", ["created_at"])
    op.create_index(op.f("ix_feedback_entry"), "feedback", ["entry"])

    op.create_table(
        "user_preferences",
        sa.Column("user_hash", USER_HASH, nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("user_hash", name=op.f("pk_user_preferences")),
    )

    op.create_table(
        "daily_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("entry", ENTRY, nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "entry", "language", name=op.f("pk_daily_counters")),
    )

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_hash", USER_HASH, nullable=False),
        sa.Column("user_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.UniqueConstraint(
            "staff_chat_id",
            "staff_message_id",
            name=op.f("uq_handoffs_staff_chat_id_staff_message_id"),
        ),
    )
    op.create_index(op.f("ix_handoffs_opened_at"), "handoffs", ["opened_at"])
    op.create_index(op.f("ix_handoffs_user_hash_opened_at"), "handoffs", ["user_hash", "opened_at"])

    op.create_table(
        "processed_records",
        sa.Column("key", KEY, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_records")),
    )
    op.create_index(op.f("ix_processed_records_created_at"), "processed_records", ["created_at"])


def downgrade() -> None:
    """Drop every table (and with them all recorded data)."""
    for table in (
        "processed_records",
        "handoffs",
        "daily_counters",
        "user_preferences",
        "feedback",
        "unanswered_questions",
    ):
        op.drop_table(table)
