"""What the bot keeps of a reply, for Telegram and ``welcomebot ask --log`` alike."""

from __future__ import annotations

from bot.core.desk import Reply
from storage import Storage


async def record_reply(
    storage: Storage,
    reply: Reply,
    user_id: int | None,
    *,
    event: tuple[object, ...] | None = None,
) -> None:
    """Anonymous counter for every reply; the question itself only when it went unanswered.

    ``event`` names what was answered (e.g. ``("text", chat id, message id)``): recorded
    under keys made from it, the same event handled twice is recorded once.
    """
    await storage.count(
        kind=reply.kind,
        entry=reply.entry,
        language=reply.language,
        key=storage.event_key("count", *event) if event else None,
    )
    if reply.kind == "unanswered":
        await storage.record_unanswered(
            user_id=user_id,
            text=reply.question,
            language=reply.language,
            candidates=[(c.entry, c.score) for c in reply.candidates],
            key=storage.event_key("unanswered", *event) if event else None,
        )
