"""Opening a handoff: the consent question and its buttons, posting the question to the
staff chat and storing the link (see :mod:`bot.telegram.handlers.handoff` for the story)."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import TelegramError

from bot.core.i18n import gettext
from bot.telegram import callback_data as cb
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    answer_query,
    edit_rendered,
    reply_rendered,
    user_language,
)
from bot.telegram.handlers.handoff.state import LIMIT_PERIOD, OPEN_FOR, HandoffState
from bot.telegram.render.answers import Rendered, button_label
from bot.telegram.render.staff import (
    handoff_question_message,
)
from faq.markup import escape
from storage import HandoffLink, StorageUnavailable

log = logging.getLogger(__name__)


class HandoffUnavailable(Exception):
    """A handoff was to be opened where none can be (no staff chat configured)."""


# ---------------------------------------------------------------------- helpers


def available(context: BotContext, chat: Chat | None) -> bool:
    """Whether a handoff is possible here: a staff chat is configured, and this is a private
    chat (elsewhere /contact says how to reach people)."""
    return (
        context.settings.staff_chat_id is not None
        and chat is not None
        and chat.type == Chat.PRIVATE
    )


def handoff_state(context: BotContext) -> HandoffState:
    """The user's handoff state (a throwaway one for an update without a user)."""
    data = context.user_data
    return data.handoff if data is not None else HandoffState()


async def remember_unanswered(
    context: BotContext, user_id: int, question: str, language: str
) -> None:
    """Keep the user's last question the bot could not answer, for a handoff (in the
    database: offered after a restart too)."""
    if question.strip():
        await context.storage.conversation.remember_question(
            user_id=user_id, question=question, language=language
        )


def end_keyboard(lang: str) -> InlineKeyboardMarkup:
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


async def send(
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


async def open_link(context: BotContext, user_id: int) -> HandoffLink | None:
    since = datetime.now(UTC) - OPEN_FOR
    return await context.storage.open_handoff_for_user(user_id=user_id, since=since)


async def limit_reached(context: BotContext, user_id: int) -> bool:
    since = datetime.now(UTC) - LIMIT_PERIOD
    count = await context.storage.recent_handoffs(user_id=user_id, since=since)
    return count >= context.settings.handoffs_per_day


def already_open(lang: str) -> Rendered:
    text = gettext(
        lang, "You are already talking to our team: just write here and I will pass it on."
    )
    return Rendered.of(escape(text), end_keyboard(lang))


def limit_text(lang: str) -> str:
    return gettext(
        lang,
        "You have already contacted our team several times today. Please try again tomorrow.",
    )


def unavailable_text(lang: str) -> str:
    return gettext(lang, "Sorry, I cannot reach our team right now. Please try again later.")


def with_direct(text: str, lang: str) -> Rendered:
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
    return Rendered.of(escape(text), end_keyboard(lang))


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
        if await open_link(context, user_id) is not None:
            await reply_rendered(message, already_open(lang))
            return True
        if await limit_reached(context, user_id):
            await reply_rendered(message, with_direct(limit_text(lang), lang))
            return False
    except StorageUnavailable:
        await reply_rendered(message, with_direct(unavailable_text(lang), lang))
        return False
    conversation = context.storage.conversation
    question = await conversation.recent_question(user_id=user_id)
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
    await conversation.offer_handoff(
        user_id=user_id,
        message_id=sent.message_id,
        question=question.text if question is not None else None,
        language=question.language if question is not None else None,
    )
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
    if staff_chat is None:
        raise HandoffUnavailable("no staff chat is configured")
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


async def open_with(
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
        return Rendered.of(escape(unavailable_text(lang)))
    except TelegramError as exc:  # the bot is not (or no longer) in the staff chat
        log.error("could not post a handoff to the staff chat: %s", exc)
        return Rendered.of(escape(unavailable_text(lang)))
    return _sent_text(lang, number)


async def on_consent(update: Update, context: BotContext) -> None:
    """The consent buttons: anonymous, with first name, cancel."""
    query = update.callback_query
    data = cb.decode(query.data) if query is not None else None
    if query is None or data is None or not isinstance(query.message, Message):
        return
    message = query.message
    lang = await user_language(update, context)
    await answer_query(query)
    state = handoff_state(context)
    user = query.from_user
    conversation = context.storage.conversation
    if data.arg == "no" or not available(context, message.chat):
        await conversation.cancel_handoff(user_id=user.id)
        text = gettext(lang, "OK, I have not sent anything.")
        await edit_rendered(query, Rendered.of(escape(text)))
        return
    async with state.lock:
        offered = await conversation.take_offer(user_id=user.id, message_id=message.message_id)
        try:
            if await open_link(context, user.id) is not None:
                await edit_rendered(query, already_open(lang))
                return
            if await limit_reached(context, user.id):
                await edit_rendered(query, Rendered.of(escape(limit_text(lang))))
                return
        except StorageUnavailable:
            await edit_rendered(query, Rendered.of(escape(unavailable_text(lang))))
            return
        share_name = data.arg == "name"
        if offered is None or offered.question is None:
            # no question offered (or the offer is gone): the next message is the question
            if await conversation.await_question(user_id=user.id, share_name=share_name):
                await edit_rendered(query, _type_it_text(lang))
            else:
                await edit_rendered(query, Rendered.of(escape(unavailable_text(lang))))
            return
        await conversation.forget_question(user_id=user.id)
        reply = await open_with(
            context,
            user,
            message.chat.id,
            offered.question,
            offered.language or lang,
            share_name,
            lang,
        )
    await edit_rendered(query, reply)
