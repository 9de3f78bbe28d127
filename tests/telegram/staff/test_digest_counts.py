"""The daily digest counts crisis replies and check-ins of the last seven days, numbers only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, sent_to

from bot.telegram.context import BotContext
from bot.telegram.jobs.digest import digest_job
from storage import Storage


async def test_digest_counts_crisis_replies_and_check_ins_without_text(
    fake: BotApiServer,
    storage: Storage,
    context: BotContext,
    staff_chat: dict[str, Any],
) -> None:
    await storage.count(kind="safety", entry="welfare-crisis", language="nl")
    for language in ("en", "fr"):
        await storage.count(kind="checkin", entry=None, language=language)
    await storage.count(kind="answer", entry="housing-find-room", language="en")
    assert await storage.flush(5)

    mark = fake.mark()
    await digest_job(context, now=datetime.now(UTC))
    [digest] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    assert "Last 7 days: 1 crisis reply, 2 check-ins (numbers only)" in digest["text"]

    stats = await storage.stats(days=7)
    assert sum(d.checkins for d in stats.per_day) == 2
    assert sum(d.safety for d in stats.per_day) == 1


async def test_digest_without_crisis_says_zero(
    fake: BotApiServer, context: BotContext, staff_chat: dict[str, Any]
) -> None:
    mark = fake.mark()
    await digest_job(context, now=datetime.now(UTC))
    [digest] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    assert "Last 7 days: 0 crisis replies, 0 check-ins (numbers only)" in digest["text"]
