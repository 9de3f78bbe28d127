"""Inline mode: ``@bot question`` in any chat offers matching answers to share."""

from __future__ import annotations

import asyncio
import hashlib

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.core.desk import Desk, Reply
from bot.core.i18n import gettext
from bot.core.text import ellipsis
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import user_language
from bot.telegram.render.answers import split_html
from faq.markup import to_plain

#: How many answers a query offers.
MAX_RESULTS = 10
#: Seconds Telegram may cache the results (per user: ``is_personal``).
CACHE_SECONDS = 60
#: The /start payload of the button that opens the bot when nothing matched.
START_PAYLOAD = "inline"
#: Length of the plain-text preview under each title.
PREVIEW_CHARS = 100


def _result_id(entry_id: str) -> str:
    """A result id (1-64 bytes)."""
    if len(entry_id.encode("utf-8")) <= 64:
        return entry_id
    return hashlib.blake2s(entry_id.encode("utf-8"), digest_size=16).hexdigest()


def _preview(reply: Reply) -> str:
    plain = " ".join(to_plain(reply.text).split())
    return ellipsis(plain, PREVIEW_CHARS)


def _starter_replies(desk: Desk, lang: str) -> list[Reply]:
    """For an empty query: the first entry of every category, then the second ones, ..."""
    columns = [desk.tree.in_category(c) for c in desk.tree.categories()]
    ordered = [
        col[i] for i in range(max(map(len, columns), default=0)) for col in columns if i < len(col)
    ]
    return [desk.entry_reply(e.id, lang) for e in ordered[:MAX_RESULTS]]


def _deep_link(username: str | None, entry_id: str) -> str | None:
    """``https://t.me/<bot>?start=<entry>`` when the id is a valid start parameter."""
    if not username or len(entry_id) > 64 or not all(c.isalnum() or c in "-_" for c in entry_id):
        return None
    return f"https://t.me/{username}?start={entry_id}"


def _results(
    desk: Desk, text: str, lang: str, username: str | None
) -> list[InlineQueryResultArticle]:
    """One article per matching entry (the answer as HTML); runs in a worker thread."""
    replies = (
        desk.search(text, language=lang, limit=MAX_RESULTS)
        if text
        else _starter_replies(desk, lang)
    )
    more = gettext(lang, "More answers in the bot")
    results = []
    for reply in replies:
        if reply.entry is None:
            continue
        entry = desk.tree.entries[reply.entry]
        link = _deep_link(username, reply.entry)
        results.append(
            InlineQueryResultArticle(
                id=_result_id(reply.entry),
                title=entry.title(reply.language),
                description=_preview(reply),
                input_message_content=InputTextMessageContent(
                    split_html(reply.text)[0], parse_mode=ParseMode.HTML
                ),
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(more, url=link)]])
                if link
                else None,
            )
        )
    return results


async def on_inline_query(update: Update, context: BotContext) -> None:
    """Answer an inline query with one article per matching entry (the answer as HTML)."""
    query = update.inline_query
    if query is None:
        return
    lang = await user_language(update, context)
    # matching and rendering ten answers are CPU work: in a worker thread, so that other
    # updates (a stream of inline queries as people type) are not held up meanwhile
    results = await asyncio.to_thread(
        _results, context.desk, query.query.strip(), lang, context.bot.username
    )
    button = None
    if not results:  # nothing to share: a way into the bot, where a person can help too
        label = gettext(lang, "No answer found: ask me in a private chat")
        button = InlineQueryResultsButton(text=label, start_parameter=START_PAYLOAD)
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True, button=button)
