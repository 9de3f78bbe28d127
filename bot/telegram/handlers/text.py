"""Free text through the desk, and the short answer to stickers, photos, voice and the like.

In private chats every text message is a question. In groups the bot only answers messages
that mention it (``@botusername``, removed before the desk sees the text); commands are
handled in :mod:`bot.telegram.handlers.commands`.

The desk's work is CPU-bound (up to a few hundred milliseconds for a 4,096-character
message: the safety check and language detection read all of it), so it runs in a worker
thread and never holds up the other users' updates. What must be recorded is recorded
before the reply is sent, under a key made from the message, so a reply that cannot be
delivered still leaves its record, and a message handled twice leaves one.

A question is any text the user sends: a message, a forwarded message, the caption of a
photo or document, or an edited message (answered as it now reads, under a key of its own
so that the edit is answered once). A typing indicator goes out while the desk works.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import unicodedata

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.core.desk import Reply, noted_text
from bot.core.followup import Previous, reply_in_context
from bot.core.i18n import gettext
from bot.telegram.context import BotContext
from bot.telegram.handlers import handoff, learning
from bot.telegram.handlers.common import (
    is_private,
    record_reply,
    remember_question,
    reply_rendered,
    user_language,
)
from bot.telegram.render.answers import Rendered, render_reply, with_person
from faq.markup import escape

#: A "did you mean" offers a person too from this many misses in a row (the third).
MISSES_BEFORE_A_PERSON = 3


def blank(text: str) -> bool:
    """True when ``text`` shows nothing: whitespace, zero-width and control characters only."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def question_text(message: Message) -> str | None:
    """What a message asks: its text, else the caption of its photo or document."""
    return message.text if message.text is not None else message.caption


def addressed_text(message: Message, username: str | None, bot_id: int) -> str | None:
    """The text of a group message without its mention of the bot; None when the message
    does not mention the bot."""
    text = question_text(message) or ""
    parsed = (
        message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
        if message.text is not None
        else message.parse_caption_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    )
    mentions: list[str] = []
    for entity, value in parsed.items():
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


def _event(message: Message) -> tuple[object, ...]:
    """The key a reply is recorded under: the message, and for an edit also when it was
    edited (each edit is a question of its own, answered once)."""
    if message.edit_date is not None:
        return ("edit", message.chat_id, message.message_id, int(message.edit_date.timestamp()))
    return ("text", message.chat_id, message.message_id)


async def _typing(context: BotContext, chat_id: int) -> None:
    """The "typing..." indicator; the answer does not depend on it."""
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def desk_reply(
    context: BotContext,
    chat_id: int,
    question: str,
    lang: str,
    previous: Previous | None = None,
) -> Reply:
    """The desk's reply in a worker thread (read with the ``previous`` answer when it is a
    follow-up, :mod:`bot.core.followup`), with the typing indicator sent meanwhile (and
    before the reply: the indicator's request is awaited first)."""
    typing = asyncio.create_task(_typing(context, chat_id))
    try:
        return await asyncio.to_thread(
            reply_in_context, context.desk, question, preferred_language=lang, previous=previous
        )
    finally:
        await typing


async def _previous(context: BotContext, user_id: int | None) -> Previous | None:
    """The user's last answer, the context of a follow-up (None: none, or unknown)."""
    if user_id is None:
        return None
    last = await context.storage.conversation.last_answer(user_id=user_id)
    return Previous(last.text, last.language, last.at) if last is not None else None


async def _remember(
    context: BotContext, reply: Reply, user_id: int | None, *, private: bool
) -> int:
    """Keep what the next messages need (the answer for a follow-up, the question for a
    handoff) and count misses in a row; how many misses in a row now (0: answered)."""
    if user_id is None:
        return 0
    conversation = context.storage.conversation
    if reply.kind == "answer" and reply.entry is not None:
        await conversation.remember_answer(
            user_id=user_id, entry=reply.entry, language=reply.language
        )
        await conversation.reset_misses(user_id=user_id)
        return 0
    if reply.kind not in ("clarify", "unanswered"):
        return 0
    if private:  # offered to the team with "talk to a person"
        await handoff.remember_unanswered(context, user_id, reply.question, reply.language)
    return await conversation.count_miss(user_id=user_id)


async def on_text(update: Update, context: BotContext) -> None:
    """A question: ask the desk, send its reply with the right buttons, record it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or question_text(message) is None:
        return
    private = is_private(update.effective_chat)
    if private:
        question = question_text(message) or ""
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
    if private and await handoff.intercept(update, context, question):
        return  # the question for, or a message to, the team (human handoff)
    desk = context.desk
    user_id = user.id if user else None
    previous = await _previous(context, user_id)
    reply = await desk_reply(context, message.chat_id, question, lang, previous)
    await record_reply(context, reply, user_id, event=_event(message))
    misses = await _remember(context, reply, user_id, private=private)
    rendered = render_reply(reply, desk.tree)
    if reply.kind == "clarify" and misses >= MISSES_BEFORE_A_PERSON:
        # the bot keeps missing: a person is one tap away (an "I don't know" always offers one)
        rendered = Rendered(rendered.parts, with_person(rendered.keyboard, reply.language))
    if reply.kind == "unanswered" and reply.out_of_scope is None:
        # recorded just above (the outbox keeps it until the database takes it)
        noted = f"\n\n<i>{escape(noted_text(reply.language))}</i>"
        rendered = Rendered((rendered.parts[0] + noted, *rendered.parts[1:]), rendered.keyboard)
    # a check-in quotes the message: its "I'm OK" button reads the question back from there
    quote = not private or reply.is_checkin
    sent = await reply_rendered(message, rendered, quote=quote)
    if reply.kind == "clarify":
        await remember_question(context, sent.chat_id, sent.message_id, reply, user_id)
    elif reply.kind == "answer":
        learning.remember_reply(context, sent.message_id, reply, user_id)


async def on_non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos without a caption, voice messages ...: the bot reads text only
    (private chats)."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    text = gettext(
        lang,
        "Sorry, I can only read text. Please type your question, or write it as the "
        "caption of your photo.",
    )
    await reply_rendered(message, Rendered.of(escape(text)))
