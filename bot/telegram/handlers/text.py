"""Free text through the desk, and the short answer to stickers, photos, voice and the like.

In private chats every text message is a question. In groups the bot only answers messages
that mention it (``@botusername``, removed before the desk sees the text); commands are
handled in :mod:`bot.telegram.handlers.commands`.

The desk's work is CPU-bound (up to a few hundred milliseconds for a 4,096-character
message: the safety check and language detection read all of it), so it runs in a worker
thread and never holds up the other users' updates. What must be recorded is recorded
before the reply is sent, under a key made from the message, so a reply that cannot be
delivered still leaves its record, and a message handled twice leaves one.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata

from telegram import Message, MessageEntity, Update

from bot.core.i18n import gettext
from bot.telegram.context import BotContext
from bot.telegram.handlers import handoff
from bot.telegram.handlers.common import (
    is_private,
    record_reply,
    remember_question,
    reply_rendered,
    user_language,
)
from bot.telegram.render.answers import Rendered, render_reply
from faq.markup import escape


def blank(text: str) -> bool:
    """True when ``text`` shows nothing: whitespace, zero-width and control characters only."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def addressed_text(message: Message, username: str | None, bot_id: int) -> str | None:
    """The text of a group message without its mention of the bot; None when the message
    does not mention the bot."""
    text = message.text or ""
    mentions: list[str] = []
    for entity, value in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.TEXT_MENTION:
            if entity.user is not None and entity.user.id == bot_id:
                mentions.append(value)
        elif username and value.lower() == f"@{username.lower()}":
            mentions.append(value)
    if not mentions and username:
        # Telegram always marks mentions as entities; a client that did not still meant us.
        pattern = re.compile(rf"@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)
        mentions = pattern.findall(text)
    if not mentions:
        return None
    for mention in mentions:
        text = text.replace(mention, " ", 1)
    return " ".join(text.split())


async def on_text(update: Update, context: BotContext) -> None:
    """A question: ask the desk, send its reply with the right buttons, record it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.text is None:
        return
    private = is_private(update.effective_chat)
    if private:
        question = message.text
    else:
        found = addressed_text(message, context.bot.username, context.bot.id)
        if found is None:
            return
        question = found
    lang = await user_language(update, context)
    if blank(question):
        if private:
            hint = gettext(
                lang, "Please type your question in a few words, for example about housing."
            )
        else:
            hint = gettext(
                lang, "Yes? Ask me a question after my name, for example about housing or eduroam."
            )
        await reply_rendered(message, Rendered.of(escape(hint)), quote=not private)
        return
    if private and await handoff.intercept(update, context):
        return  # the question for, or a message to, the team (human handoff)
    desk = context.desk
    reply = await asyncio.to_thread(desk.reply, question, preferred_language=lang)
    user_id = user.id if user else None
    await record_reply(context, reply, user_id, event=("text", message.chat_id, message.message_id))
    # a check-in quotes the message: its "I'm OK" button reads the question back from there
    quote = not private or reply.is_checkin
    sent = await reply_rendered(message, render_reply(reply, desk.tree), quote=quote)
    if reply.kind == "clarify":
        remember_question(context, sent.message_id, reply, user_id)
    elif reply.kind == "unanswered" and private:
        handoff.remember_unanswered(context, reply.question, reply.language)


async def on_non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice messages ...: the bot reads text only (private chats)."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    text = gettext(lang, "Sorry, I can only read text messages. Please type your question.")
    await reply_rendered(message, Rendered.of(escape(text)))
