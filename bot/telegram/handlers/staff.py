"""Staff tools in Telegram: /unanswered (with resolve / ignore / draft / out-of-scope buttons;
the last in :mod:`bot.telegram.handlers.curation`, like /suggestions), /stats,
/reload, /digest, the daily digest and the FAQ watcher.

The staff tools live in the staff chat (``STAFF_CHAT_ID``) and in the private chats of the
users in ``STAFF_USER_IDS``; elsewhere the staff commands do not exist: their handlers do not
match, so such a message reaches the same "unknown command" fallback as any made-up command,
and the reply (or, in groups, the silence) cannot tell them apart. Inside the staff chat a
command or button counts only for a staff *person* (:mod:`bot.telegram.staff_auth`:
``STAFF_USER_IDS``, or the chat's administrators with ``STAFF_CHAT_ADMINS``); any other
member gets a short "staff only" answer and nothing changes. A staff button pressed outside
the staff tools' chats (a forged callback) is answered without a word. The commands are
advertised in the staff chat only (``setMyCommands`` with a chat scope).

Staff texts are English (see :mod:`bot.telegram.render.staff`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, cast

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.config import Settings
from bot.core.drafts import make_draft
from bot.core.leiden import today as leiden_today
from bot.core.text import plural
from bot.telegram import callback_data as cb
from bot.telegram.context import BotApplication, BotContext, application_settings
from bot.telegram.handlers import curation
from bot.telegram.handlers.common import answer_query
from bot.telegram.jobs.digest import post_digest, schedule_digest
from bot.telegram.jobs.faq_reload import reload_faq, start_watching
from bot.telegram.render.staff import escape, unanswered_message
from bot.telegram.render.staff import stats_message as render_stats
from bot.telegram.staff_auth import STAFF_ONLY, is_staff_person
from storage import StorageUnavailable

log = logging.getLogger(__name__)

#: The staff commands, for the staff chat's command menu.
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("unanswered", "Unanswered questions, most frequent first"),
    ("stats", "Answers and questions, last 7 and 30 days"),
    ("reload", "Reload the FAQ files"),
    ("digest", "The daily digest, now"),
    ("suggestions", "Question variants learned from users, to review"),
)
#: Groups read for /unanswered (all of them, in practice).
MAX_GROUPS = 10_000
_UNAVAILABLE = "⚠️ The database is not reachable right now; try again in a minute."
#: The largest question id (an INTEGER column); a larger one in a button names nothing.
MAX_QUESTION_ID = 2**31 - 1
_STATUS_DONE = {
    "staff_resolve": ("resolved", "✅ Resolved"),
    "staff_ignore": ("ignored", "🚫 Ignored"),
}


def is_staff(settings: Settings, chat: Chat | None, user: User | None) -> bool:
    """True in the staff chat, and in a staff user's private chat with the bot."""
    if chat is None:
        return False
    if settings.staff_chat_id is not None and chat.id == settings.staff_chat_id:
        return True
    return chat.type == Chat.PRIVATE and user is not None and user.id in settings.staff_ids


def staff_filter(settings: Settings) -> filters.BaseFilter | None:
    """Messages from staff (None when no staff is configured)."""
    parts: list[filters.BaseFilter] = []
    if settings.staff_chat_id is not None:
        parts.append(filters.Chat(chat_id=settings.staff_chat_id))
    if settings.staff_ids:
        parts.append(filters.ChatType.PRIVATE & filters.User(user_id=settings.staff_ids))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part
    return combined


# ---------------------------------------------------------------------- commands


async def _reply(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message:
    return await message.reply_text(text, reply_markup=keyboard, do_quote=False)


async def unanswered(update: Update, context: BotContext) -> None:
    """/unanswered: the grouped list with a row of buttons per group."""
    message = update.effective_message
    if message is None:
        return
    try:
        groups = await context.storage.unanswered_groups(status="new", limit=MAX_GROUPS)
    except StorageUnavailable:
        await _reply(message, _UNAVAILABLE)
        return
    text, keyboard = unanswered_message(groups)
    await _reply(message, text, keyboard)


async def stats(update: Update, context: BotContext) -> None:
    """/stats: the last 7 and 30 days."""
    message = update.effective_message
    if message is None:
        return
    try:
        week = await context.storage.stats(days=7)
        month = await context.storage.stats(days=30)
    except StorageUnavailable:
        await _reply(message, _UNAVAILABLE)
        return
    await _reply(message, render_stats(week, month))


async def reload(update: Update, context: BotContext) -> None:
    """/reload: re-read the FAQ files; on errors keep the old ones and list the problems."""
    message = update.effective_message
    if message is None:
        return
    result = await reload_faq(cast(BotApplication, context.application))
    await _reply(message, result.message())


async def digest(update: Update, context: BotContext) -> None:
    """/digest: the daily digest, now, in this chat."""
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await post_digest(context, chat.id)
    except StorageUnavailable:
        await context.bot.send_message(chat.id, _UNAVAILABLE)


Command = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def _staff_only(command: Command) -> Command:
    """``command`` for staff persons; anyone else in the staff chat is told it is staff only."""

    async def guarded(update: Update, context: BotContext) -> None:
        if await is_staff_person(context, update.effective_user):
            await command(update, context)
            return
        message = update.effective_message
        if message is not None:
            await _reply(message, STAFF_ONLY)

    guarded.__doc__ = command.__doc__
    guarded.__name__ = command.__name__
    return guarded


_COMMANDS = {
    name: _staff_only(command)
    for name, command in {
        "unanswered": unanswered,
        "stats": stats,
        "reload": reload,
        "digest": digest,
        "suggestions": curation.suggestions,
    }.items()
}


# ---------------------------------------------------------------------- buttons


def _is_staff_data(data: object) -> bool:
    decoded = cb.decode(data) if isinstance(data, str) else None
    return decoded is not None and decoded.action in cb.STAFF_ACTIONS


async def _set_status(
    query: CallbackQuery, message: Message, context: BotContext, action: str, question_id: int
) -> None:
    status, done = _STATUS_DONE[action]
    who = escape(query.from_user.first_name)
    try:
        changed = await context.storage.set_status(question_id=question_id, status=status)
        note = f"{done} group {question_id} ({plural(changed, 'question')}), by {who}."
        await answer_query(query, f"{done.split(' ', 1)[1]}: group {question_id}")
    except KeyError:
        note = f"Group {question_id} no longer exists (purged or forgotten)."
        await answer_query(query, "That group no longer exists")
    try:
        groups = await context.storage.unanswered_groups(status="new", limit=MAX_GROUPS)
    except StorageUnavailable:
        await _reply(message, _UNAVAILABLE)
        return
    text, keyboard = unanswered_message(groups, note=note)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _draft(
    query: CallbackQuery, message: Message, context: BotContext, question_id: int
) -> None:
    try:
        draft = await make_draft(
            context.storage, question_id, today=leiden_today(), tree=context.desk.tree
        )
    except KeyError:
        await answer_query(query, "That group no longer exists")
        return
    await answer_query(query, "Draft sent as a file")
    caption = (
        f"📝 Draft FAQ entry for group {question_id} ({plural(draft.variants, 'question variant')}"
        f" in {escape(', '.join(draft.languages))}). Save it as "
        f"<code>{escape(str(draft.relative_path))}</code> in the FAQ folder, write the answers "
        "(faq check rejects it until then), then /reload. Or on the server: "
        f"<code>welcomebot unanswered promote {question_id} --category "
        f"{escape(draft.category)}</code>"
    )
    await context.bot.send_document(
        message.chat.id,
        InputFile(draft.text.encode("utf-8"), filename=draft.relative_path.name),
        caption=caption,
    )


async def on_staff_button(update: Update, context: BotContext) -> None:
    """resolve / ignore / draft / out of scope under an /unanswered message, the
    out-of-scope group picker, accept / reject under /suggestions. Outside the staff tools'
    chats a press gets a silent answer; a member of the staff chat who is not a staff person
    gets a "staff only" alert; either way nothing happens."""
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    data = cb.decode(query.data)
    chat = query.message.chat if query.message is not None else None
    if data is None or message is None or not is_staff(context.settings, chat, query.from_user):
        await answer_query(query)
        return
    if not await is_staff_person(context, query.from_user):
        await answer_query(query, STAFF_ONLY, alert=True)
        return
    question_id = int(data.arg.partition(".")[0])  # soosg: "<id>.<group>"
    if question_id > MAX_QUESTION_ID:  # no such row can exist (and the database cannot bind it)
        what = {
            "staff_out_of_scope": "question",
            "staff_out_of_scope_group": "question",
            "staff_accept": "suggestion",
            "staff_reject": "suggestion",
        }.get(data.action, "group")
        await answer_query(query, f"That {what} no longer exists")
        return
    try:
        if data.action in ("staff_accept", "staff_reject"):
            await curation.review(query, context, data.action, data.arg)
        elif data.action == "staff_out_of_scope_group":
            await curation.write_group(query, context, data.arg)
        elif data.action == "staff_out_of_scope":
            await curation.pick_group(query, message, context, question_id)
        elif data.action == "staff_draft":
            await _draft(query, message, context, question_id)
        else:
            await _set_status(query, message, context, data.action, question_id)
    except StorageUnavailable:
        await answer_query(query, "The database is not reachable right now")
    except TelegramError:
        await answer_query(query)
        raise


# ---------------------------------------------------------------------- wiring


def register(application: BotApplication) -> None:
    """The staff commands (for staff only) and the staff buttons' handler.

    Call before the other handlers are added: the buttons' handler must come before the
    general one (which would call a staff button "no longer working").
    """
    settings: Settings = application_settings(application)
    staff = staff_filter(settings)
    if staff is not None:
        application.add_handlers(
            [
                CommandHandler(name, callback, filters=staff & filters.UpdateType.MESSAGE)
                for name, callback in _COMMANDS.items()
            ]
        )
    application.add_handler(CallbackQueryHandler(on_staff_button, pattern=_is_staff_data))


async def register_staff_commands(application: BotApplication) -> None:
    """The staff commands in the staff chat's command menu (nowhere else)."""
    chat_id = application_settings(application).staff_chat_id
    if chat_id is None:
        return
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, text) for name, text in STAFF_COMMANDS],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as exc:  # e.g. the bot is not in that chat yet
        log.warning("could not register the staff commands in the staff chat: %s", exc)


async def setup(application: BotApplication) -> None:
    """From ``post_init``: the staff command menu, the daily digest, the FAQ watcher."""
    await register_staff_commands(application)
    schedule_digest(application)
    if application_settings(application).watch_faq:
        start_watching(application)
