"""Handoff to a person: /contact or "talk to a person" in a private chat, with a staff chat.

1. The bot asks for consent: send the question anonymously, send it with the first name, or
   cancel. The question is the user's last unanswered one (kept in memory for a while), else
   the bot asks them to type it.
2. The question goes to the staff chat with its language and a handoff number, and the first
   name only when the user chose to share it; never a username or Telegram id. The storage
   keeps the link from that staff-chat message to the user's chat (``open_handoff``) until
   the retention purge or /forget.
3. A staff member replies to that message (or to any of the bot's messages of the handoff:
   they all start with ``Handoff #N``) and the bot relays the text, escaped, to exactly that
   user, as from the welcome team. The user's further messages go to the staff chat as
   replies to the question, until either side ends it: /end in reply by staff, the "end
   conversation" button by the user. Both sides are told.

A user opens at most ``HANDOFFS_PER_DAY`` handoffs a day. An open handoff that nobody closed
stops catching the user's messages after :data:`OPEN_FOR`.

Texts for the user go through gettext; texts in the staff chat are English.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.core.i18n import gettext
from bot.telegram import callback_data as cb
from bot.telegram.context import SETTINGS, BotApplication, BotContext
from bot.telegram.handlers.common import edit_rendered, record_reply, reply_rendered, user_language
from bot.telegram.render.answers import Rendered, button_label, render_reply
from bot.telegram.render.staff import (
    handoff_follow_up_message,
    handoff_header,
    handoff_question_message,
)
from faq.markup import escape
from storage import HandoffLink, StorageUnavailable

log = logging.getLogger(__name__)

#: ``user_data`` keys (memory only: lost on restart, cleared by /forget).
LAST_QUESTION = "handoff_last_question"
OFFER = "handoff_offer"
AWAITING = "handoff_awaiting"
_LOCK = "handoff_lock"

#: How long the last unanswered question is offered for a handoff.
QUESTION_MEMORY = 30 * 60.0
#: How long the bot waits for the question after consent.
AWAIT_QUESTION = 15 * 60.0
#: An open handoff catches the user's messages for this long after it was opened.
OPEN_FOR = timedelta(days=3)
#: The period ``HANDOFFS_PER_DAY`` counts over.
LIMIT_PERIOD = timedelta(days=1)
#: How every staff-chat message of a handoff starts (see ``handoff_header``).
_TAG = re.compile(r"^\W*Handoff #(\d+)\b")


@dataclass(frozen=True, slots=True)
class _Question:
    text: str
    language: str
    at: float


@dataclass(frozen=True, slots=True)
class _Offer:
    message_id: int
    question: _Question | None


@dataclass(frozen=True, slots=True)
class _Awaiting:
    share_name: bool
    at: float


# ---------------------------------------------------------------------- helpers


def available(context: BotContext, chat: Chat | None) -> bool:
    """Whether a handoff is possible here: a staff chat is configured, and this is a private
    chat (elsewhere /contact says how to reach people)."""
    return (
        context.settings.staff_chat_id is not None
        and chat is not None
        and chat.type == Chat.PRIVATE
    )


def _user_data(context: BotContext) -> dict[Any, Any]:
    data = context.user_data
    return data if data is not None else {}


def _lock(context: BotContext) -> asyncio.Lock:
    data = _user_data(context)
    lock = data.get(_LOCK)
    if lock is None:
        lock = data[_LOCK] = asyncio.Lock()
    return lock


def remember_unanswered(context: BotContext, question: str, language: str) -> None:
    """Keep the user's last unanswered question (memory only) for a handoff."""
    if context.user_data is not None and question.strip():
        context.user_data[LAST_QUESTION] = _Question(question, language, time.monotonic())


def _last_question(context: BotContext) -> _Question | None:
    question = _user_data(context).get(LAST_QUESTION)
    if isinstance(question, _Question) and time.monotonic() - question.at < QUESTION_MEMORY:
        return question
    return None


def _end_keyboard(lang: str) -> InlineKeyboardMarkup:
    label = button_label("✖️ " + gettext(lang, "End conversation"))
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=cb.encode("end"))]])


def _consent_keyboard(lang: str) -> InlineKeyboardMarkup:
    def button(label: str, choice: str) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(button_label(label), callback_data=cb.encode("consent", choice))
        ]

    return InlineKeyboardMarkup(
        [
            button("🕶 " + gettext(lang, "Send anonymously"), "anon"),
            button("👤 " + gettext(lang, "Send with my first name"), "name"),
            button(gettext(lang, "Cancel"), "no"),
        ]
    )


async def _send(
    context: BotContext, chat_id: int, rendered: Rendered, *, reply_to: int | None = None
) -> Message:
    """Send ``rendered`` to ``chat_id`` (the first part as a reply to ``reply_to``)."""
    last: Message | None = None
    for i, part in enumerate(rendered.parts):
        last = await context.bot.send_message(
            chat_id,
            part,
            reply_markup=rendered.keyboard if i == len(rendered.parts) - 1 else None,
            reply_to_message_id=reply_to if i == 0 else None,
        )
    if last is None:
        raise ValueError("nothing to send")
    return last


async def _staff_note(context: BotContext, link: HandoffLink, text: str) -> None:
    """A line about the handoff in the staff chat, threaded under its question."""
    body = f"{handoff_header(link.id, link.language)} · {text}"
    try:
        await context.bot.send_message(
            link.staff_chat_id, body, reply_to_message_id=link.staff_message_id
        )
    except TelegramError as exc:
        log.warning("could not post a handoff note to the staff chat: %s", exc)


async def _open_link(context: BotContext, user_id: int) -> HandoffLink | None:
    since = datetime.now(UTC) - OPEN_FOR
    return await context.storage.open_handoff_for_user(user_id=user_id, since=since)


async def _limit_reached(context: BotContext, user_id: int) -> bool:
    since = datetime.now(UTC) - LIMIT_PERIOD
    count = await context.storage.recent_handoffs(user_id=user_id, since=since)
    return count >= context.settings.handoffs_per_day


def _already_open(lang: str) -> Rendered:
    text = gettext(
        lang, "You are already talking to our team: just write here and I will pass it on."
    )
    return Rendered.of(escape(text), _end_keyboard(lang))


def _limit_text(lang: str) -> str:
    return gettext(
        lang,
        "You have already contacted our team several times today. Please try again tomorrow.",
    )


def _unavailable_text(lang: str) -> str:
    return gettext(lang, "Sorry, I cannot reach our team right now. Please try again later.")


def _with_direct(text: str, lang: str) -> Rendered:
    """``text`` and a line that says how to reach people directly follows."""
    direct = gettext(lang, "Here is how to reach people directly:")
    return Rendered.of(f"{escape(text)}\n\n{escape(direct)}")


def _sent_text(lang: str, number: int) -> Rendered:
    text = gettext(
        lang,
        "Thank you! I have passed your question on to our team (reference #{number}). "
        "A person will reply here; this can take a while. Anything you write now goes to "
        "the team too, until you end the conversation.",
    ).format(number=number)
    return Rendered.of(escape(text), _end_keyboard(lang))


def _type_it_text(lang: str) -> Rendered:
    text = gettext(lang, "Please type your question in one message, and I will pass it on.")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button_label(gettext(lang, "Cancel")), callback_data=cb.encode("consent", "no")
                )
            ]
        ]
    )
    return Rendered.of(escape(text), keyboard)


# ---------------------------------------------------------------------- opening


async def offer(message: Message, context: BotContext, lang: str, user_id: int) -> bool:
    """Ask for consent to pass the question on. False when no handoff can be opened now (the
    daily limit, or the database is down): the user was told, and the caller adds how to
    reach people directly."""
    try:
        if await _open_link(context, user_id) is not None:
            await reply_rendered(message, _already_open(lang))
            return True
        if await _limit_reached(context, user_id):
            await reply_rendered(message, _with_direct(_limit_text(lang), lang))
            return False
    except StorageUnavailable:
        await reply_rendered(message, _with_direct(_unavailable_text(lang), lang))
        return False
    question = _last_question(context)
    lines = [
        escape(
            gettext(
                lang,
                "I can pass your question on to a person from our welcome team, who will "
                "reply to you here.",
            )
        ),
        "",
        escape(
            gettext(
                lang,
                "They will see your question and its language, but not your name, username "
                "or Telegram account, unless you choose to share your first name.",
            )
        ),
    ]
    if question is not None:
        lines += [
            "",
            escape(gettext(lang, "Your question:")),
            f"<blockquote>{escape(question.text.strip())}</blockquote>",
        ]
    sent = await reply_rendered(message, Rendered.of("\n".join(lines), _consent_keyboard(lang)))
    _user_data(context)[OFFER] = _Offer(sent.message_id, question)
    return True


async def _post(
    context: BotContext,
    *,
    user: User,
    chat_id: int,
    question: str,
    language: str,
    share_name: bool,
) -> int:
    """The question to the staff chat, and the link stored; the handoff's number.

    Raises :class:`StorageUnavailable` when the link cannot be stored (the staff message
    then says so)."""
    staff_chat = context.settings.staff_chat_id
    assert staff_chat is not None
    first_name = user.first_name if share_name else None
    posted = await context.bot.send_message(
        staff_chat, handoff_question_message(None, language, question, first_name)
    )
    try:
        number = await context.storage.open_handoff(
            user_chat_id=chat_id,
            user_id=user.id,
            language=language,
            staff_chat_id=staff_chat,
            staff_message_id=posted.message_id,
        )
    except StorageUnavailable:
        with contextlib.suppress(TelegramError):
            await posted.edit_text(
                handoff_question_message(
                    None,
                    language,
                    "(not stored: the database was unreachable, so replies cannot reach the user)",
                    None,
                )
            )
        raise
    try:  # the number, now that there is one
        await posted.edit_text(handoff_question_message(number, language, question, first_name))
    except TelegramError as exc:
        log.warning("could not number the handoff message: %s", exc)
    return number


async def _open_with(
    context: BotContext,
    user: User,
    chat_id: int,
    question: str,
    language: str,
    share_name: bool,
    lang: str,
) -> Rendered:
    """Post and store; what to tell the user."""
    try:
        number = await _post(
            context,
            user=user,
            chat_id=chat_id,
            question=question,
            language=language,
            share_name=share_name,
        )
    except StorageUnavailable:
        return Rendered.of(escape(_unavailable_text(lang)))
    except TelegramError as exc:  # the bot is not (or no longer) in the staff chat
        log.error("could not post a handoff to the staff chat: %s", exc)
        return Rendered.of(escape(_unavailable_text(lang)))
    return _sent_text(lang, number)


async def on_consent(update: Update, context: BotContext) -> None:
    """The consent buttons: anonymous, with first name, cancel."""
    query = update.callback_query
    data = cb.decode(query.data) if query is not None else None
    if query is None or data is None or not isinstance(query.message, Message):
        return
    message = query.message
    lang = await user_language(update, context)
    await _answer(query)
    store = _user_data(context)
    if data.arg == "no" or not available(context, message.chat):
        store.pop(OFFER, None)
        store.pop(AWAITING, None)
        text = gettext(lang, "OK, I have not sent anything.")
        await edit_rendered(query, Rendered.of(escape(text)))
        return
    user = query.from_user
    async with _lock(context):
        pending = store.get(OFFER)
        offered = (
            pending
            if isinstance(pending, _Offer) and pending.message_id == message.message_id
            else None
        )
        if offered is not None:
            store.pop(OFFER, None)
        try:
            if await _open_link(context, user.id) is not None:
                await edit_rendered(query, _already_open(lang))
                return
            if await _limit_reached(context, user.id):
                await edit_rendered(query, Rendered.of(escape(_limit_text(lang))))
                return
        except StorageUnavailable:
            await edit_rendered(query, Rendered.of(escape(_unavailable_text(lang))))
            return
        share_name = data.arg == "name"
        if offered is None or offered.question is None:
            store[AWAITING] = _Awaiting(share_name, time.monotonic())
            await edit_rendered(query, _type_it_text(lang))
            return
        store.pop(LAST_QUESTION, None)
        question = offered.question
        reply = await _open_with(
            context, user, message.chat.id, question.text, question.language, share_name, lang
        )
    await edit_rendered(query, reply)


# ---------------------------------------------------------------------- the user's messages


async def intercept(update: Update, context: BotContext) -> bool:
    """A private text message: the question the bot was waiting for, or a message for the
    team during an open handoff (True: handled, the desk must not answer it). A crisis
    message is passed on too, and also gets the crisis answer at once."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or message.text is None or user is None or chat is None:
        return False
    if not available(context, chat):
        return False
    store = _user_data(context)
    waiting = store.get(AWAITING)
    if isinstance(waiting, _Awaiting) and time.monotonic() - waiting.at >= AWAIT_QUESTION:
        store.pop(AWAITING, None)
    waiting = store.get(AWAITING)
    link: HandoffLink | None = None
    if not isinstance(waiting, _Awaiting):
        try:
            link = await _open_link(context, user.id)
        except StorageUnavailable:
            log.warning("could not look up an open handoff; answering from the FAQ instead")
            return False
        if link is None:
            return False
    lang = await user_language(update, context)
    reply = await asyncio.to_thread(context.desk.reply, message.text, preferred_language=lang)
    if reply.kind == "safety":  # never hold the crisis answer back
        await reply_rendered(message, render_reply(reply, context.desk.tree))
        await record_reply(
            context, reply, user.id, event=("text", message.chat_id, message.message_id)
        )
    if link is None:
        assert isinstance(waiting, _Awaiting)
        await _post_typed_question(context, message, user, chat, waiting, reply.language, lang)
        return True
    try:
        await context.bot.send_message(
            link.staff_chat_id,
            handoff_follow_up_message(link.id, link.language, message.text),
            reply_to_message_id=link.staff_message_id,
        )
    except TelegramError:
        log.warning("could not pass a follow-up on to the staff chat", exc_info=True)
        text = gettext(lang, "Sorry, I could not pass that on. Please try again in a moment.")
        await reply_rendered(message, Rendered.of(escape(text), _end_keyboard(lang)))
        return True
    text = gettext(lang, "Sent to the team. They will reply here.")
    await reply_rendered(message, Rendered.of(escape(text), _end_keyboard(lang)))
    return True


async def _post_typed_question(
    context: BotContext,
    message: Message,
    user: User,
    chat: Chat,
    waiting: _Awaiting,
    question_language: str,
    lang: str,
) -> None:
    """The question typed after consent goes to the team."""
    assert message.text is not None
    store = _user_data(context)
    async with _lock(context):
        store.pop(AWAITING, None)
        try:
            limited = await _limit_reached(context, user.id)
        except StorageUnavailable:
            limited = False  # _open_with tells the user
        if limited:
            reply = Rendered.of(escape(_limit_text(lang)))
        else:
            reply = await _open_with(
                context, user, chat.id, message.text, question_language, waiting.share_name, lang
            )
    store.pop(LAST_QUESTION, None)
    await reply_rendered(message, reply)


async def on_end_press(update: Update, context: BotContext) -> None:
    """The user's "end conversation" button."""
    query = update.callback_query
    if query is None:
        return
    lang = await user_language(update, context)
    try:
        link = await _open_link(context, query.from_user.id)
        if link is not None:
            await context.storage.close_handoff(handoff_id=link.id)
    except StorageUnavailable:
        await _answer(
            query,
            gettext(lang, "Sorry, something went wrong on my side. Please try again in a moment."),
        )
        return
    if link is None:
        await _answer(query, gettext(lang, "This conversation has already ended."))
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
        return
    await _answer(query)
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


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    try:
        await query.answer(text)
    except BadRequest as exc:
        log.info("could not answer a button press: %s", exc.message)


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
        await _send(context, link.user_chat_id, Rendered.of(body, _end_keyboard(lang)))
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
        await _send(context, link.user_chat_id, Rendered.of(escape(text)))
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
    staff_chat = application.bot_data[SETTINGS].staff_chat_id
    if staff_chat is not None:
        application.add_handler(
            MessageHandler(
                filters.Chat(chat_id=staff_chat) & filters.REPLY & filters.UpdateType.MESSAGE,
                on_staff_reply,
            )
        )
