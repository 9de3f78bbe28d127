"""Small pieces the handlers share: the user's language, sending and editing rendered replies,
recording what the desk said, and the in-memory questions behind "did you mean" messages."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, Message, Update
from telegram.error import BadRequest

from bot.core import recording
from bot.core.desk import Reply
from bot.core.i18n import negotiate
from bot.telegram.context import BotContext
from bot.telegram.data import PendingQuestion
from bot.telegram.render.answers import Rendered, render_reply
from faq.models import FALLBACK_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

#: How many "did you mean" questions a chat keeps in memory.
MAX_PENDING = 16


async def stored_language(context: BotContext, user_id: int) -> str | None:
    """The user's /language choice, or None.

    Read on every update rather than cached, so that replicas behind a webhook agree at once
    (one indexed read; the storage answers None itself when the database is down).
    """
    try:
        stored = await context.storage.get_language(user_id=user_id)
    except Exception:  # never let a preference lookup stop an answer
        log.warning("could not read a language preference", exc_info=True)
        return None
    return stored if stored in LANGUAGES else None


async def user_language(update: Update, context: BotContext) -> str:
    """The stored /language choice, else Telegram's ``language_code`` negotiated, else English."""
    user = update.effective_user
    if user is None:
        return FALLBACK_LANGUAGE
    return (
        await stored_language(context, user.id)
        or negotiate(user.language_code)
        or FALLBACK_LANGUAGE
    )


def is_private(chat: Chat | None) -> bool:
    """True for a one-to-one chat with the bot."""
    return chat is not None and chat.type == Chat.PRIVATE


async def reply_rendered(message: Message, rendered: Rendered, *, quote: bool = False) -> Message:
    """Send ``rendered`` as replies in ``message``'s chat (and forum topic); returns the last
    message sent, which carries the keyboard. ``quote`` quotes ``message`` in the first part."""
    last: Message | None = None
    count = len(rendered.parts)
    for i, part in enumerate(rendered.parts):
        last = await message.reply_text(
            part,
            reply_markup=rendered.keyboard if i == count - 1 else None,
            do_quote=quote and i == 0,
        )
    if last is None:  # never happens: renderers always produce text
        raise ValueError("nothing to send")
    return last


async def edit_rendered(query: CallbackQuery, rendered: Rendered) -> None:
    """Replace the pressed message with ``rendered`` (first part; any further parts follow as
    new messages, the keyboard on the last one). "Message is not modified" is not an error."""
    first, *rest = rendered.parts
    try:
        await query.edit_message_text(first, reply_markup=None if rest else rendered.keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
    if rest and isinstance(query.message, Message):
        await reply_rendered(query.message, Rendered(tuple(rest), rendered.keyboard))


async def record_reply(
    context: BotContext,
    reply: Reply,
    user_id: int | None,
    *,
    event: tuple[object, ...] | None = None,
) -> None:
    """Record ``reply`` in the bot's storage (see :func:`bot.core.recording.record_reply`)."""
    await recording.record_reply(context.storage, reply, user_id, event=event)


async def remember_question(
    context: BotContext, chat_id: int, message_id: int, reply: Reply, user_id: int | None
) -> None:
    """Keep the question behind a "did you mean" message for its buttons: in the database
    (a restart or another replica keeps it), else in this process's memory (bounded)."""
    candidates = tuple((c.entry, c.score) for c in reply.candidates)
    stored = await context.storage.conversation.remember_choices(
        chat_id=chat_id,
        message_id=message_id,
        user_id=user_id,
        question=reply.question,
        language=reply.language,
        candidates=candidates,
    )
    if stored or context.chat_data is None:
        return
    pending = context.chat_data.pending
    pending[message_id] = PendingQuestion(user_id, reply.question, reply.language, candidates)
    while len(pending) > MAX_PENDING:
        pending.popitem(last=False)


async def take_question(
    context: BotContext, message: Message, presser: int
) -> tuple[PendingQuestion | None, bool]:
    """The question behind the "did you mean" ``message`` and whether ``presser`` may take
    it; taken (forgotten) when they may. ``(None, True)``: nothing is known of it any more.
    The question's ``user_id`` is the presser when it was theirs, else None."""
    store = context.storage.conversation
    chat_id, message_id = message.chat.id, message.message_id
    private = message.chat.type == Chat.PRIVATE
    found = await store.find_choices(chat_id=chat_id, message_id=message_id)
    if found is not None:
        owner = presser if store.owned_by(found, presser) else None
        if not private and found.user_id_hash and owner is None:
            return None, False
        taken = await store.take_choices(chat_id=chat_id, message_id=message_id)
        if taken is None:  # taken meanwhile (a second press, another replica)
            return None, True
        return PendingQuestion(owner, taken.question, taken.language, taken.candidates), True
    memory = context.chat_data.pending if context.chat_data is not None else None
    kept = memory.get(message_id) if memory is not None else None
    if kept is None or memory is None:
        return None, True
    if not (private or kept.user_id is None or kept.user_id == presser):
        return None, False
    del memory[message_id]
    return kept, True


def forget_questions(context: BotContext, user_id: int) -> None:
    """Drop the user's questions kept in memory, in every chat (/forget)."""
    for chat_data in context.application.chat_data.values():
        for kept in (chat_data.pending, chat_data.answered):
            for key in [k for k, v in kept.items() if v.user_id == user_id]:
                del kept[key]


async def send_entry(
    message: Message, context: BotContext, entry_id: str, lang: str, user_id: int | None
) -> Message:
    """Send one entry's answer as a new message (with 👍/👎 and related buttons) and count it."""
    reply = context.desk.entry_reply(entry_id, lang)
    sent = await reply_rendered(message, render_reply(reply, context.desk.tree))
    await record_reply(context, reply, user_id)
    return sent


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press (``alert``: as a dialog the user must close); a press Telegram no
    longer accepts answers for (too old: the bot was busy or down) is still carried out by
    the caller."""
    try:
        await query.answer(text, show_alert=alert or None)
    except BadRequest as exc:
        log.info("could not answer a button press: %s", exc.message)
