"""/contact and the "talk to a person" button.

In a private chat, with a staff chat configured, both start the handoff to a person
(:mod:`bot.telegram.handlers.handoff`: consent, the question to the staff chat, replies relayed).
Otherwise, and when the user cannot open another handoff today, they answer with the
``general-human`` FAQ entry (how to reach people). Every way in goes through
:func:`offer_human`.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.core.i18n import gettext
from bot.telegram.context import BotContext
from bot.telegram.handlers import handoff
from bot.telegram.handlers.common import reply_rendered, send_entry, user_language
from bot.telegram.render.answers import Rendered
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


async def contact(update: Update, context: BotContext) -> None:
    """/contact: talk to a person."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    user = update.effective_user
    await offer_human(message, context, lang, user.id if user else None)
