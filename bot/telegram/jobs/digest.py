"""The daily digest job: :func:`bot.core.digest.build_digest` posted to the staff chat at
``DIGEST_TIME`` (Leiden time, 09:00 by default)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from bot.core.digest import build_digest
from bot.core.leiden import LEIDEN_TZ
from bot.telegram.context import BotApplication, BotContext, application_settings
from bot.telegram.render.staff import digest_message
from storage import StorageUnavailable

log = logging.getLogger(__name__)

#: When the digest is posted when ``DIGEST_TIME`` is not set.
DEFAULT_DIGEST_TIME = time(9, 0)


async def post_digest(context: BotContext, chat_id: int, *, now: datetime | None = None) -> None:
    """Build the digest and post it to ``chat_id``."""
    digest = await build_digest(context.storage, context.desk.tree, now=now or datetime.now(UTC))
    await context.bot.send_message(chat_id, digest_message(digest))


async def digest_job(context: BotContext, *, now: datetime | None = None) -> None:
    """The daily job: the digest to the staff chat (``now`` fixes the date in tests), posted
    by one replica only: the first to claim the day in ``job_runs``."""
    chat_id = context.settings.staff_chat_id
    if chat_id is None:
        return
    moment = now or datetime.now(UTC)
    day = moment.astimezone(LEIDEN_TZ).date().isoformat()
    try:
        first = await context.storage.claim_job(job="digest", period=day)
    except StorageUnavailable as exc:
        log.warning("no digest today: %s", exc)
        return
    if not first:
        log.info("the digest of %s was posted by another replica", day)
        return
    await post_digest(context, chat_id, now=moment)


def schedule_digest(application: BotApplication) -> None:
    """Run :func:`digest_job` every day at ``DIGEST_TIME`` in Leiden (with a staff chat)."""
    settings = application_settings(application)
    if settings.staff_chat_id is None or application.job_queue is None:
        return
    at = settings.digest_time or DEFAULT_DIGEST_TIME
    application.job_queue.run_daily(digest_job, time=at.replace(tzinfo=LEIDEN_TZ), name="digest")
    log.info("daily digest at %s (%s)", at.strftime("%H:%M"), LEIDEN_TZ)
