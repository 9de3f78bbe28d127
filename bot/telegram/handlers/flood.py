"""Per-user flood limits: one user cannot starve the others, and nobody is ignored in silence.

Texts and commands a user sends the bot (private chats; in groups only commands and mentions
of the bot) count towards ``USER_MESSAGES_PER_MINUTE`` (20 by default) within a sliding
minute; button presses towards a separate, larger ``BUTTON_PRESSES_PER_MINUTE`` (120), so
browsing the topic menu never uses up the texts. The answers to a confirmation that
destroys or sends something (/forget's "yes", the handoff consent and "end conversation")
are never limited.

A text past the limit is skipped, but never in silence: the first one gets a notice at once;
later ones are covered by one more notice sent after them (at most one every
:data:`NOTICE_GAP` seconds), saying how many were skipped. A press past its limit is answered
(so the button stops spinning) with one alert. Staff and the staff chat are not limited.

The counters are kept in memory, per process, bounded (idle users are swept, and at most
:data:`MAX_USERS` are tracked): with several webhook replicas behind a load balancer, a user
spread over them can send up to that many messages to each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from telegram import Chat, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.core.i18n import format_number, gettext, ngettext
from bot.telegram import callback_data as cb
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import user_language
from bot.telegram.handlers.text import addressed_text
from faq.markup import escape

log = logging.getLogger(__name__)

#: The window of the limit, in seconds.
WINDOW = 60.0
#: The longest text of a button-press answer (answerCallbackQuery).
MAX_ALERT_CHARS = 200
#: Idle users are forgotten on a sweep every this many checks.
SWEEP_EVERY = 1000
#: The most users tracked at once; past it, idle users are swept at once.
MAX_USERS = 100_000
#: Seconds between two notices to one user (a skipped text is covered by a notice at most
#: this long after it).
NOTICE_GAP = 10.0
#: Button presses that are never limited: confirming /forget, the handoff consent and end.
_NEVER_LIMITED = frozenset({"forget", "consent", "end"})

#: ``pass``: handle it; ``notice``: skip it and say so now; ``skip``: skip it, a notice
#: follows (:meth:`FloodGate.notice_due`); ``drop``: skip it (presses: answered silently).
Verdict = Literal["pass", "notice", "skip", "drop"]


@dataclass(slots=True)
class _User:
    times: deque[float] = field(default_factory=deque)  # admitted messages in the window
    notice_at: float | None = None
    skipped: int = 0  # skipped since the last notice
    last: float = 0.0


class FloodGate:
    """A sliding-window limit per user; past it, notices at most every ``notice_gap``."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
        *,
        notice_gap: float = NOTICE_GAP,
        max_users: int = MAX_USERS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.notice_gap = notice_gap
        self.max_users = max_users
        #: waits for the next notice (replaceable: tests release it at once)
        self.sleep = sleep
        self._users: dict[int, _User] = {}
        self._checks = 0

    def check(self, user_id: int, *, trailing: bool = True) -> Verdict:
        """What to do with the user's next message. With ``trailing`` (texts), a message
        skipped between two notices is ``skip`` (a notice follows it); without (presses),
        ``drop`` (one notice per window)."""
        now = self.clock()
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0 or len(self._users) >= self.max_users:
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
        gap = self.notice_gap if trailing else self.window
        if user.notice_at is None or now - user.notice_at >= gap:
            user.notice_at = now
            user.skipped = 0
            return "notice"
        if not trailing:
            return "drop"
        user.skipped += 1
        return "skip"

    def notice_delay(self, user_id: int) -> float:
        """Seconds until the user may get the next notice."""
        user = self._users.get(user_id)
        if user is None or user.notice_at is None:
            return 0.0
        return max(0.0, user.notice_at + self.notice_gap - self.clock())

    def notice_due(self, user_id: int) -> int:
        """How many skipped messages the next notice must cover (0: none); resets the
        count and starts the gap again when there are some."""
        user = self._users.get(user_id)
        if user is None or user.skipped == 0:
            return 0
        skipped, user.skipped = user.skipped, 0
        user.notice_at = self.clock()
        return skipped

    def _sweep(self, now: float) -> None:
        idle = [
            uid
            for uid, u in self._users.items()
            if now - u.last >= max(self.window, self.notice_gap) and not u.skipped
        ]
        for uid in idle:
            del self._users[uid]

    def __len__(self) -> int:
        return len(self._users)


def gate(context: BotContext) -> FloodGate:
    """The application's gate for texts, made on first use from the settings."""
    found = context.bot_data.flood_gate
    if found is None:
        found = context.bot_data.flood_gate = FloodGate(context.settings.user_messages_per_minute)
    return found


def button_gate(context: BotContext) -> FloodGate:
    """The application's gate for button presses, made on first use from the settings."""
    found = context.bot_data.button_gate
    if found is None:
        found = context.bot_data.button_gate = FloodGate(context.settings.button_presses_per_minute)
    return found


def _counts(update: Update, context: BotContext) -> bool:
    """Whether the update is something the user asks of the bot."""
    query = update.callback_query
    if query is not None:
        data = cb.decode(query.data)
        return data is None or data.action not in _NEVER_LIMITED
    message = update.message or update.edited_message
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


def _notice_text(lang: str) -> str:
    return gettext(
        lang,
        "You are sending me messages faster than I can read them, so I will skip "
        "the next ones for a minute. Please wait a moment, then ask again.",
    )


async def _trailing_notice(
    context: BotContext, flood: FloodGate, user_id: int, chat_id: int, lang: str
) -> None:
    """After a quiet moment: one notice that covers every text skipped since the last."""
    await flood.sleep(flood.notice_delay(user_id))
    skipped = flood.notice_due(user_id)
    if not skipped:
        return
    text = ngettext(
        lang,
        "I skipped {count} message because you sent it faster than I can read. "
        "Please send your question again in a moment.",
        "I skipped {count} messages because you sent them faster than I can read. "
        "Please send your question again in a moment.",
        skipped,
    ).format(count=format_number(skipped, lang))
    try:
        await context.bot.send_message(chat_id, escape(text))
    except TelegramError as exc:
        log.warning("could not send a flood notice: %s", exc)


async def guard(update: object, context: BotContext) -> None:
    """Runs before every other handler; stops updates past the user's limit."""
    if not isinstance(update, Update) or not _counts(update, context) or _exempt(update, context):
        return
    user = update.effective_user
    if user is None:  # _exempt lets no update without a user through; never reached
        return
    query = update.callback_query
    if query is not None:
        verdict = button_gate(context).check(user.id, trailing=False)
    else:
        flood = gate(context)
        verdict = flood.check(user.id)
        if verdict == "skip":
            if user.id not in context.bot_data.flood_notices:
                # one pending trailing notice per user (tracked, so it is not collected)
                chat = update.effective_chat
                lang = await user_language(update, context)
                if chat is not None:
                    task = context.application.create_task(
                        _trailing_notice(context, flood, user.id, chat.id, lang)
                    )
                    context.bot_data.flood_notices[user.id] = task
                    notices, uid = context.bot_data.flood_notices, user.id

                    def done(_task: asyncio.Task[None]) -> None:
                        notices.pop(uid, None)

                    task.add_done_callback(done)
            raise ApplicationHandlerStop
    if verdict == "pass":
        return
    if verdict == "notice":
        lang = await user_language(update, context)
        text = _notice_text(lang)
        if query is not None:
            with contextlib.suppress(BadRequest):  # too old to answer: nothing to do
                await query.answer(text[:MAX_ALERT_CHARS], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(escape(text), do_quote=False)
    elif query is not None:
        with contextlib.suppress(BadRequest):
            await query.answer()
    raise ApplicationHandlerStop


def handler() -> TypeHandler[Update, BotContext, None]:
    """The guard as a handler for group -1 (before all others)."""
    return TypeHandler(Update, guard)
