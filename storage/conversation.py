"""Conversation state in the database, so that a restart or a second replica keeps it.

What a conversation needs to remember between two updates, each with an expiry:

- the question behind a "did you mean" message (for "none of these" and for a handoff),
  keyed by that message;
- a pending handoff consent (the message that asked, and the question it offers), and a
  consent given without a question (the next message is the question);
- the user's last question (offered to staff when they ask for a person) and last answer
  (the context of a follow-up);
- how many times in a row the bot missed (a person is offered by the third miss);
- the question behind an answer given during a handoff (its "also send to the team" button).

Users appear only as their keyed hash; message keys are hashed too. Reads and writes never
stop a reply: each has a deadline (:data:`DEADLINE`), the database is not asked while the
storage knows it is away, and then they log and answer "nothing remembered" (the caller
asks the user to ask again instead of promising anything). ``Storage.forget_user``
deletes a user's rows, and expired rows go with every purge. The last activity of an open
handoff (for closing idle ones) is kept on the handoff itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.claims import within
from storage.errors import describe, is_unavailable
from storage.hashing import Hasher
from storage.models import ConversationState, Handoff, utcnow
from storage.records import MAX_TEXT, clean

log = logging.getLogger(__name__)

T = TypeVar("T")
Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]

#: How long the question behind a "did you mean" message is kept.
CHOICES_FOR = timedelta(days=2)
#: How long a handoff consent question stays answerable.
OFFER_FOR = timedelta(days=1)
#: How long the bot waits for the question after consent.
AWAIT_FOR = timedelta(minutes=15)
#: How long the last question is offered for a handoff.
QUESTION_FOR = timedelta(minutes=30)
#: How long the last answer is kept (the follow-up window is shorter; see bot.core.followup).
ANSWER_FOR = timedelta(hours=1)
#: Misses in a row are counted over this long (a miss after a quiet hour starts again).
MISSES_FOR = timedelta(hours=1)
#: How long an answer given during a handoff can still be sent to the team.
RELAY_FOR = timedelta(days=1)
#: The longest a reply waits for one read or write of the conversation state.
DEADLINE = 0.5


@dataclass(frozen=True, slots=True)
class PendingChoices:
    """The question behind a "did you mean" message."""

    user_id_hash: str
    question: str
    language: str
    candidates: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Remembered:
    """A question or an answer remembered for the user, and when."""

    text: str  # the question, or the answer's entry id
    language: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PendingOffer:
    """A handoff consent question: the message that asks, and the question it offers."""

    message_id: int
    question: str | None
    language: str | None


class ConversationStore:
    """The conversation state of every user (see the module docstring)."""

    def __init__(
        self,
        read: Sessions,
        write: Sessions,
        hasher: Hasher,
        *,
        clock: Callable[[], datetime] = utcnow,
        healthy: Callable[[], bool] = lambda: True,
        deadline: float = DEADLINE,
    ) -> None:
        self._read = read
        self._write = write
        self._hasher = hasher
        self.clock = clock
        #: False while the storage knows the database is away (nothing is tried then)
        self.healthy = healthy
        self.deadline = deadline

    # ------------------------------------------------------------------ generic
    @contextlib.asynccontextmanager
    async def _tolerant(self, what: str) -> AsyncIterator[None]:
        try:
            yield
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("conversation state: could not %s (%s)", what, describe(exc) or "timeout")

    async def _run(self, work: Callable[[], Awaitable[T]]) -> T:
        """``work()`` within the deadline; a database known to be away is not tried."""
        if not self.healthy():
            raise TimeoutError("the database is away")
        return await within(self.deadline, work())

    async def _put(
        self, kind: str, user_hash: str, ref: str, data: dict[str, Any], ttl: timedelta
    ) -> bool:
        now = self.clock()

        async def put() -> None:
            async with self._write() as session:
                await session.execute(
                    delete(ConversationState).where(
                        ConversationState.kind == kind, ConversationState.ref == ref
                    )
                )
                session.add(
                    ConversationState(
                        user_hash=user_hash,
                        kind=kind,
                        ref=ref,
                        data=data,
                        created_at=now,
                        expires_at=now + ttl,
                    )
                )

        async with self._tolerant(f"keep {kind}"):
            await self._run(put)
            return True
        return False

    async def _get(self, kind: str, ref: str, *, take: bool = False) -> ConversationState | None:
        now = self.clock()

        async def get() -> ConversationState | None:
            opener = self._write if take else self._read
            async with opener() as session:
                row = (
                    await session.execute(
                        select(ConversationState).where(
                            ConversationState.kind == kind, ConversationState.ref == ref
                        )
                    )
                ).scalar_one_or_none()
                if row is None:
                    return None
                if take:
                    await session.delete(row)
                if row.expires_at <= now:
                    return None
                return row

        async with self._tolerant(f"read {kind}"):
            return await self._run(get)
        return None

    async def _drop(self, kind: str, ref: str) -> None:
        async def drop() -> None:
            async with self._write() as session:
                await session.execute(
                    delete(ConversationState).where(
                        ConversationState.kind == kind, ConversationState.ref == ref
                    )
                )

        async with self._tolerant(f"drop {kind}"):
            await self._run(drop)

    def _message_ref(self, chat_id: int, message_id: int) -> str:
        return self._hasher.message(f"{chat_id}:{message_id}")

    # ------------------------------------------------------------------ "did you mean"
    async def remember_choices(
        self,
        *,
        chat_id: int,
        message_id: int,
        user_id: int | None,
        question: str,
        language: str,
        candidates: Sequence[tuple[str, float]],
    ) -> bool:
        """Keep the question behind the "did you mean" message ``message_id``."""
        data = {
            "question": clean(question, MAX_TEXT),
            "language": language,
            "candidates": [[entry, float(score)] for entry, score in candidates][:5],
        }
        user_hash = self._hasher.user(user_id) if user_id is not None else ""
        return await self._put(
            "choices", user_hash, self._message_ref(chat_id, message_id), data, CHOICES_FOR
        )

    async def take_choices(self, *, chat_id: int, message_id: int) -> PendingChoices | None:
        """The question behind that message, forgotten once taken (None: unknown/expired)."""
        row = await self._get("choices", self._message_ref(chat_id, message_id), take=True)
        return _choices(row)

    async def find_choices(self, *, chat_id: int, message_id: int) -> PendingChoices | None:
        """The question behind that message, kept (to see whose it is before taking it)."""
        return _choices(await self._get("choices", self._message_ref(chat_id, message_id)))

    def owned_by(self, pending: PendingChoices, user_id: int) -> bool:
        """Whether ``pending`` was asked by ``user_id`` (False for a question of nobody)."""
        return bool(pending.user_id_hash) and pending.user_id_hash == self._hasher.user(user_id)

    # ------------------------------------------------------------------ misses in a row
    async def count_miss(self, *, user_id: int) -> int:
        """One more miss ("did you mean" or "I don't know"); how many in a row now."""
        user_hash = self._hasher.user(user_id)
        row = await self._get("misses", user_hash)
        count = (int(row.data.get("count", 0)) if row is not None else 0) + 1
        await self._put("misses", user_hash, user_hash, {"count": count}, MISSES_FOR)
        return count

    async def reset_misses(self, *, user_id: int) -> None:
        """The user was answered: the misses start again from nothing."""
        await self._drop("misses", self._hasher.user(user_id))

    # ------------------------------------------------------------------ answers in a handoff
    async def remember_relay(
        self, *, chat_id: int, message_id: int, user_id: int, question: str, language: str
    ) -> bool:
        """The question answered in ``message_id`` during a handoff (its button may still
        send it to the team)."""
        data = {"question": clean(question, MAX_TEXT), "language": language}
        return await self._put(
            "relay",
            self._hasher.user(user_id),
            self._message_ref(chat_id, message_id),
            data,
            RELAY_FOR,
        )

    async def take_relay(self, *, chat_id: int, message_id: int) -> Remembered | None:
        """That question, forgotten once taken (None: sent already, or gone)."""
        row = await self._get("relay", self._message_ref(chat_id, message_id), take=True)
        if row is None:
            return None
        return Remembered(str(row.data["question"]), str(row.data["language"]), row.created_at)

    # ------------------------------------------------------------------ last question / answer
    async def remember_question(self, *, user_id: int, question: str, language: str) -> bool:
        """Keep the user's last question (offered to staff with a handoff)."""
        user_hash = self._hasher.user(user_id)
        data = {"text": clean(question, MAX_TEXT), "language": language}
        return await self._put("question", user_hash, user_hash, data, QUESTION_FOR)

    async def recent_question(self, *, user_id: int) -> Remembered | None:
        """The user's last question, while it is recent enough to offer."""
        return await self._remembered("question", user_id)

    async def forget_question(self, *, user_id: int) -> None:
        """The last question was passed on (or the user cancelled)."""
        user_hash = self._hasher.user(user_id)
        await self._drop("question", user_hash)

    async def remember_answer(self, *, user_id: int, entry: str, language: str) -> bool:
        """Keep the entry the user was last answered with (the context of a follow-up)."""
        user_hash = self._hasher.user(user_id)
        data = {"text": entry, "language": language}
        return await self._put("answer", user_hash, user_hash, data, ANSWER_FOR)

    async def last_answer(self, *, user_id: int) -> Remembered | None:
        """The entry the user was last answered with, and when."""
        return await self._remembered("answer", user_id)

    async def _remembered(self, kind: str, user_id: int) -> Remembered | None:
        user_hash = self._hasher.user(user_id)
        row = await self._get(kind, user_hash)
        if row is None:
            return None
        return Remembered(str(row.data["text"]), str(row.data["language"]), row.created_at)

    # ------------------------------------------------------------------ handoff consent
    async def offer_handoff(
        self, *, user_id: int, message_id: int, question: str | None, language: str | None
    ) -> bool:
        """The consent question was sent as ``message_id``, offering ``question``."""
        user_hash = self._hasher.user(user_id)
        data = {"message_id": message_id, "question": question, "language": language}
        return await self._put("offer", user_hash, user_hash, data, OFFER_FOR)

    async def take_offer(self, *, user_id: int, message_id: int) -> PendingOffer | None:
        """The offer made in ``message_id``, forgotten once taken (None: gone, or another)."""
        user_hash = self._hasher.user(user_id)
        row = await self._get("offer", user_hash)
        if row is None or int(row.data["message_id"]) != message_id:
            return None
        await self._drop("offer", user_hash)
        question = row.data.get("question")
        language = row.data.get("language")
        return PendingOffer(
            message_id,
            str(question) if question is not None else None,
            str(language) if language is not None else None,
        )

    async def await_question(self, *, user_id: int, share_name: bool) -> bool:
        """Consent given without a question: the user's next message is the question."""
        user_hash = self._hasher.user(user_id)
        data = {"share_name": share_name}
        return await self._put("await", user_hash, user_hash, data, AWAIT_FOR)

    async def awaited(self, *, user_id: int) -> bool | None:
        """Whether the bot waits for the user's question: None (no), else ``share_name``."""
        row = await self._get("await", self._hasher.user(user_id))
        return None if row is None else bool(row.data.get("share_name"))

    async def cancel_handoff(self, *, user_id: int) -> None:
        """No offer, nothing awaited (cancelled, or the question was passed on)."""
        user_hash = self._hasher.user(user_id)
        await self._drop("offer", user_hash)
        await self._drop("await", user_hash)


def _choices(row: ConversationState | None) -> PendingChoices | None:
    if row is None:
        return None
    return PendingChoices(
        row.user_hash,
        str(row.data["question"]),
        str(row.data["language"]),
        tuple((str(e), float(s)) for e, s in row.data.get("candidates", [])),
    )


async def delete_user(session: AsyncSession, *, user_hash: str) -> int:
    """Every conversation row of the user; how many."""
    result = await session.execute(
        delete(ConversationState)
        .where(ConversationState.user_hash == user_hash)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def touch_handoff(session: AsyncSession, *, handoff_id: int, at: datetime) -> None:
    """A message went either way in handoff ``handoff_id`` (for the idle close)."""
    await session.execute(
        update(Handoff).where(Handoff.id == handoff_id).values(last_activity_at=at)
    )


async def close_if_open(session: AsyncSession, *, handoff_id: int, at: datetime) -> bool:
    """Close the handoff unless it is closed already; True when this call closed it (of two
    replicas closing the same idle handoff, only one tells the people)."""
    result = await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.closed_at.is_(None))
        .values(closed_at=at)
    )
    return bool(getattr(result, "rowcount", 0))


async def idle_handoffs(session: AsyncSession, *, before: datetime) -> list[Handoff]:
    """Open handoffs with no message since ``before``."""
    last = func.coalesce(Handoff.last_activity_at, Handoff.opened_at)
    statement = (
        select(Handoff).where(Handoff.closed_at.is_(None), last < before).order_by(Handoff.id)
    )
    return list((await session.execute(statement)).scalars())
