"""The daily staff digest through the job against the in-process fake Bot API: new groups,
thumbs down, entries due for review; scheduled once."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, sent_to

from bot.core.config import Settings
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.jobs.digest import digest_job
from faq.loader import load_tree
from storage import Storage

# ---------------------------------------------------------------------- the daily digest

#: The digest's "now" in the tests: 1 December 2026, 09:00 in Leiden.
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _set_time(database: Path, table: str, column: str, value: str, when: datetime) -> None:
    stamp = when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    with sqlite3.connect(database) as connection:
        connection.execute(f"UPDATE {table} SET created_at = ? WHERE {column} = ?", (stamp, value))


async def test_digest_lists_new_groups_thumbs_down_and_stale_entries(
    app: BotApplication,
    fake: BotApiServer,
    storage: Storage,
    faq: Any,
    settings: Settings,
    context: BotContext,
    staff_chat: dict[str, Any],
) -> None:
    en = {"en": faq.tr(["Is the old housing page right?"], "Yes.")}
    faq.entry("housing-old", "housing", en, reviewed="2025-11-30")  # a year and a day
    faq.entry("housing-recent", "housing", en, reviewed="2025-12-02")
    app.bot_data.desk.load(load_tree(faq.root))
    for user_id, text in ((1, "where do I park my bicycle at night"), (2, "quantum tram tickets")):
        await storage.record_unanswered(user_id=user_id, text=text, language="en", candidates=[])
    await storage.record_feedback(
        user_id=1, entry="housing-find-room", helpful=False, language="en", message_key="1:1"
    )
    await storage.record_feedback(
        user_id=2, entry="eduroam-connect", helpful=True, language="en", message_key="2:1"
    )
    assert await storage.flush(5)
    database = Path(settings.effective_database_url.split("///", 1)[1])
    _set_time(
        database,
        "unanswered_questions",
        "text",
        "where do I park my bicycle at night",
        NOW - timedelta(days=3),
    )
    _set_time(
        database, "unanswered_questions", "text", "quantum tram tickets", NOW - timedelta(hours=2)
    )
    _set_time(database, "feedback", "entry", "housing-find-room", NOW - timedelta(hours=1))
    _set_time(database, "feedback", "entry", "eduroam-connect", NOW - timedelta(hours=1))

    mark = fake.mark()
    await digest_job(context, now=NOW)
    [digest] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    text = digest["text"]
    assert text.startswith("Daily digest · Tuesday 01 December 2026")
    new = text[text.index("New unanswered") : text.index("Open in total")]
    assert "1 new group" in new
    assert "quantum tram tickets" in new
    assert "bicycle" not in new  # older than a day: not new
    assert "Open in total: 2 groups" in text
    down = text[text.index("not helpful") : text.index("Entries to review")]
    assert "housing-find-room: 1 👎, 0 👍" in down
    assert "eduroam-connect" not in down
    stale = text[text.index("Entries to review") :]
    assert "housing-old: reviewed 2025-11-30, over 12 months ago" in stale
    assert "housing-recent" not in stale
    assert "housing-find-room" not in stale

    # a day later nothing is new, and the thumbs-down is old news
    mark = fake.mark()
    await digest_job(context, now=NOW + timedelta(days=2))
    [digest] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    assert "New unanswered questions since" in digest["text"]
    assert "quantum" not in digest["text"]
    assert "housing-find-room:" not in digest["text"]


async def test_daily_jobs_are_scheduled_once(app: BotApplication) -> None:
    assert app.job_queue is not None
    jobs = {job.name: job for job in app.job_queue.jobs()}
    [digest] = [job for job in app.job_queue.jobs() if job.name == "digest"]
    trigger: Any = digest.job.trigger
    assert trigger.timezone == ZoneInfo("Europe/Amsterdam")
    assert str(trigger.fields[5]) == "9"  # hour
    assert str(trigger.fields[6]) == "0"  # minute
    assert [job.name for job in app.job_queue.jobs()].count("purge") == 1
    assert "faq-watch" not in jobs  # only with --watch-faq
