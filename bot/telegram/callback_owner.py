"""Buttons that belong to one person: only they may press them.

In a group everyone sees everyone's buttons. A /forget confirmation pressed by Bob under
Alice's prompt must not delete Bob's data and then tell Alice hers is gone; Bob choosing a
language under Alice's /language menu must not change anything either. Such buttons carry
their owner's Telegram id (``forget:yes:<id>``, ``lang:nl:<id>``, see
:mod:`bot.telegram.callback_data`); a "did you mean" choice belongs to the person whose
question it was (kept with the question in memory).

:func:`refusal` says whether a press must be refused; the caller answers with
:func:`not_yours` (a short alert in the presser's language) and changes nothing.
"""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, Chat
from telegram.error import BadRequest

from bot.core.i18n import gettext
from bot.telegram import callback_data as cb

#: Why a press is refused.
NOT_YOURS = "not-yours"
#: An owned button from before owners were packed, pressed in a group: nobody can tell whose.
UNOWNED = "unowned"


def refusal(data: cb.Callback, presser: int, chat: Chat | None) -> str | None:
    """Why ``presser`` may not press this button (:data:`NOT_YOURS`, :data:`UNOWNED`), or
    None when they may. In a private chat only its user can press anything."""
    if data.action not in cb.OWNED_ACTIONS:
        return None
    if data.owner is not None:
        return None if data.owner == presser else NOT_YOURS
    if chat is not None and chat.type == Chat.PRIVATE:
        return None
    return UNOWNED


def belongs_to(owner: int | None, presser: int, chat: Chat | None) -> bool:
    """Whether a choice made for ``owner`` (None: unknown) may be taken by ``presser``."""
    if chat is not None and chat.type == Chat.PRIVATE:
        return True
    return owner is None or owner == presser


async def not_yours(query: CallbackQuery, language: str) -> None:
    """Refuse the press with a short alert; nothing else happens."""
    text = gettext(
        language,
        "These buttons belong to someone else. Send the command yourself to get your own.",
    )
    with contextlib.suppress(BadRequest):  # too old to answer: nothing happened anyway
        await query.answer(text, show_alert=True)
