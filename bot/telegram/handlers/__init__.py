"""Telegram handlers, split by job; :func:`register` adds them all to an application."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    PrefixHandler,
    filters,
)

from bot.telegram import memory
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.handlers import (
    callbacks,
    commands,
    contact,
    errors,
    flood,
    handoff,
    inline,
    staff,
    text,
)

#: Telegram marks commands with a ``bot_command`` entity; a client that did not is still
#: understood (see the :class:`PrefixHandler` below).
_COMMAND_LIKE = filters.COMMAND | filters.Regex(r"^/[A-Za-z0-9_]")
#: Messages that carry a question: texts (forwarded ones too) and captions of photos and
#: documents, new or edited (not channel posts), commands excepted.
_QUESTION = (
    (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
    & (filters.TEXT | filters.CAPTION)
    & ~_COMMAND_LIKE
)

_COMMAND_CALLBACKS: dict[str, Callable[[Update, BotContext], Coroutine[Any, Any, None]]] = {
    "start": commands.start,
    "help": commands.help_command,
    "topics": commands.topics,
    "language": commands.language,
    "privacy": commands.privacy,
    "forget": commands.forget,
    "contact": contact.contact,
}


class _PrefixHandler(PrefixHandler[BotContext, None]):
    """PTB's PrefixHandler fails (IndexError) on a message of whitespace only."""

    def check_update(self, update: object) -> Any:
        """Like PrefixHandler's, but a blank text is no command."""
        message = update.effective_message if isinstance(update, Update) else None
        if message is not None and message.text is not None and not message.text.split():
            return None
        return super().check_update(update)


def register(application: BotApplication) -> None:
    """Add every user-facing handler and the error handler.

    The "unknown command" fallback is not added here but by :func:`register_fallbacks`,
    which must run after every other module has added its handlers.
    """
    staff.register(application)  # first: staff buttons before the general button handler
    handoff.register(application)
    application.add_handlers(
        [CommandHandler(name, callback) for name, callback in _COMMAND_CALLBACKS.items()]
    )
    # the same commands typed without Telegram's entity (e.g. "/start housing")
    application.add_handlers(
        [
            _PrefixHandler("/", name, callback, filters=filters.UpdateType.MESSAGE)
            for name, callback in _COMMAND_CALLBACKS.items()
        ]
    )
    application.add_handlers(
        [
            MessageHandler(
                _QUESTION & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS), text.on_text
            ),
            MessageHandler(
                filters.UpdateType.MESSAGE
                & filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.CAPTION
                & ~filters.StatusUpdate.ALL,
                text.on_non_text,
            ),
            CallbackQueryHandler(callbacks.on_callback),
            InlineQueryHandler(inline.on_inline_query),
        ]
    )
    application.add_handler(memory.handler(), group=-2)  # who was seen when: bounded memory
    application.add_handler(flood.handler(), group=-1)  # the per-user limit first
    application.add_error_handler(errors.on_error)


def register_fallbacks(application: BotApplication) -> None:
    """Add the handlers that must come last: unknown commands in private chats."""
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & _COMMAND_LIKE, commands.unknown_command)
    )
