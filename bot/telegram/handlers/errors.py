"""The error handler: log the exception with its traceback, tell the user (in their language)
that something went wrong, and nothing about what.

A reply that may or may not have reached Telegram (:class:`bot.telegram.delivery.DeliveryUncertain`)
gets no apology: the user may well have the answer, and a second message would be wrong
either way."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot.core.i18n import gettext, negotiate
from bot.telegram.context import BotContext
from bot.telegram.delivery import DeliveryUncertain, not_delivered
from faq.markup import escape
from faq.models import FALLBACK_LANGUAGE

log = logging.getLogger("bot.errors")


def _describe(update: object) -> str:
    """What kind of update failed, without any of its content."""
    if not isinstance(update, Update):
        return "no update" if update is None else type(update).__name__
    kinds = [key for key in update.to_dict() if key != "update_id"]
    return f"update {update.update_id} ({', '.join(kinds) or 'empty'})"


def _language(update: Update) -> str:
    """The user's Telegram language, without touching the database (it may be what failed)."""
    user = update.effective_user
    return (negotiate(user.language_code) if user else None) or FALLBACK_LANGUAGE


async def on_error(update: object, context: BotContext) -> None:
    """Log ``context.error``; apologise to the user the update came from, if any."""
    error = context.error
    if isinstance(error, Forbidden):  # the user blocked the bot: nothing to tell anyone
        log.warning("Telegram refused a request: %s", error)
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("network problem talking to the Bot API: %s", error)
        return
    if isinstance(error, DeliveryUncertain):
        log.warning("while handling %s: %s", _describe(update), error)
        return
    if isinstance(error, RetryAfter) or (error is not None and not_delivered(error)):
        # past the retry budget: one line with the reason (a traceback adds nothing); the
        # apology below may still get through if the Bot API is back
        log.warning("while handling %s: not delivered: %s", _describe(update), error)
    else:
        log.error("error while handling %s", _describe(update), exc_info=error)
    if not isinstance(update, Update):
        return
    text = gettext(
        _language(update), "Sorry, something went wrong on my side. Please try again in a moment."
    )
    message, chat = update.effective_message, update.effective_chat
    try:
        # (a button press is answered already, see bot.telegram.handlers.callbacks: write in the chat)
        if isinstance(message, Message):
            await message.reply_text(escape(text), do_quote=False)
        elif chat is not None:
            await context.bot.send_message(chat.id, escape(text))
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)
