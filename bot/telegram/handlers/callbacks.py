"""Button presses (``callback_query``): suggestions, feedback, the topic browser, languages,
/forget's confirmation, the check-in's two buttons (:mod:`bot.telegram.handlers.checkin`). Every press is answered exactly once (``answerCallbackQuery``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Chat, Message, Update
from telegram.error import TelegramError

from bot.core.i18n import format_number, gettext, language_name, ngettext
from bot.telegram import callback_data as cb
from bot.telegram import callback_owner
from bot.telegram.context import BotContext
from bot.telegram.handlers import learning
from bot.telegram.handlers.checkin import on_checkin
from bot.telegram.handlers.common import (
    answer_query,
    edit_rendered,
    forget_questions,
    record_reply,
    reply_rendered,
    send_entry,
    take_question,
    user_language,
)
from bot.telegram.handlers.contact import offer_human
from bot.telegram.handlers.handoff.consent import remember_unanswered
from bot.telegram.render.answers import (
    Rendered,
    answer_keyboard,
    browse_answer,
    category_menu,
    language_menu,
    topics_menu,
    unanswered_keyboard,
)
from faq.markup import escape
from faq.models import LANGUAGES
from storage import StorageUnavailable

log = logging.getLogger(__name__)


class Press:
    """One button press with what every action needs."""

    def __init__(
        self,
        query: CallbackQuery,
        message: Message,
        data: cb.Callback,
        context: BotContext,
        language: str,
    ) -> None:
        self.query = query
        self.message = message
        self.data = data
        self.context = context
        #: the user's language (interface texts)
        self.language = language
        #: whether answerCallbackQuery was sent (exactly once per press)
        self.answered = False

    async def answer(self, text: str | None = None) -> None:
        """``answerCallbackQuery``, with an optional short notification."""
        self.answered = True
        await answer_query(self.query, text)

    @property
    def user_id(self) -> int:
        """Who pressed (raw id; storage hashes it)."""
        return self.query.from_user.id

    @property
    def answer_language(self) -> str:
        """The language of the answer the button belongs to, else the user's."""
        return self.data.language or self.language

    def entry(self) -> str | None:
        """The entry the button refers to, if it still exists."""
        return cb.resolve(self.data.arg, self.context.desk.tree.entries)

    async def expired(self) -> None:
        """Tell the user the button no longer works."""
        self.answered = True
        await _expired(self.query, self.language)


async def _expired(query: CallbackQuery, language: str) -> None:
    await answer_query(
        query, gettext(language, "This button no longer works. Send /start to begin again.")
    )


async def _answer(press: Press) -> None:
    entry = press.entry()
    if entry is None:
        await press.expired()
        return
    await press.answer()
    await send_entry(press.message, press.context, entry, press.answer_language, press.user_id)


async def _clarify(press: Press) -> None:
    entry = press.entry()
    if entry is None:
        await press.expired()
        return
    pending, theirs = await take_question(press.context, press.message, press.user_id)
    if not theirs:
        press.answered = True
        await callback_owner.not_yours(press.query, press.language)
        return
    await press.answer()
    await learning.picked(press.context, press.message, pending, entry, press.user_id)
    desk = press.context.desk
    reply = desk.entry_reply(entry, press.answer_language)
    await edit_rendered(press.query, Rendered.of(reply.text, answer_keyboard(reply, desk.tree)))
    await record_reply(press.context, reply, press.user_id)
    conversation = press.context.storage.conversation
    await conversation.reset_misses(user_id=press.user_id)
    await conversation.remember_answer(user_id=press.user_id, entry=entry, language=reply.language)


async def _none_of_these(press: Press) -> None:
    pending, theirs = await take_question(press.context, press.message, press.user_id)
    if not theirs:
        press.answered = True
        await callback_owner.not_yours(press.query, press.language)
        return
    await press.answer()
    storage = press.context.storage
    tree = press.context.desk.tree
    if pending is None:  # the question is gone (expired, /forget): promise nothing
        lang = press.language
        text = gettext(lang, "I no longer have that question. Please ask it again.")
        await edit_rendered(press.query, Rendered.of(escape(text), unanswered_keyboard(lang, tree)))
        return
    lang = pending.language
    await storage.record_unanswered(
        user_id=pending.user_id,
        text=pending.question,
        language=pending.language,
        candidates=pending.candidates,
        reason="none-of-these",
    )
    if press.message.chat.type == Chat.PRIVATE:  # for a handoff ("talk to a person")
        await remember_unanswered(press.context, press.user_id, pending.question, lang)
    await storage.count(kind="none-of-these", entry=None, language=lang)
    text = gettext(
        lang,
        "Thank you, I have noted your question so our team can add an answer. "
        "You could rephrase it, browse the topics, or talk to a person.",
    )
    await edit_rendered(press.query, Rendered.of(escape(text), unanswered_keyboard(lang, tree)))


async def _feedback(press: Press) -> None:
    entry = press.entry()
    if entry is None:
        await press.expired()
        return
    helpful = bool(press.data.flag)
    recorded = await press.context.storage.record_feedback(
        user_id=press.user_id,
        entry=entry,
        helpful=helpful,
        language=press.answer_language,
        message_key=f"{press.message.chat.id}:{press.message.message_id}",
    )
    if recorded:
        await learning.rated(press.context, press.message, entry, helpful, press.user_id)
    lang = press.language
    if not recorded:
        text = gettext(lang, "You already gave feedback on this answer. Thank you!")
    elif helpful:
        text = gettext(lang, "Thank you for your feedback! 😊")
    else:
        text = gettext(
            lang,
            "Thank you for telling me. Our team will look at this answer. "
            "You can also send /contact to talk to a person.",
        )
    await press.answer(text)


async def _topics(press: Press) -> None:
    await press.answer()
    await edit_rendered(press.query, topics_menu(press.context.desk.tree, press.language))


async def _topic(press: Press) -> None:
    tree = press.context.desk.tree
    category = cb.resolve(press.data.arg, tree.categories())
    if category is None:
        await press.expired()
        return
    await press.answer()
    await edit_rendered(press.query, category_menu(tree, category, press.language))


async def _browse(press: Press) -> None:
    entry = press.entry()
    if entry is None:
        await press.expired()
        return
    await press.answer()
    desk = press.context.desk
    reply = desk.entry_reply(entry, press.answer_language)
    await edit_rendered(press.query, browse_answer(reply, desk.tree))
    await record_reply(press.context, reply, press.user_id)


async def _languages(press: Press) -> None:
    await press.answer()
    await reply_rendered(press.message, language_menu(press.language, owner=press.user_id))


async def _set_language(press: Press) -> None:
    new = press.data.arg
    if new not in LANGUAGES:
        await press.expired()
        return
    await press.context.storage.set_language(user_id=press.user_id, language=new)
    text = gettext(new, "Done! I will speak {language} with you from now on.").format(
        language=language_name(new, capitalise=False)
    )
    await press.answer(text)
    await edit_rendered(press.query, Rendered.of(escape(text)))


async def _forget(press: Press) -> None:
    lang = press.language
    if press.data.arg != "yes":
        await press.answer()
        text = gettext(lang, "OK, nothing was deleted.")
        await edit_rendered(press.query, Rendered.of(escape(text)))
        return
    try:
        deleted = await press.context.storage.forget_user(user_id=press.user_id)
    except StorageUnavailable:
        await press.answer()
        text = gettext(
            lang,
            "Sorry, I could not delete your data right now. Please try "
            "/forget again in a few minutes.",
        )
        await edit_rendered(press.query, Rendered.of(escape(text)))
        return
    forget_questions(press.context, press.user_id)
    if press.context.user_data is not None:
        press.context.user_data.clear()
    text = ngettext(
        lang,
        "Done. I deleted {count} record about you.",
        "Done. I deleted {count} records about you.",
        deleted,
    ).format(count=format_number(deleted, lang))
    await press.answer()
    await edit_rendered(press.query, Rendered.of(escape(text)))


async def _human(press: Press) -> None:
    await press.answer()
    await offer_human(press.message, press.context, press.language, press.user_id)


_ACTIONS: dict[cb.Action, Callable[[Press], Awaitable[None]]] = {
    "answer": _answer,
    "clarify": _clarify,
    "none": _none_of_these,
    "feedback": _feedback,
    "topics": _topics,
    "topic": _topic,
    "browse": _browse,
    "langs": _languages,
    "lang": _set_language,
    "forget": _forget,
    "human": _human,
    "checkin": on_checkin,
}


async def on_callback(update: Update, context: BotContext) -> None:
    """Decode the press and run its action; unknown or stale buttons get a polite answer."""
    query = update.callback_query
    if query is None:
        return
    language = await user_language(update, context)
    data = cb.decode(query.data)
    message = query.message if isinstance(query.message, Message) else None
    # (handoff and staff buttons have handlers of their own, registered before this one)
    action = _ACTIONS.get(data.action) if data is not None else None
    if data is None or message is None or action is None:
        await _expired(query, language)
        return
    if callback_owner.refusal(data, query.from_user.id, message.chat) is not None:
        await callback_owner.not_yours(query, language)  # and nothing else happens
        return
    press = Press(query, message, data, context, language)
    try:
        await action(press)
    finally:
        if not press.answered:  # stop the button's spinner even when the action failed
            with contextlib.suppress(TelegramError):
                await answer_query(query)
