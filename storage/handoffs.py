"""Handoffs to a person: which staff message carries which user's question, and whether it
is still open; part of the :class:`~storage.service.Storage` facade. Raises
:class:`StorageUnavailable` when the database cannot be reached.
"""

from __future__ import annotations

from datetime import datetime

from storage import conversation, handoff_queries
from storage.base import LANGUAGE_CHARS, StorageBase
from storage.models import utcnow
from storage.records import clean
from storage.results import HandoffLink, link_of


class Handoffs(StorageBase):
    """Handoff bookkeeping; see :class:`~storage.service.Storage`."""

    async def open_handoff(
        self,
        *,
        user_chat_id: int,
        user_id: int,
        language: str,
        staff_chat_id: int,
        staff_message_id: int,
    ) -> int:
        """Remember that ``staff_message_id`` in the staff chat carries this user's question."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            return await handoff_queries.insert_handoff(
                session,
                user_hash=self._hasher.user(user_id),
                user_chat_id=user_chat_id,
                language=clean(language, LANGUAGE_CHARS),
                staff_chat_id=staff_chat_id,
                staff_message_id=staff_message_id,
                opened_at=utcnow(),
            )

    async def handoff_for_staff_message(
        self, *, staff_chat_id: int, staff_message_id: int
    ) -> HandoffLink | None:
        """The handoff a staff reply answers, if that message started one."""
        async with self._guarded(), self._sessions() as session:
            handoff = await handoff_queries.find_handoff(
                session, staff_chat_id=staff_chat_id, staff_message_id=staff_message_id
            )
        return None if handoff is None else link_of(handoff)

    async def handoff(self, *, handoff_id: int) -> HandoffLink | None:
        """The handoff with this id (None once purged or forgotten)."""
        async with self._guarded(), self._sessions() as session:
            handoff = await handoff_queries.get_handoff(session, handoff_id=handoff_id)
        return None if handoff is None else link_of(handoff)

    async def open_handoff_for_user(self, *, user_id: int, since: datetime) -> HandoffLink | None:
        """The user's newest handoff opened since ``since`` and not closed, if any."""
        async with self._guarded(), self._sessions() as session:
            handoff = await handoff_queries.find_open_handoff(
                session, user_hash=self._hasher.user(user_id), since=since
            )
        return None if handoff is None else link_of(handoff)

    async def close_handoff(self, *, handoff_id: int) -> None:
        """Mark a handoff as finished; an unknown or closed one is left alone."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            await handoff_queries.close_handoff(session, handoff_id=handoff_id, closed_at=utcnow())

    async def touch_handoff(self, *, handoff_id: int) -> None:
        """A message went either way in the handoff (its idle time starts again)."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            await conversation.touch_handoff(session, handoff_id=handoff_id, at=utcnow())

    async def idle_handoffs(self, *, since: datetime) -> list[HandoffLink]:
        """Open handoffs without a message since ``since``."""
        async with self._guarded(), self._sessions() as session:
            return [link_of(h) for h in await conversation.idle_handoffs(session, before=since)]

    async def recent_handoffs(self, *, user_id: int, since: datetime) -> int:
        """How many handoffs the user opened since ``since`` (for rate limiting)."""
        async with self._guarded(), self._sessions() as session:
            return await handoff_queries.count_handoffs(
                session, user_hash=self._hasher.user(user_id), since=since
            )
