"""An open handoff: the user's messages to the staff chat, the staff's replies to the user,
and ending it from either side (see :mod:`bot.telegram.handlers.handoff` for the story)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from telegram import (
    Chat,
    Message,
    Update,
    User,
)
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.core.i18n import gettext
from bot.telegram import callback_data as cb
from bot.telegram.context import BotApplication, BotContext, application_settings
from bot.telegram.handlers.common import (
    answer_query,
    record_reply,
    reply_rendered,
    user_language,
)
from bot.telegram.handlers.handoff.consent import (
    available,
    end_keyboard,
    handoff_state,
    limit_reached,
    limit_text,
    on_consent,
    open_link,
    open_with,
    send,
)
from bot.telegram.render.answers import Rendered, render_reply
from bot.telegram.render.staff import (
    handoff_follow_up_message,
    handoff_header,
)
from bot.telegram.staff_auth import STAFF_ONLY, is_staff_person
from faq.markup import escape
from storage import HandoffLink, StorageUnavailable

log = logging.getLogger(__name__)

#: How every staff-chat message of a handoff starts (see ``handoff_header``).
_TAG = re.compile(r"^\W*Handoff #(\d+)\b")


async def _staff_note(context: BotContext, link: HandoffLink, text: str) -> None:
    """A line about the handoff in the staff chat, threaded under its question."""
    body = f"{handoff_header(link.id, link.language)} · {text}"
    try:
        await context.bot.send_message(
            link.staff_chat_id, body, reply_to_message_id=link.staff_message_id
        )
    except TelegramError as exc:
        log.warning("could not post a handoff note to the staff chat: %s", exc)


# ---------------------------------------------------------------------- the user's messages


async def intercept(update: Update, context: BotContext, text: str) -> bool:
    """A private message (its ``text``, or caption): the question the bot was waiting for, or
    a message for the team during an open handoff (True: handled, the desk must not answer
    it). A crisis message is passed on too, and also gets the crisis answer at once."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return False
    if not available(context, chat):
        return False
    waiting = await context.storage.conversation.awaited(user_id=user.id)
    link: HandoffLink | None = None
    if waiting is None:
        try:
            link = await open_link(context, user.id)
        except StorageUnavailable:
            log.warning("could not look up an open handoff; answering from the FAQ instead")
            return False
        if link is None:
            return False
    lang = await user_language(update, context)
    reply = await asyncio.to_thread(context.desk.reply, text, preferred_language=lang)
    if reply.kind == "safety":  # never hold the crisis answer back
        await reply_rendered(message, render_reply(reply, context.desk.tree))
        await record_reply(
            context, reply, user.id, event=("text", message.chat_id, message.message_id)
        )
    if link is None:
        if waiting is None:  # unreachable: no link means the bot was waiting
            raise RuntimeError("a handoff message with neither a link nor a wait")
        await _post_typed_question(
            context, message, user, chat, text, waiting, reply.language, lang
        )
        return True
    try:
        await context.bot.send_message(
            link.staff_chat_id,
            handoff_follow_up_message(link.id, link.language, text),
            reply_to_message_id=link.staff_message_id,
        )
    except TelegramError:
        log.warning("could not pass a follow-up on to the staff chat", exc_info=True)
        text = gettext(lang, "Sorry, I could not pass that on. Please try again in a moment.")
        await reply_rendered(message, Rendered.of(escape(text), end_keyboard(lang)))
        return True
    text = gettext(lang, "Sent to the team. They will reply here.")
    await reply_rendered(message, Rendered.of(escape(text), end_keyboard(lang)))
    return True


async def _post_typed_question(
    context: BotContext,
    message: Message,
    user: User,
    chat: Chat,
    text: str,
    share_name: bool,
    question_language: str,
    lang: str,
) -> None:
    """The question typed after consent goes to the team."""
    state = handoff_state(context)
    conversation = context.storage.conversation
    async with state.lock:
        await conversation.cancel_handoff(user_id=user.id)
        try:
            limited = await limit_reached(context, user.id)
        except StorageUnavailable:
            limited = False  # open_with tells the user
        if limited:
            reply = Rendered.of(escape(limit_text(lang)))
        else:
            reply = await open_with(
                context, user, chat.id, text, question_language, share_name, lang
            )
    await conversation.forget_question(user_id=user.id)
    await reply_rendered(message, reply)


async def on_end_press(update: Update, context: BotContext) -> None:
    """The user's "end conversation" button."""
    query = update.callback_query
    if query is None:
        return
    lang = await user_language(update, context)
    try:
        link = await open_link(context, query.from_user.id)
        if link is not None:
            await context.storage.close_handoff(handoff_id=link.id)
    except StorageUnavailable:
        await answer_query(
            query,
            gettext(lang, "Sorry, something went wrong on my side. Please try again in a moment."),
        )
        return
    if link is None:
        await answer_query(query, gettext(lang, "This conversation has already ended."))
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
        return
    await answer_query(query)
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    text = gettext(
        lang, "You have ended the conversation with our team. You can ask me anything again."
    )
    if isinstance(query.message, Message):
        await reply_rendered(query.message, Rendered.of(escape(text)))
    else:
        await context.bot.send_message(query.from_user.id, escape(text))
    await _staff_note(context, link, "the user ended the conversation.")


# ---------------------------------------------------------------------- the staff's replies


def _is_end(text: str | None) -> bool:
    if not text:
        return False
    first = text.split(maxsplit=1)[0].lower()
    return first.split("@", 1)[0] == "/end"


async def _link_for(context: BotContext, replied: Message) -> tuple[int | None, HandoffLink | None]:
    """The handoff a staff-chat message of the bot belongs to: (its number, its link). The
    number without a link: the handoff is gone (/forget, or the retention purge)."""
    storage = context.storage
    link = await storage.handoff_for_staff_message(
        staff_chat_id=replied.chat.id, staff_message_id=replied.message_id
    )
    if link is not None:
        return link.id, link
    match = _TAG.match(replied.text or "")
    if match is None:
        return None, None
    number = int(match.group(1))
    link = await storage.handoff(handoff_id=number)
    if link is None or link.staff_chat_id != replied.chat.id:
        return number, None
    return number, link


async def on_staff_reply(update: Update, context: BotContext) -> None:
    """A reply in the staff chat to one of the bot's handoff messages: relay it to the user,
    or /end the handoff."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    try:
        number, link = await _link_for(context, replied)
    except StorageUnavailable:
        await message.reply_text("⚠️ The database is not reachable; nothing was relayed.")
        return
    if number is None:
        return  # a reply to some other message of the bot: staff talking among themselves
    if not await is_staff_person(context, message.from_user):
        await message.reply_text(STAFF_ONLY)  # a member of the staff chat, but not staff
        return
    if link is None:
        await message.reply_text(
            f"🙋 <b>Handoff #{number}</b> · no longer exists (the user deleted their data, "
            "or it expired); nothing was sent."
        )
        return
    header = handoff_header(link.id, link.language)
    if _is_end(message.text):
        await _close_by_staff(context, message, link)
        return
    if link.closed_at is not None:
        await message.reply_text(f"{header} · is closed: the user did not get this message.")
        return
    if not message.text:
        await message.reply_text(f"{header} · only text can be relayed; nothing was sent.")
        return
    lang = link.language
    sender = gettext(lang, "Our welcome team")  # outside the f-string, where Babel sees it
    body = f"💬 <b>{escape(sender)}</b>\n\n{escape(message.text)}"
    try:
        await send(context, link.user_chat_id, Rendered.of(body, end_keyboard(lang)))
    except Forbidden:
        await context.storage.close_handoff(handoff_id=link.id)
        await message.reply_text(
            f"{header} · could not be delivered: the user has blocked the bot. Closed."
        )
        return
    await message.reply_text(f"{header} · ✓ sent to the user.")


async def _close_by_staff(context: BotContext, message: Message, link: HandoffLink) -> None:
    header = handoff_header(link.id, link.language)
    if link.closed_at is not None:
        await message.reply_text(f"{header} · was already closed.")
        return
    await context.storage.close_handoff(handoff_id=link.id)
    lang = link.language
    text = gettext(
        lang,
        "Our team has ended the conversation. You can ask me anything again, or send "
        "/contact to reach a person.",
    )
    try:
        await send(context, link.user_chat_id, Rendered.of(escape(text)))
        told = "the user was told."
    except Forbidden:
        told = "the user has blocked the bot."
    await message.reply_text(f"{header} · closed; {told}")


# ---------------------------------------------------------------------- wiring


def _is_handoff_data(data: object) -> bool:
    decoded = cb.decode(data) if isinstance(data, str) else None
    return decoded is not None and decoded.action == "consent"


def _is_end_data(data: object) -> bool:
    decoded = cb.decode(data) if isinstance(data, str) else None
    return decoded is not None and decoded.action == "end"


def register(application: BotApplication) -> None:
    """The consent and end buttons, and staff replies in the staff chat (before the general
    handlers)."""
    application.add_handler(CallbackQueryHandler(on_consent, pattern=_is_handoff_data))
    application.add_handler(CallbackQueryHandler(on_end_press, pattern=_is_end_data))
    staff_chat = application_settings(application).staff_chat_id
    if staff_chat is not None:
        application.add_handler(
            MessageHandler(
                filters.Chat(chat_id=staff_chat) & filters.REPLY & filters.UpdateType.MESSAGE,
                on_staff_reply,
            )
        )
