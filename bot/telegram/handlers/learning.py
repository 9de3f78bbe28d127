"""What a user's buttons teach the bot (:mod:`bot.core.suggestions`): a "did you mean"
choice and a 👍 under an answer suggest the question as a variant of that entry; a 👎 puts
the question in the unanswered log with the entry it got.

Only the asker's own presses count (in a group anyone can press a button under someone
else's answer). The question behind an answer message is kept in memory
(:attr:`bot.telegram.data.ChatData.answered`, bounded, cleared by /forget); after a restart
the buttons of older answers still record feedback but teach nothing.
"""

from __future__ import annotations

from telegram import Message

from bot.core.desk import Reply
from bot.core.suggestions import learn
from bot.telegram.context import BotContext
from bot.telegram.data import AnsweredQuestion, PendingQuestion

#: How many answer messages a chat remembers the question of.
MAX_ANSWERED = 32


def remember_answer(
    context: BotContext,
    message_id: int,
    user_id: int | None,
    question: str,
    language: str,
    entry: str,
    candidates: tuple[tuple[str, float], ...],
) -> None:
    """Keep the question behind answer message ``message_id`` (bounded, oldest dropped)."""
    if context.chat_data is None or user_id is None:
        return
    answered = context.chat_data.answered
    answered[message_id] = AnsweredQuestion(user_id, question, language, entry, candidates)
    while len(answered) > MAX_ANSWERED:
        answered.popitem(last=False)


def remember_reply(context: BotContext, message_id: int, reply: Reply, user_id: int | None) -> None:
    """Keep the question behind a free-text answer (only answers have 👍 / 👎)."""
    if reply.kind == "answer" and reply.entry is not None:
        candidates = tuple((c.entry, c.score) for c in reply.candidates)
        remember_answer(
            context, message_id, user_id, reply.question, reply.language, reply.entry, candidates
        )


async def picked(
    context: BotContext,
    message: Message,
    pending: PendingQuestion | None,
    entry: str,
    user_id: int,
) -> None:
    """The asker picked ``entry`` under "did you mean": suggest the question as its variant;
    the message, now that entry's answer, remembers the question for its 👍 / 👎."""
    if pending is None or pending.user_id != user_id:
        return
    await learn(
        context.storage,
        context.desk.tree,
        question=pending.question,
        entry=entry,
        language=pending.language,
        source="pick",
        key=context.storage.event_key("pick", message.chat.id, message.message_id),
    )
    remember_answer(
        context,
        message.message_id,
        user_id,
        pending.question,
        pending.language,
        entry,
        pending.candidates,
    )


async def rated(
    context: BotContext, message: Message, entry: str, helpful: bool, user_id: int
) -> None:
    """The asker rated the answer (for the first time): 👍 suggests the question as a
    variant of ``entry``, 👎 logs it as unanswered with the entry it got."""
    if context.chat_data is None:
        return
    answered = context.chat_data.answered.get(message.message_id)
    if answered is None or answered.user_id != user_id or answered.entry != entry:
        return
    del context.chat_data.answered[message.message_id]
    if helpful:
        await learn(
            context.storage,
            context.desk.tree,
            question=answered.question,
            entry=entry,
            language=answered.language,
            source="helpful",
            key=context.storage.event_key("helpful", message.chat.id, message.message_id),
        )
        return
    await context.storage.record_unanswered(
        user_id=user_id,
        text=answered.question,
        language=answered.language,
        candidates=answered.candidates,
        reason="not-helpful",
        answered_entry=entry,
        key=context.storage.event_key("not-helpful", message.chat.id, message.message_id),
    )
