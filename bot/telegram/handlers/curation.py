"""Staff tools that teach the bot: "🧭 out of scope" under /unanswered and the group picker
it opens; /suggestions with accept and reject. The buttons are dispatched by
:func:`bot.telegram.handlers.staff.on_staff_button`, which has already checked that the press
is staff's, and the command is registered with the other staff commands. The work is
:mod:`bot.core.curation`'s and :mod:`bot.core.suggestions`' (the same as ``welcomebot
unanswered mark-out-of-scope`` and ``welcomebot suggestions``)."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.core.curation import mark_out_of_scope
from bot.core.suggestions import ReviewError, accept, reject
from bot.telegram import callback_data as cb
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer_query
from bot.telegram.jobs.faq_reload import faq_root
from bot.telegram.render.curation import (
    accepted_note,
    out_of_scope_done,
    out_of_scope_picker,
    suggestions_message,
)
from faq.markup import escape
from faq.writer import WriteError
from storage import StorageUnavailable

#: Ids beyond this cannot be rows of ours (a forged button); they are "gone", not an error.
MAX_ID = 2**31 - 1
_GONE = "That question no longer exists"


async def _edit(query: CallbackQuery, text: str) -> None:
    try:
        await query.edit_message_text(text, reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def pick_group(
    query: CallbackQuery, message: Message, context: BotContext, question_id: int
) -> None:
    """``soos:<id>``: a new message asking which out-of-scope group the question teaches."""
    row = await context.storage.unanswered_row(question_id) if question_id <= MAX_ID else None
    if row is None:
        await answer_query(query, _GONE)
        return
    await answer_query(query)
    text, keyboard = out_of_scope_picker(row, context.desk.tree.out_of_scope)
    await message.reply_text(text, reply_markup=keyboard, do_quote=False)


async def write_group(query: CallbackQuery, context: BotContext, arg: str) -> None:
    """``soosg:<id>.<group>``: write the question into the group; the picker message then
    shows the diff (or why nothing was written)."""
    question_id, group = cb.split_group(arg, [g.id for g in context.desk.tree.out_of_scope])
    if group is None:
        await answer_query(query, "That group no longer exists; send /reload")
        return
    if question_id > MAX_ID:
        await answer_query(query, _GONE)
        return
    root = faq_root(context.settings)
    try:
        marked = await mark_out_of_scope(context.storage, root, question_id, group)
    except KeyError:
        await answer_query(query, _GONE)
        return
    except WriteError as exc:
        await answer_query(query, "Nothing was written")
        await _edit(query, f"⚠️ Question #{question_id} was not written: {escape(str(exc))}")
        return
    await answer_query(query, f"Written to {group}")
    who = query.from_user.first_name
    await _edit(
        query,
        out_of_scope_done(
            question_id, group, marked.language, marked.edit, marked.changed, root, who
        ),
    )


# ---------------------------------------------------------------------- /suggestions
#: Suggestions read for one /suggestions message.
SUGGESTIONS_READ = 50
_UNAVAILABLE = "⚠️ The database is not reachable right now; try again in a minute."


async def _suggestions_view(context: BotContext, note: str | None = None) -> tuple[str, Any]:
    rows = await context.storage.suggestions(status="new", limit=SUGGESTIONS_READ)
    total = await context.storage.count_suggestions(status="new")
    return suggestions_message(rows, total, note=note)


async def suggestions(update: Update, context: BotContext) -> None:
    """/suggestions: the suggested variants to review, each with accept and reject."""
    message = update.effective_message
    if message is None:
        return
    try:
        text, keyboard = await _suggestions_view(context)
    except StorageUnavailable:
        await message.reply_text(_UNAVAILABLE, do_quote=False)
        return
    await message.reply_text(text, reply_markup=keyboard, do_quote=False)


async def review(query: CallbackQuery, context: BotContext, action: str, arg: str) -> None:
    """``sgok:<id>`` / ``sgno:<id>``: accept (write into the entry's file) or reject a
    suggestion; the list is refreshed in place with what happened on top."""
    suggestion_id = int(arg)
    if suggestion_id > MAX_ID:
        await answer_query(query, "That suggestion no longer exists")
        return
    who = query.from_user.first_name
    root = faq_root(context.settings)
    try:
        if action == "staff_accept":
            accepted = await accept(context.storage, root, suggestion_id)
            note = accepted_note(accepted, root, who)
            await answer_query(query, f"Accepted: suggestion {suggestion_id}")
        else:
            rejected = await reject(context.storage, suggestion_id)
            note = (
                f"❌ Rejected suggestion {suggestion_id} ({escape(rejected.entry)}), "
                f"by {escape(who)}."
            )
            await answer_query(query, f"Rejected: suggestion {suggestion_id}")
    except ReviewError as exc:
        await answer_query(query, str(exc).split(" (see", 1)[0])
        note = f"⚠️ {escape(str(exc))}"
    except WriteError as exc:
        await answer_query(query, "Nothing was written")
        note = f"⚠️ Suggestion {suggestion_id} was not written: {escape(str(exc))}"
    text, keyboard = await _suggestions_view(context, note)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
