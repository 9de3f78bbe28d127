"""Per-user flood limit: one user cannot starve the others.

Every message a user sends the bot (private chats; in groups only commands and mentions of
the bot) and every button press counts. Past ``USER_MESSAGES_PER_MINUTE`` (20 by default)
within a sliding minute, further ones are skipped: the first skipped one gets one polite
notice in the user's language, the rest of that minute nothing (a press is still answered,
silently, so the button stops spinning). Staff and the staff chat are not limited.

The limit is kept in memory, per process: with several webhook replicas behind a load
balancer, a user spread over them can send up to that many messages to each.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from telegram import Chat, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.core.i18n import gettext
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import user_language
from bot.telegram.handlers.text import addressed_text
from faq.markup import escape

#: The window of the limit, in seconds.
WINDOW = 60.0
#: The longest text of a button-press answer (answerCallbackQuery).
MAX_ALERT_CHARS = 200
#: Idle users are forgotten on a sweep every this many checks.
SWEEP_EVERY = 1000

Verdict = Literal["pass", "notice", "drop"]


@dataclass(slots=True)
class _User:
    times: deque[float] = field(default_factory=deque)  # admitted messages in the window
    notice_at: float | None = None
    last: float = 0.0


class FloodGate:
    """A sliding-window limit per user with one notice per window."""

    def __init__(
        self, limit: int, window: float = WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._users: dict[int, _User] = {}
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        """``pass`` (handle it), ``notice`` (skip it, say why once) or ``drop`` (skip it)."""
        now = self.clock()
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            self._sweep(now)
        user = self._users.get(user_id)
        if user is None:
            user = self._users[user_id] = _User()
        user.last = now
        times = user.times
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            return "pass"
        if user.notice_at is None or now - user.notice_at >= self.window:
            user.notice_at = now
            return "notice"
        return "drop"

    def _sweep(self, now: float) -> None:
        idle = [uid for uid, u in self._users.items() if now - u.last >= self.window]
        for uid in idle:
            del self._users[uid]

    def __len__(self) -> int:
        return len(self._users)


def gate(context: BotContext) -> FloodGate:
    """The application's gate, made on first use from the settings."""
    found = context.bot_data.flood_gate
    if found is None:
        found = context.bot_data.flood_gate = FloodGate(context.settings.user_messages_per_minute)
    return found


def _counts(update: Update, context: BotContext) -> bool:
    """Whether the update is something the user asks of the bot."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None:
        return False
    if message.chat.type == Chat.PRIVATE:
        return True
    text = message.text or ""
    if text.startswith("/"):
        return True
    return addressed_text(message, context.bot.username, context.bot.id) is not None


def _exempt(update: Update, context: BotContext) -> bool:
    settings = context.settings
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot or user.id in settings.staff_ids:
        return True
    return (
        chat is not None
        and settings.staff_chat_id is not None
        and chat.id == settings.staff_chat_id
    )


async def guard(update: object, context: BotContext) -> None:
    """Runs before every other handler; stops updates past the user's limit."""
    if not isinstance(update, Update) or not _counts(update, context) or _exempt(update, context):
        return
    user = update.effective_user
    if user is None:  # _exempt lets no update without a user through; never reached
        return
    verdict = gate(context).check(user.id)
    if verdict == "pass":
        return
    query = update.callback_query
    if verdict == "notice":
        lang = await user_language(update, context)
        text = gettext(
            lang,
            "You are sending me messages faster than I can read them, so I will skip "
            "the next ones for a minute. Please wait a moment, then ask again.",
        )
        if query is not None:
            with contextlib.suppress(BadRequest):  # too old to answer: nothing to do
                await query.answer(text[:MAX_ALERT_CHARS], show_alert=True)
        elif update.message is not None:
            await update.message.reply_text(escape(text), do_quote=False)
    elif query is not None:
        with contextlib.suppress(BadRequest):
            await query.answer()
    raise ApplicationHandlerStop


def handler() -> TypeHandler[Update, BotContext, None]:
    """The guard as a handler for group -1 (before all others)."""
    return TypeHandler(Update, guard)
