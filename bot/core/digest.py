"""The daily digest for the staff chat, at ``DIGEST_TIME`` (Leiden time, 09:00 by default):
unanswered question groups that are new since the day before, entries people marked not
helpful in that time, and entries whose ``reviewed`` date is more than a year old."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from bot.telegram.context import SETTINGS, BotApplication, BotContext
from bot.telegram.render.staff import STAFF_TZ, Digest, digest_message
from faq.lint import STALE_AFTER
from faq.models import FaqTree
from storage import Storage

log = logging.getLogger(__name__)

#: When the digest is posted when ``DIGEST_TIME`` is not set.
DEFAULT_DIGEST_TIME = time(9, 0)
#: What the digest covers.
DIGEST_PERIOD = timedelta(days=1)
#: Upper bound on the groups read for the digest.
MAX_GROUPS = 10_000


async def build_digest(storage: Storage, tree: FaqTree, *, now: datetime) -> Digest:
    """The digest's content as of ``now`` (timezone-aware)."""
    since = now - DIGEST_PERIOD
    groups = await storage.unanswered_groups(status="new", limit=MAX_GROUPS)
    new = [g for g in groups if g.first_seen >= since]
    feedback = await storage.feedback_summary(since=since)
    thumbs_down = sorted(
        ((entry, up, down) for entry, up, down in feedback if down),
        key=lambda item: (-item[2], item[1], item[0]),
    )
    today = now.astimezone(STAFF_TZ).date()
    stale = sorted(
        ((e.id, e.reviewed) for e in tree.entries.values() if today - e.reviewed > STALE_AFTER),
        key=lambda item: (item[1], item[0]),
    )
    return Digest(today, since, new, len(groups), thumbs_down, stale)


async def post_digest(context: BotContext, chat_id: int, *, now: datetime | None = None) -> None:
    """Build the digest and post it to ``chat_id``."""
    digest = await build_digest(context.storage, context.desk.tree, now=now or datetime.now(UTC))
    await context.bot.send_message(chat_id, digest_message(digest))


async def digest_job(context: BotContext, *, now: datetime | None = None) -> None:
    """The daily job: the digest to the staff chat (``now`` fixes the date in tests)."""
    chat_id = context.settings.staff_chat_id
    if chat_id is None:
        return
    await post_digest(context, chat_id, now=now)


def schedule_digest(application: BotApplication) -> None:
    """Run :func:`digest_job` every day at ``DIGEST_TIME`` in Leiden (with a staff chat)."""
    settings = application.bot_data[SETTINGS]
    if settings.staff_chat_id is None or application.job_queue is None:
        return
    at = settings.digest_time or DEFAULT_DIGEST_TIME
    application.job_queue.run_daily(digest_job, time=at.replace(tzinfo=STAFF_TZ), name="digest")
    log.info("daily digest at %s (%s)", at.strftime("%H:%M"), STAFF_TZ)
