"""Commands: /start (with deep links), /help, /topics, /language, /privacy, /forget."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.i18n import format_list, format_number, gettext, language_name, ngettext
from bot.telegram import callback_data as cb
from bot.telegram.context import BotContext
from bot.telegram.handlers import contact
from bot.telegram.handlers.common import is_private, reply_rendered, send_entry, user_language
from bot.telegram.render.answers import (
    N_,
    Rendered,
    category_menu,
    language_menu,
    topics_menu,
    welcome,
)
from faq.markup import escape
from faq.models import LANGUAGES

#: The public commands, in menu order, with their descriptions (message ids).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Welcome and topics")),
    ("help", N_("How to use this bot")),
    ("topics", N_("Browse questions by topic")),
    ("language", N_("Choose your language")),
    ("contact", N_("Talk to a person")),
    ("privacy", N_("What I store about you")),
    ("forget", N_("Delete everything I store about you")),
)


async def start(update: Update, context: BotContext) -> None:
    """/start [payload]: the welcome; a category or entry id payload (deep link) opens it."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    lang = await user_language(update, context)
    tree = context.desk.tree
    await reply_rendered(message, welcome(lang, user.first_name if user else None, tree))
    payload = context.args[0] if context.args else ""
    if payload == contact.START_PAYLOAD and is_private(update.effective_chat):
        await contact.offer_human(message, context, lang, user.id if user else None)
    elif payload in tree.categories():
        await reply_rendered(message, category_menu(tree, payload, lang))
    elif payload in tree.entries:
        await send_entry(message, context, payload, lang, user.id if user else None)


async def help_command(update: Update, context: BotContext) -> None:
    """/help: how to ask, the commands, inline mode."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    languages = format_list((language_name(code) for code in LANGUAGES), lang)
    intro = gettext(
        lang,
        "Just type your question in your own words. I understand {languages}, "
        "and I answer in the language you write in.",
    ).format(languages=languages)
    heading = gettext(lang, "Commands")
    lines = [escape(intro), "", f"<b>{escape(heading)}</b>"]
    lines += [f"/{name} – {escape(gettext(lang, text))}" for name, text in COMMANDS[1:]]
    username = context.bot.username
    inline = gettext(
        lang, "You can also share my answers in any chat: type {bot} and a few words there."
    ).format(bot=f"@{username}")
    lines += ["", escape(inline)]
    await reply_rendered(message, Rendered.of("\n".join(lines)))


async def topics(update: Update, context: BotContext) -> None:
    """/topics: the topic browser (category → question → answer)."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    await reply_rendered(message, topics_menu(context.desk.tree, lang))


async def language(update: Update, context: BotContext) -> None:
    """/language: the language picker."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    await reply_rendered(
        message,
        language_menu(await user_language(update, context), owner=user.id if user else None),
    )


def privacy_text(lang: str, retention_days: int) -> str:
    """What the bot stores, for how long, and how to delete it (HTML)."""
    heading = gettext(lang, "Your privacy")
    stored = gettext(lang, "What I store:")
    items = [
        gettext(
            lang,
            "questions I could not answer, and questions where you chose "
            '"none of these": the text and its language, so that our team can '
            "improve my answers;",
        ),
        gettext(lang, "your 👍/👎 feedback on answers;"),
        gettext(lang, "your language, if you chose one with /language;"),
        gettext(lang, "anonymous daily counts of the answers I give."),
    ]
    identity = gettext(
        lang,
        "I never store your name, username or Telegram id with your "
        "questions or feedback; where they must be linked to you (so that "
        "you can delete them), I use a keyed pseudonym instead.",
    )
    retention = ngettext(
        lang,
        "Questions and feedback are deleted after {days} day.",
        "Questions and feedback are deleted after {days} days.",
        retention_days,
    ).format(days=format_number(retention_days, lang))
    forget = gettext(lang, "Send /forget to delete everything about you at once.")
    lines = [f"<b>{escape(heading)}</b>", "", escape(stored)]
    lines += [f"• {escape(item)}" for item in items]
    lines += ["", escape(identity), "", escape(retention), escape(forget)]
    return "\n".join(lines)


async def privacy(update: Update, context: BotContext) -> None:
    """/privacy: what is stored and for how long."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    text = privacy_text(lang, context.settings.retention_days)
    await reply_rendered(message, Rendered.of(text))


async def forget(update: Update, context: BotContext) -> None:
    """/forget: ask for confirmation before deleting the user's data."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    user = update.effective_user
    owner = user.id if user else None
    question = gettext(
        lang,
        "This deletes everything I have stored about you: your questions, "
        "your feedback and your language choice. It cannot be undone. "
        "Delete it?",
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    gettext(lang, "Yes, delete my data"),
                    callback_data=cb.encode("forget", "yes", owner=owner),
                ),
                InlineKeyboardButton(
                    gettext(lang, "Cancel"), callback_data=cb.encode("forget", "no", owner=owner)
                ),
            ]
        ]
    )
    await reply_rendered(message, Rendered.of(escape(question), keyboard))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command nobody handled (private chats only): point to /help.

    Registered after every other handler (see :mod:`bot.telegram.app`), so a command another module
    keeps to itself (staff commands) gets exactly this answer from anyone else.
    """
    message = update.effective_message
    if message is None or not is_private(update.effective_chat):
        return
    lang = await user_language(update, context)
    text = gettext(lang, "Sorry, I don't know that command. /help shows what I can do.")
    await reply_rendered(message, Rendered.of(escape(text)))
