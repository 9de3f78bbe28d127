"""Suggested question variants learned from traffic; the entry a 👎 answer gave.

Revision ID: 0003_suggestions
Revises: 0002_conversation
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_suggestions"
down_revision: str | None = "0002_conversation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision.
UTC_TIME = sa.DateTime(timezone=True)
LANGUAGE = sa.String(length=16)
ENTRY = sa.String(length=128)


def upgrade() -> None:
    """Create ``suggestions``; add ``unanswered_questions.answered_entry``."""
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry", ENTRY, nullable=False),
        sa.Column("language", LANGUAGE, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=64), nullable=False),
        sa.Column("picks", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_seen", UTC_TIME, nullable=False),
        sa.Column("last_seen", UTC_TIME, nullable=False),
        sa.Column("reviewed_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint(
            "entry", "language", "text_key", name=op.f("uq_suggestions_entry_language_text_key")
        ),
    )
    op.create_index(op.f("ix_suggestions_status_last_seen"), "suggestions", ["status", "last_seen"])
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("answered_entry", ENTRY, nullable=True))


def downgrade() -> None:
    """Drop them again (learned suggestions are lost)."""
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_column("answered_entry")
    op.drop_table("suggestions")
