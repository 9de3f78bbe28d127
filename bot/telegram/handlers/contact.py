"""/contact and the "talk to a person" button.

In a private chat, with a staff chat configured, both start the handoff to a person
(:mod:`bot.telegram.handlers.handoff`: consent, the question to the staff chat, replies relayed).
Otherwise, and when the user cannot open another handoff today, they answer with the
``general-human`` FAQ entry (how to reach people). Every way in goes through
:func:`offer_human`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.core.i18n import gettext
from bot.telegram.context import BotContext
from bot.telegram.handlers import handoff
from bot.telegram.handlers.common import is_private, reply_rendered, send_entry, user_language
from bot.telegram.render.answers import Rendered, button_label
from faq.markup import escape

#: The FAQ entry that says how to reach a person.
HUMAN_ENTRY = "general-human"


async def offer_human(
    message: Message, context: BotContext, lang: str, user_id: int | None
) -> None:
    """Offer the handoff to a person, else tell the user how to reach people."""
    if (
        user_id is not None
        and handoff.available(context, message.chat)
        and await handoff.offer(message, context, lang, user_id)
    ):
        return
    if context.desk.entry(HUMAN_ENTRY) is not None:
        await send_entry(message, context, HUMAN_ENTRY, lang, user_id)
        return
    text = gettext(
        lang,
        "You can reach the Leiden International Centre helpdesk and your "
        "institution's student counsellors. In an emergency call 112.",
    )
    await reply_rendered(message, Rendered.of(escape(text)))


#: The /start payload of the link from a group to a private chat for /contact.
START_PAYLOAD = "contact"


def private_link(username: str | None) -> str | None:
    """``https://t.me/<bot>?start=contact``: opens the private chat and starts /contact."""
    return f"https://t.me/{username}?start={START_PAYLOAD}" if username else None


async def contact(update: Update, context: BotContext) -> None:
    """/contact: talk to a person (in a group: a link to a private chat, where a question
    can be passed on without the group seeing it)."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    user = update.effective_user
    link = private_link(context.bot.username)
    if not is_private(update.effective_chat) and link is not None:
        text = gettext(
            lang,
            "Let's talk in private: open a chat with me and I will pass your question on "
            "to a person from our welcome team.",
        )
        label = button_label(gettext(lang, "🙋 Talk to a person"))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, url=link)]])
        await reply_rendered(message, Rendered.of(escape(text), keyboard), quote=True)
        return
    await offer_human(message, context, lang, user.id if user else None)
