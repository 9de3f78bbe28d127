"""Each update handled once, and each chat's updates in order.

:class:`ClaimingUpdateProcessor` is python-telegram-bot's update processor (it runs up to
``max_concurrent_updates`` updates at a time) with two additions:

- **claims** (:mod:`storage.claims`): an update is claimed in the database before it is
  handled; a second delivery (Telegram's redelivery after a crash, a retried webhook, the
  same update at another replica) is skipped;
- **per-chat order**: updates of one chat are handled one after the other, in the order
  they arrived, so replies in a chat come out in the order of the questions; different
  chats still run side by side.

Long polling puts updates on PTB's queue and they reach :meth:`do_process_update`. The
webhook server calls :meth:`handle` itself and answers Telegram only when the update has
been handled (a crash before that makes Telegram deliver it again, and the claim lets the
restarted process answer it); a ``busy`` verdict (another process is handling it) becomes
a 503 so Telegram asks again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from storage.claims import UpdateClaims, Verdict

log = logging.getLogger(__name__)


class _Turn:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class ClaimingUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent update processor with claims and per-chat order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        #: the claims of this process, set once storage is open (None: no claims)
        self.claims: UpdateClaims | None = None
        #: the bot's id (updates are claimed per bot)
        self.bot_id: int | None = None
        self._turns: dict[int, _Turn] = {}
        #: deliveries skipped, by verdict
        self.skipped: dict[str, int] = {"done": 0, "busy": 0}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Wait for the claims still being marked handled (storage closes after this)."""
        if self.claims is not None:
            await self.claims.settle()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """PTB's queue path (long polling): claim, then handle or skip."""
        await self.handle(update, lambda: coroutine, dispose=coroutine)

    async def handle_now(self, update: Update, make: Callable[[], Awaitable[Any]]) -> Verdict:
        """The webhook path: like PTB's queue path (bounded by the same concurrency limit),
        but the caller learns the verdict and waits until the update is handled."""
        async with self._semaphore:
            return await self.handle(update, make)

    async def handle(
        self,
        update: object,
        make: Callable[[], Awaitable[Any]],
        *,
        dispose: Awaitable[Any] | None = None,
    ) -> Verdict:
        """Claim ``update`` and run ``make()`` when it is fresh; the verdict."""
        claims, bot_id = self.claims, self.bot_id
        async with self._turn(update):
            if claims is None or bot_id is None or not isinstance(update, Update):
                await make()
                return "fresh"
            verdict = await claims.claim(bot_id, update.update_id)
            if verdict != "fresh":
                self.skipped[verdict] += 1
                log.info("update %d delivered again (%s): skipped", update.update_id, verdict)
                if inspect.iscoroutine(dispose):
                    dispose.close()  # never awaited: no "coroutine was never awaited"
                return verdict
            try:
                await make()
            finally:
                # handled: known at once in this process, written without holding up the
                # webhook's 200 (see UpdateClaims.finish_soon)
                claims.finish_soon(bot_id, update.update_id)
            return "fresh"

    @contextlib.asynccontextmanager
    async def _turn(self, update: object) -> AsyncIterator[None]:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            yield
            return
        turn = self._turns.get(chat.id)
        if turn is None:
            turn = self._turns[chat.id] = _Turn()
        turn.users += 1
        try:
            async with turn.lock:  # asyncio.Lock is fair: first come, first served
                yield
        finally:
            turn.users -= 1
            if not turn.users:
                del self._turns[chat.id]
