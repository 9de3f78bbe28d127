"""The two buttons under a check-in (a risk signal without certainty, docs/safety.md):
"I'm not safe right now" -> the full crisis reply, "I'm OK, I had a question" -> the normal
answer to the message the check-in was about.

The bot keeps no copy of that message. The check-in is sent as a reply to it, so Telegram
hands it back with the press (``reply_to_message``), after a restart too; the button itself
carries only the choice, the check-in's language and its crisis category
(:class:`bot.telegram.callback_data.Checkin`). "I'm not safe" needs nothing else and always
works; "I'm OK" without the original (the user deleted it) asks for the question again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import Chat, Message
from telegram.error import BadRequest

from bot.core.i18n import gettext
from bot.telegram.handlers.common import record_reply, reply_rendered
from bot.telegram.handlers.handoff.consent import remember_unanswered
from bot.telegram.handlers.text import addressed_text
from bot.telegram.render.answers import Rendered, render_reply
from faq.markup import escape

if TYPE_CHECKING:
    from bot.telegram.handlers.callbacks import Press

log = logging.getLogger(__name__)


def original_question(press: Press) -> Message | None:
    """The user's message the check-in answered, as Telegram sends it back with the press."""
    original = press.message.reply_to_message
    if original is None or not original.text:
        return None
    return original


def _question_text(press: Press, original: Message) -> str:
    """The question as the desk saw it: in a group, without the mention of the bot."""
    text = original.text or ""
    if original.chat.type != Chat.PRIVATE:
        bot = press.context.bot
        text = addressed_text(original, bot.username, bot.id) or text
    return text


async def _drop_buttons(press: Press) -> None:
    """Take the two buttons off the check-in (its text, naming 113 and 112, stays)."""
    try:
        await press.query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:  # already gone, or the message is too old to edit: no matter
        log.info("could not remove the check-in buttons: %s", exc.message)


async def on_checkin(press: Press) -> None:
    """A press of "I'm not safe right now" or "I'm OK, I had a question"."""
    desk = press.context.desk
    original = original_question(press)
    language = press.data.language or press.language
    if press.data.arg == "ok":
        if original is None:
            await press.answer()
            text = gettext(
                language, "I can no longer see your message. Please send your question again."
            )
            await reply_rendered(press.message, Rendered.of(escape(text)))
            return
        asker = original.from_user.id if original.from_user else None
        if asker is not None and asker != press.user_id:  # a group: only the asker is "OK"
            await press.answer(
                gettext(press.language, "Only the person who asked can answer this.")
            )
            return
        await press.answer()
        await _drop_buttons(press)
        reply = await asyncio.to_thread(
            desk.checkin_ok, _question_text(press, original), preferred_language=press.language
        )
    else:
        await press.answer()
        await _drop_buttons(press)
        question = _question_text(press, original) if original is not None else ""
        reply = await asyncio.to_thread(
            desk.checkin_unsafe,
            question,
            preferred_language=press.language,
            language=press.data.language,
            category=press.data.category,
        )
    event = ("checkin", press.message.chat_id, press.message.message_id, press.data.arg)
    await record_reply(press.context, reply, press.user_id, event=event)
    await reply_rendered(press.message, render_reply(reply, desk.tree))
    if reply.kind == "unanswered" and press.message.chat.type == Chat.PRIVATE:
        await remember_unanswered(press.context, press.user_id, reply.question, reply.language)
