"""The queries behind records, users, unanswered questions and statistics: keyword-only
async functions taking an ``AsyncSession`` (handoffs: :mod:`storage.handoff_queries`,
suggestions: :mod:`storage.suggestions`, claims: :mod:`storage.claims`).

The caller owns the transaction (``async with session.begin():``). Writes that can be
retried use ``INSERT ... ON CONFLICT`` on an idempotency key, which SQLite and PostgreSQL
spell the same way, so running a batch twice changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Executable, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage import suggestions
from storage.models import (
    Base,
    ConversationState,
    DailyCounter,
    Feedback,
    Handoff,
    ProcessedRecord,
    UnansweredQuestion,
    UserPreference,
    utcnow,
)
from storage.records import (
    CounterRecord,
    FeedbackRecord,
    PreferenceRecord,
    Record,
    SuggestionRecord,
    UnansweredRecord,
)

# Rows per INSERT statement: well below SQLite's bound-parameter limit.
_CHUNK = 200

T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _insert(session: AsyncSession, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"unsupported database: {dialect}")


#: ``INSERT`` for the database of ``session``, with ``on_conflict_do_nothing`` (for
#: :mod:`storage.claims`).
insert_statement = _insert


async def _rowcount(session: AsyncSession, statement: Executable) -> int:
    result = cast(CursorResult[Any], await session.execute(statement))
    return max(result.rowcount, 0)


# ---------------------------------------------------------------------- outbox records
async def write_records(session: AsyncSession, *, records: Sequence[Record]) -> None:
    """Apply outbox records idempotently: a record already applied is skipped."""
    unanswered = [r for r in records if isinstance(r, UnansweredRecord)]
    feedback = [r for r in records if isinstance(r, FeedbackRecord)]
    counters = [r for r in records if isinstance(r, CounterRecord)]
    preferences = [r for r in records if isinstance(r, PreferenceRecord)]
    suggested = [r for r in records if isinstance(r, SuggestionRecord)]
    for chunk in _chunks(unanswered):
        await session.execute(
            _insert(session, UnansweredQuestion)
            .values([_unanswered_row(r) for r in chunk])
            .on_conflict_do_nothing()
        )
    for fchunk in _chunks(feedback):
        await session.execute(
            _insert(session, Feedback)
            .values([_feedback_row(r) for r in fchunk])
            .on_conflict_do_nothing()
        )
    if counters:
        await _increment(session, counters)
    if preferences:
        await _set_preferences(session, preferences)
    if suggested:
        await suggestions.write_suggestions(session, records=suggested)


def _unanswered_row(record: UnansweredRecord) -> dict[str, Any]:
    return {
        "idempotency_key": record.key,
        "user_hash": record.user_hash,
        "text": record.text,
        "language": record.language,
        "candidates": [{"entry": e, "score": s} for e, s in record.candidates],
        "reason": record.reason,
        "answered_entry": record.answered_entry,
        "status": "new",
        "created_at": record.created_at,
    }


def _feedback_row(record: FeedbackRecord) -> dict[str, Any]:
    return {
        "idempotency_key": record.key,
        "user_hash": record.user_hash,
        "message_hash": record.message_hash,
        "entry": record.entry,
        "helpful": record.helpful,
        "language": record.language,
        "created_at": record.created_at,
    }


async def _increment(session: AsyncSession, records: Sequence[CounterRecord]) -> None:
    # The key rows and the increments commit together: a key that is already present
    # means its increment is already in the counter. A key twice in one batch (an event
    # handled twice) counts once.
    records = list({r.key: r for r in records}.values())
    fresh: set[str] = set()
    for chunk in _chunks(records):
        result = await session.execute(
            _insert(session, ProcessedRecord)
            .values([{"key": r.key, "created_at": r.created_at} for r in chunk])
            .on_conflict_do_nothing()
            .returning(ProcessedRecord.key)
        )
        fresh.update(result.scalars())
    totals = Counter((r.day, r.kind, r.entry, r.language) for r in records if r.key in fresh)
    if not totals:
        return
    rows = [
        {"day": day, "kind": kind, "entry": entry, "language": language, "count": n}
        for (day, kind, entry, language), n in sorted(totals.items())
    ]
    for row_chunk in _chunks(rows):
        statement = _insert(session, DailyCounter).values(list(row_chunk))
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "kind", "entry", "language"],
                set_={"count": DailyCounter.count + statement.excluded.count},
            )
        )


async def _set_preferences(session: AsyncSession, records: Sequence[PreferenceRecord]) -> None:
    # One row per user per statement (PostgreSQL refuses to update a row twice in one
    # INSERT), and an older choice never overwrites a newer one when replayed late.
    latest: dict[str, PreferenceRecord] = {}
    for record in records:
        seen = latest.get(record.user_hash)
        if seen is None or record.created_at >= seen.created_at:
            latest[record.user_hash] = record
    rows = [
        {"user_hash": r.user_hash, "language": r.language, "updated_at": r.created_at}
        for r in latest.values()
    ]
    for row_chunk in _chunks(rows):
        statement = _insert(session, UserPreference).values(list(row_chunk))
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_hash"],
                set_={
                    "language": statement.excluded.language,
                    "updated_at": statement.excluded.updated_at,
                },
                where=UserPreference.updated_at <= statement.excluded.updated_at,
            )
        )


async def insert_feedback(session: AsyncSession, *, record: FeedbackRecord) -> bool:
    """Insert one feedback row; False when this user already rated this message."""
    result = await session.execute(
        _insert(session, Feedback)
        .values(_feedback_row(record))
        .on_conflict_do_nothing()
        .returning(Feedback.id)
    )
    return result.scalar_one_or_none() is not None


# ---------------------------------------------------------------------- users
async def get_language(session: AsyncSession, *, user_hash: str) -> str | None:
    """The language the user chose, if any."""
    result = await session.execute(
        select(UserPreference.language).where(UserPreference.user_hash == user_hash)
    )
    return result.scalar_one_or_none()


async def delete_user(session: AsyncSession, *, user_hash: str) -> int:
    """Delete every row linked to ``user_hash``; returns how many."""
    deleted = 0
    for model in (UnansweredQuestion, Feedback, UserPreference, Handoff, ConversationState):
        deleted += await _rowcount(
            session,
            delete(model)
            .where(model.user_hash == user_hash)
            .execution_options(synchronize_session=False),
        )
    return deleted


async def purge(session: AsyncSession, *, before: datetime) -> int:
    """Delete questions, feedback, handoffs and suggestions older than ``before``; returns
    how many.

    A handoff counts from when it was closed (or opened, while still open). Outbox keys of
    the same age go too; they are bookkeeping and not counted.
    """
    deleted = await _rowcount(
        session,
        delete(UnansweredQuestion)
        .where(UnansweredQuestion.created_at < before)
        .execution_options(synchronize_session=False),
    )
    deleted += await _rowcount(
        session,
        delete(Feedback)
        .where(Feedback.created_at < before)
        .execution_options(synchronize_session=False),
    )
    deleted += await _rowcount(
        session,
        delete(Handoff)
        .where(func.coalesce(Handoff.closed_at, Handoff.opened_at) < before)
        .execution_options(synchronize_session=False),
    )
    deleted += await suggestions.purge(session, before=before)
    await session.execute(
        delete(ProcessedRecord)
        .where(ProcessedRecord.created_at < before)
        .execution_options(synchronize_session=False)
    )
    await session.execute(  # short-lived conversation state: gone once expired
        delete(ConversationState)
        .where(ConversationState.expires_at <= utcnow())
        .execution_options(synchronize_session=False)
    )
    return deleted


# ---------------------------------------------------------------------- unanswered questions
async def list_unanswered(
    session: AsyncSession, *, status: str | None = None, since: datetime | None = None
) -> list[UnansweredQuestion]:
    """Questions with ``status`` (all when None), created at or after ``since``, oldest first."""
    statement = select(UnansweredQuestion).order_by(UnansweredQuestion.id)
    if status is not None:
        statement = statement.where(UnansweredQuestion.status == status)
    if since is not None:
        statement = statement.where(UnansweredQuestion.created_at >= since)
    return list((await session.execute(statement)).scalars())


async def get_unanswered(session: AsyncSession, *, question_id: int) -> UnansweredQuestion | None:
    """One question by id."""
    return await session.get(UnansweredQuestion, question_id)


async def set_status(
    session: AsyncSession,
    *,
    ids: Sequence[int],
    status: str,
    note: str | None,
    resolved_at: datetime | None,
) -> int:
    """Set status (and the note, when given) of the questions ``ids``; returns rows changed."""
    values: dict[str, Any] = {"status": status, "resolved_at": resolved_at}
    if note is not None:
        values["note"] = note
    changed = 0
    for chunk in _chunks(ids):
        changed += await _rowcount(
            session,
            update(UnansweredQuestion)
            .where(UnansweredQuestion.id.in_(chunk))
            .values(values)
            .execution_options(synchronize_session=False),
        )
    return changed


# ---------------------------------------------------------------------- statistics
async def counter_totals(
    session: AsyncSession, *, first_day: date, last_day: date
) -> list[tuple[date, str, str, str, int]]:
    """Counter rows (day, kind, entry, language, count) between two days, inclusive."""
    result = await session.execute(
        select(
            DailyCounter.day,
            DailyCounter.kind,
            DailyCounter.entry,
            DailyCounter.language,
            DailyCounter.count,
        ).where(DailyCounter.day >= first_day, DailyCounter.day <= last_day)
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in result]


async def feedback_counts(
    session: AsyncSession, *, since: datetime, until: datetime | None = None
) -> list[tuple[str, int, int]]:
    """(entry, helpful, not helpful) for feedback given in ``[since, until)``."""
    statement = (
        select(Feedback.entry, Feedback.helpful, func.count())
        .where(Feedback.created_at >= since)
        .group_by(Feedback.entry, Feedback.helpful)
    )
    if until is not None:
        statement = statement.where(Feedback.created_at < until)
    totals: dict[str, list[int]] = {}
    for entry, is_helpful, count in await session.execute(statement):
        totals.setdefault(entry, [0, 0])[0 if is_helpful else 1] += count
    return [(entry, up, down) for entry, (up, down) in totals.items()]
