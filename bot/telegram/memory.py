"""Bounded per-user and per-chat memory: ``user_data`` and ``chat_data`` of users and chats
that have gone quiet are dropped, and at most so many are kept at once.

PTB keeps each user's and chat's data (:mod:`bot.telegram.data`: a handoff's lock, the
questions behind recent answer messages, a "did you mean" question the database could not
take) in plain dicts that only grow:
100,000 newcomers over a term would all stay in the process. Everything kept there is short
lived by design (what must last is in the database, :mod:`storage.conversation`), so a user's or chat's data is dropped after :data:`IDLE_SECONDS` without
an update from them, and when more than :data:`MAX_KEPT` users (or chats) have been seen
since, the least recently seen are dropped first.

Who was seen when is kept in a ``cachetools.TTLCache`` (time-to-live plus least recently
used), which tells :class:`Forgetful` about every key it lets go; dropping then goes
through PTB's own ``drop_user_data`` / ``drop_chat_data``. A handler still running for a
dropped user keeps its reference and finishes normally; the user's next update starts with
fresh data, as after a restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache
from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.telegram.context import BotContext

#: Seconds without an update after which a user's or chat's data is dropped: long enough for
#: a 👍 pressed some hours after the answer (a handoff's state is in the database).
IDLE_SECONDS = 6 * 3600.0
#: The most users (and, separately, chats) whose data is kept at once.
MAX_KEPT = 10_000


class Forgetful(TTLCache[int, None]):
    """Recently seen ids (expire after ``ttl``, least recently seen evicted past
    ``maxsize``); ``on_drop`` is called with every id let go."""

    def __init__(
        self,
        maxsize: int,
        ttl: float,
        on_drop: Callable[[int], object],
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(maxsize, ttl, timer)
        self._on_drop = on_drop

    def touch(self, key: int) -> None:
        """``key`` was seen now (expired ids are let go first)."""
        self[key] = None

    def expire(self, time: float | None = None) -> list[tuple[int, None]]:
        """Drop expired ids (cachetools calls this on every change) and report them."""
        expired = list(super().expire(time))
        for key, _ in expired:
            self._on_drop(key)
        return expired

    def popitem(self) -> tuple[int, None]:
        """Evict the least recently seen id (cachetools calls this past ``maxsize``)."""
        key, value = super().popitem()
        self._on_drop(key)
        return key, value


class MemoryBound:
    """The seen users and chats of one application."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        maxsize: int = MAX_KEPT,
        ttl: float = IDLE_SECONDS,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._application = application
        self.users = Forgetful(maxsize, ttl, self._drop_user, timer)
        self.chats = Forgetful(maxsize, ttl, self._drop_chat, timer)

    # PTB's drop_*_data also note the id for the persistence's next update, and only a
    # persistence ever clears that set: without one (ours), the ids would pile up there
    def _drop_user(self, user_id: int) -> None:
        app = self._application
        app.drop_user_data(user_id)
        if app.persistence is None:
            app._user_ids_to_be_deleted_in_persistence.discard(user_id)

    def _drop_chat(self, chat_id: int) -> None:
        app = self._application
        app.drop_chat_data(chat_id)
        if app.persistence is None:
            app._chat_ids_to_be_deleted_in_persistence.discard(chat_id)

    def seen(self, update: Update) -> None:
        """Mark the update's user and chat as seen now."""
        if update.effective_user is not None:
            self.users.touch(update.effective_user.id)
        if update.effective_chat is not None:
            self.chats.touch(update.effective_chat.id)


async def _seen(update: object, context: BotContext) -> None:
    bound = context.bot_data.memory
    if bound is not None and isinstance(update, Update):
        bound.seen(update)


def handler() -> TypeHandler[Update, BotContext, None]:
    """Marks every update's user and chat as seen (group -2: before everything, the flood
    guard included, which may stop the update)."""
    return TypeHandler(Update, _seen)
