"""Suggested question variants learned from traffic: the review queue's queries.

A "did you mean" choice and a 👍 after an answer each become a :class:`SuggestionRecord`
(through the retry outbox, like every conversation record). Writing one either adds a row or
counts up the row of the same entry, language and normalised text, so the queue holds each
phrasing once with how often users confirmed it. Rows carry no user hash and no id: nothing
links a suggestion to who asked (``/forget`` has nothing to find; the text is scrubbed of
personal data before it gets here, and purged with the retention period like questions).

Keyword-only async functions taking an ``AsyncSession`` inside the caller's transaction, as
in :mod:`storage.repository`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from faq.normalise import normalise
from storage.models import ProcessedRecord, Suggestion
from storage.records import SuggestionRecord

#: Review states of a suggestion, in the order staff meet them.
SUGGESTION_STATUSES: tuple[str, ...] = ("new", "accepted", "rejected")
#: Where a suggestion came from.
SOURCES: tuple[str, ...] = ("pick", "helpful")


@dataclass(frozen=True, slots=True)
class SuggestionRow:
    """One suggested variant as staff see it."""

    id: int
    entry: str
    language: str
    text: str
    picks: int
    helpful: int
    status: str
    first_seen: datetime
    last_seen: datetime
    reviewed_at: datetime | None

    @property
    def count(self) -> int:
        """How often users confirmed it (choices and 👍 together)."""
        return self.picks + self.helpful


def text_key(text: str) -> str:
    """The deduplication key of a suggestion's text: a hash of its normalised form."""
    return hashlib.sha256((normalise(text) or text.strip()).encode("utf-8")).hexdigest()


def _insert(session: AsyncSession, model: Any) -> postgresql.Insert | sqlite.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def write_suggestions(session: AsyncSession, *, records: Sequence[SuggestionRecord]) -> None:
    """Add or count up each record's suggestion, each record once however often it is
    written (its key goes into ``processed_records`` in the same transaction)."""
    records = list({r.key: r for r in records}.values())
    if not records:
        return
    result = await session.execute(
        _insert(session, ProcessedRecord)
        .values([{"key": r.key, "created_at": r.created_at} for r in records])
        .on_conflict_do_nothing()
        .returning(ProcessedRecord.key)
    )
    fresh = set(result.scalars())
    # one statement per record: PostgreSQL refuses to update one row twice in one INSERT
    for record in sorted((r for r in records if r.key in fresh), key=lambda r: r.created_at):
        picks, helpful = (1, 0) if record.source == "pick" else (0, 1)
        statement = _insert(session, Suggestion).values(
            entry=record.entry,
            language=record.language,
            text=record.text,
            text_key=record.text_key,
            picks=picks,
            helpful=helpful,
            status="new",
            first_seen=record.created_at,
            last_seen=record.created_at,
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["entry", "language", "text_key"],
                set_={
                    "picks": Suggestion.picks + statement.excluded.picks,
                    "helpful": Suggestion.helpful + statement.excluded.helpful,
                    "last_seen": statement.excluded.last_seen,
                },
            )
        )


def _row(suggestion: Suggestion) -> SuggestionRow:
    return SuggestionRow(
        id=suggestion.id,
        entry=suggestion.entry,
        language=suggestion.language,
        text=suggestion.text,
        picks=suggestion.picks,
        helpful=suggestion.helpful,
        status=suggestion.status,
        first_seen=suggestion.first_seen,
        last_seen=suggestion.last_seen,
        reviewed_at=suggestion.reviewed_at,
    )


async def list_suggestions(
    session: AsyncSession, *, status: str | None, limit: int
) -> list[SuggestionRow]:
    """Suggestions with ``status`` (any when None), most confirmed first, then newest."""
    statement = (
        select(Suggestion)
        .order_by(
            (Suggestion.picks + Suggestion.helpful).desc(),
            Suggestion.last_seen.desc(),
            Suggestion.id,
        )
        .limit(max(limit, 0))
    )
    if status is not None:
        statement = statement.where(Suggestion.status == status)
    return [_row(s) for s in (await session.execute(statement)).scalars()]


async def count_suggestions(session: AsyncSession, *, status: str) -> int:
    """How many suggestions have ``status``."""
    result = await session.execute(
        select(func.count()).select_from(Suggestion).where(Suggestion.status == status)
    )
    return int(result.scalar_one())


async def get_suggestion(session: AsyncSession, *, suggestion_id: int) -> SuggestionRow | None:
    """One suggestion by id."""
    suggestion = await session.get(Suggestion, suggestion_id)
    return None if suggestion is None else _row(suggestion)


async def review(
    session: AsyncSession, *, suggestion_id: int, status: str, reviewed_at: datetime
) -> bool:
    """Set a *new* suggestion's status; False when it is unknown or reviewed already."""
    changed = await _rowcount(
        session,
        update(Suggestion)
        .where(Suggestion.id == suggestion_id, Suggestion.status == "new")
        .values(status=status, reviewed_at=reviewed_at)
        .execution_options(synchronize_session=False),
    )
    return changed > 0


async def purge(session: AsyncSession, *, before: datetime) -> int:
    """Delete suggestions last seen before ``before``; returns how many."""
    return await _rowcount(
        session,
        delete(Suggestion)
        .where(Suggestion.last_seen < before)
        .execution_options(synchronize_session=False),
    )


async def _rowcount(session: AsyncSession, statement: Executable) -> int:
    result = cast(CursorResult[Any], await session.execute(statement))
    return max(result.rowcount, 0)
