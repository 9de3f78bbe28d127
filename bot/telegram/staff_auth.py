"""Who counts as staff: a person, not a chat.

A staff button or command counts only when the person behind it is in ``STAFF_USER_IDS``,
or, with ``STAFF_CHAT_ADMINS=true``, an administrator of the staff chat (asked from Telegram
with ``getChatAdministrators`` and remembered for :data:`ADMINS_TTL` seconds). Being a
member of the staff chat is not enough: the staff chat may hold volunteers, interns or a
bot that should see questions but not resolve them.
"""

from __future__ import annotations

import logging
import time

from telegram import User
from telegram.error import TelegramError

from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

#: What a member of the staff chat who is not staff hears (commands, buttons, handoff replies).
STAFF_ONLY = "Staff only: ask the team to add you to STAFF_USER_IDS."
#: How long the staff chat's administrators are remembered, in seconds.
ADMINS_TTL = 300.0


async def _admins(context: BotContext, chat_id: int) -> frozenset[int]:
    data = context.bot_data
    cached = data.staff_admins
    now = time.monotonic()
    if cached is not None and now - cached[0] < ADMINS_TTL:
        return cached[1]
    try:
        members = await context.bot.get_chat_administrators(chat_id)
    except TelegramError as exc:
        log.warning("could not read the staff chat's administrators: %s", exc)
        return cached[1] if cached is not None else frozenset()
    admins = frozenset(m.user.id for m in members if not m.user.is_bot)
    data.staff_admins = (now, admins)
    return admins


async def is_staff_person(context: BotContext, user: User | None) -> bool:
    """Whether ``user`` may use the staff tools (see the module docstring)."""
    if user is None or user.is_bot:
        return False
    settings = context.settings
    if user.id in settings.staff_ids:
        return True
    if settings.staff_chat_admins and settings.staff_chat_id is not None:
        return user.id in await _admins(context, settings.staff_chat_id)
    return False
