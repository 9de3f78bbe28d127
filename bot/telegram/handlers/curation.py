"""Staff buttons that teach the bot: "🧭 out of scope" under /unanswered and the group picker
it opens. Called by :func:`bot.telegram.handlers.staff.on_staff_button`, which has already
checked that the press is staff's; the work is :mod:`bot.core.curation`'s (the same as
``welcomebot unanswered mark-out-of-scope``)."""

from __future__ import annotations

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot.core.curation import mark_out_of_scope
from bot.telegram import callback_data as cb
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer_query
from bot.telegram.jobs.faq_reload import faq_root
from bot.telegram.render.curation import out_of_scope_done, out_of_scope_picker
from faq.markup import escape
from faq.writer import WriteError

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
