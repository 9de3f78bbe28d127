"""The queries behind handoffs to a person (keyword-only async functions taking an
``AsyncSession``, like :mod:`storage.repository`; the caller owns the transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Handoff


async def insert_handoff(
    session: AsyncSession,
    *,
    user_hash: str,
    user_chat_id: int,
    language: str,
    staff_chat_id: int,
    staff_message_id: int,
    opened_at: datetime,
) -> int:
    """Insert a handoff and return its id."""
    handoff = Handoff(
        user_hash=user_hash,
        user_chat_id=user_chat_id,
        language=language,
        staff_chat_id=staff_chat_id,
        staff_message_id=staff_message_id,
        opened_at=opened_at,
    )
    session.add(handoff)
    await session.flush()
    return handoff.id


async def find_handoff(
    session: AsyncSession, *, staff_chat_id: int, staff_message_id: int
) -> Handoff | None:
    """The handoff whose question was posted as this staff-chat message."""
    result = await session.execute(
        select(Handoff).where(
            Handoff.staff_chat_id == staff_chat_id, Handoff.staff_message_id == staff_message_id
        )
    )
    return result.scalar_one_or_none()


async def get_handoff(session: AsyncSession, *, handoff_id: int) -> Handoff | None:
    """The handoff with this id."""
    return await session.get(Handoff, handoff_id)


async def find_open_handoff(
    session: AsyncSession, *, user_hash: str, since: datetime
) -> Handoff | None:
    """The user's most recent handoff opened since ``since`` that is not closed yet."""
    result = await session.execute(
        select(Handoff)
        .where(
            Handoff.user_hash == user_hash,
            Handoff.opened_at >= since,
            Handoff.closed_at.is_(None),
        )
        .order_by(Handoff.opened_at.desc(), Handoff.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def close_handoff(session: AsyncSession, *, handoff_id: int, closed_at: datetime) -> None:
    """Mark a handoff closed (a second close keeps the first time)."""
    await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.closed_at.is_(None))
        .values(closed_at=closed_at)
        .execution_options(synchronize_session=False)
    )


async def count_handoffs(session: AsyncSession, *, user_hash: str, since: datetime) -> int:
    """How many handoffs the user opened since ``since``."""
    result = await session.execute(
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.user_hash == user_hash, Handoff.opened_at >= since)
    )
    return int(result.scalar_one())
