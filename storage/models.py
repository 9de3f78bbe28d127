"""Database tables (SQLAlchemy 2 declarative, typed).

Privacy rule for every table: no names, usernames or raw Telegram ids. A user appears only as
``user_hash`` (and ``suggestions`` have no user at all) (HMAC-SHA256, see :mod:`storage.hashing`). The one exception is
``handoffs.user_chat_id``: relaying a staff reply needs the real chat id, so it is kept only
until the retention purge or ``forget_user``.

The Alembic migrations in ``storage/migrations/versions`` must match these classes; the test
suite compares them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Question statuses, in the order the welfare team meets them.
STATUSES: tuple[str, ...] = ("new", "resolved", "ignored", "added")

# Stable constraint names so migrations stay reproducible on both dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both dialects.

    SQLite has no time zones: values are stored as naive UTC text, which also keeps string
    comparison in ``WHERE created_at < :cutoff`` correct. PostgreSQL uses ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention and column type defaults."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class UnansweredQuestion(Base):
    """A question the bot could not answer, or a "none of these" after a clarify question."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index(None, "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    user_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    # [{"entry": id, "score": 0-100}, ...], best first
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]
    # the entry an answer marked 👎 gave (reason "not-helpful"); None otherwise
    answered_entry: Mapped[str | None] = mapped_column(String(128))


class Feedback(Base):
    """A thumbs up or down on one answer message; one per user and message."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("user_hash", "message_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    user_hash: Mapped[str] = mapped_column(String(64))
    message_hash: Mapped[str] = mapped_column(String(64))
    entry: Mapped[str] = mapped_column(String(128), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(index=True)


class UserPreference(Base):
    """The language a user chose with /language."""

    __tablename__ = "user_preferences"

    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]


class DailyCounter(Base):
    """Anonymous counts per UTC day, kind, entry ('' when none) and language."""

    __tablename__ = "daily_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    entry: Mapped[str] = mapped_column(String(128), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class Handoff(Base):
    """A question forwarded to the staff chat; a staff reply to that message goes back."""

    __tablename__ = "handoffs"
    __table_args__ = (
        UniqueConstraint("staff_chat_id", "staff_message_id"),
        Index(None, "user_hash", "opened_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_hash: Mapped[str] = mapped_column(String(64))
    user_chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(16))
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    staff_message_id: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    #: the last message either way (None: none since it was opened); for the idle close
    last_activity_at: Mapped[datetime | None]


class ConversationState(Base):
    """Short-lived state of a conversation, so that a restart or another replica keeps it: the
    question behind a "did you mean" message, a pending handoff consent, the last question
    and the last answer (for a handoff and for follow-ups). ``ref`` names the item: the
    hashed message for a "did you mean", else the user's hash (one of that kind per user).
    Rows expire (``expires_at``) and go with ``forget_user``."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Suggestion(Base):
    """A question variant learned from traffic, waiting for staff review.

    Made when a user picks an entry under "did you mean" or gives an answer 👍: the question
    (scrubbed of personal data) as a variant of that entry in that language. Never linked to
    a user (no hash, no id); the same question for the same entry counts up instead of adding
    a row (``text_key``: a hash of the normalised text).
    """

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("entry", "language", "text_key"),
        Index(None, "status", "last_seen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(64))
    # how often it came from a "did you mean" choice, and from a 👍
    picks: Mapped[int] = mapped_column(Integer)
    helpful: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]


class ProcessedRecord(Base):
    """Outbox keys already applied where the target row has no key of its own (counters).

    Written in the same transaction as the increment, so a retried increment is a no-op.
    """

    __tablename__ = "processed_records"

    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)


class UpdateClaim(Base):
    """A Telegram update taken by one process (:mod:`storage.claims`): a second delivery of
    the same update, to this process or another replica, is skipped. ``done_at`` is set when
    it was handled; a claim left unfinished (its process died) can be taken over after a
    lease. Purged after a day."""

    __tablename__ = "update_claims"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    owner: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None]


class JobRun(Base):
    """A periodic job's run for one period (e.g. the digest of a day): the first replica to
    insert the row runs it, the others skip (:mod:`storage.claims`)."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(index=True)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


__all__ = [
    "STATUSES",
    "Base",
    "ConversationState",
    "DailyCounter",
    "Feedback",
    "Handoff",
    "JobRun",
    "ProcessedRecord",
    "Suggestion",
    "UTCDateTime",
    "UnansweredQuestion",
    "UpdateClaim",
    "UserPreference",
    "utcnow",
]
