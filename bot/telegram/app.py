"""The one builder of the Telegram :class:`~telegram.ext.Application`.

:func:`build_application` wires python-telegram-bot to the bot's services: the Bot API base
URL from the settings, a rate limiter, HTML by default, a typed context (``context.desk``,
``context.storage``, ``context.settings``), the handlers, and the start-up and shut-down
hooks (FAQ loaded, storage opened and migrated, commands registered per language, storage
closed).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import cast

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.core.config import Settings, SettingsError
from bot.core.desk import Desk
from bot.core.i18n import gettext
from bot.telegram import health
from bot.telegram.context import BotApplication, BotContext, application_settings
from bot.telegram.data import BotData, ChatData, UserData
from bot.telegram.delivery import BotApiRequest, ResilientRateLimiter
from bot.telegram.handlers import register, register_fallbacks, staff
from bot.telegram.handlers.commands import COMMANDS
from bot.telegram.memory import MemoryBound
from bot.telegram.profile import register_profile
from bot.telegram.updates_claim import ClaimingUpdateProcessor
from faq.cache import ArtefactCache
from faq.models import LANGUAGES
from faq.prepared import load_prepared
from storage import Storage

log = logging.getLogger(__name__)

#: How many updates are handled at the same time (the rate limiter queues the sending).
CONCURRENT_UPDATES = 16
#: How often a request refused with "retry after" (flood control) is sent again.
RATE_LIMIT_RETRIES = 5
#: Connections to the Bot API for sending (PTB's default); getUpdates has one of its own.
CONNECTION_POOL_SIZE = 256
#: How often expired questions and feedback are purged.
PURGE_INTERVAL = dt.timedelta(hours=6)


def file_base_url(base_url: str) -> str:
    """The Bot API file URL that goes with ``base_url`` (``.../bot`` → ``.../file/bot``)."""
    head, sep, tail = base_url.rpartition("/bot")
    if sep and not tail:
        return f"{head}/file/bot"
    return base_url


def bot_commands(language: str) -> list[BotCommand]:
    """The command menu in ``language``."""
    return [BotCommand(name, gettext(language, text)) for name, text in COMMANDS]


async def register_commands(application: BotApplication) -> None:
    """``setMyCommands`` for every language, plus the default list (English) for the rest."""
    bot = application.bot
    try:
        for language in LANGUAGES:
            await bot.set_my_commands(bot_commands(language), language_code=language)
        await bot.set_my_commands(bot_commands("en"))
    except TelegramError as exc:  # the bot works without a command menu
        log.warning("could not register the command menu: %s", exc)


def purge_slot(now: dt.datetime) -> str:
    """The purge period ``now`` falls in (one run per slot over all replicas)."""
    hours = int(PURGE_INTERVAL.total_seconds() // 3600)
    return f"{now:%Y-%m-%d}T{now.hour // hours * hours:02d}"


async def _purge(context: BotContext) -> None:
    storage = context.storage
    if not await storage.claim_job(job="purge", period=purge_slot(dt.datetime.now(dt.UTC))):
        return  # another replica purges this slot
    deleted = await storage.purge()
    if deleted:
        log.info("purged %d expired rows", deleted)


async def _post_init(application: BotApplication) -> None:
    data = application.bot_data
    settings = application_settings(application)
    if data.desk is None:
        faq = load_prepared(settings.faq_dir, ArtefactCache.from_setting(settings.cache_dir))
        data.desk = Desk(faq.tree, prepared=faq)
    if data.storage is None:
        data.storage = await Storage.open(
            settings.effective_database_url,
            hash_secret=settings.local_hash_secret(),
            retention_days=settings.retention_days,
            # records the database could not take yet survive a restart of the container
            spool_dir=settings.data_dir,
            replica=settings.replica_id,
        )
        data.owns_storage = True
    processor = application.update_processor
    if isinstance(processor, ClaimingUpdateProcessor):
        processor.claims = data.storage.claims
        processor.bot_id = application.bot.id
        released = await data.storage.release_stale_claims(bot_id=application.bot.id)
        if released:
            log.warning("%d updates claimed before a restart will be answered again", released)
    await register_commands(application)
    await register_profile(application)
    await staff.setup(application)  # staff command menu, daily digest, FAQ watcher
    if application.job_queue is not None:
        application.job_queue.run_repeating(_purge, interval=PURGE_INTERVAL, first=60, name="purge")
        application.job_queue.run_repeating(
            health.beat, interval=health.HEARTBEAT_INTERVAL, first=0, name="heartbeat"
        )
    register_fallbacks(application)


async def _post_shutdown(application: BotApplication) -> None:
    data = application.bot_data
    health.remove_heartbeat(application_settings(application))
    if data.owns_storage and data.storage is not None:
        storage, data.storage, data.owns_storage = data.storage, None, False
        await storage.close()


def build_application(
    settings: Settings,
    *,
    desk: Desk | None = None,
    storage: Storage | None = None,
    request: BaseRequest | None = None,
) -> BotApplication:
    """Build the bot's application (not started).

    ``desk`` and ``storage`` default to the FAQ tree from the settings and the database at
    ``DATABASE_URL``, loaded and opened in ``post_init``; when given, the caller owns them.
    ``request`` replaces the HTTP transport (tests). Raises :class:`SettingsError` without a
    token. Requests go through :mod:`bot.telegram.delivery`'s retry policy and Telegram's rate limit
    (``TELEGRAM_MAX_RATE`` messages a second).
    """
    if settings.telegram_bot_token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave you)")
    context_types: ContextTypes[BotContext, UserData, ChatData, BotData] = ContextTypes(
        context=BotContext, bot_data=BotData, user_data=UserData, chat_data=ChatData
    )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings.telegram_api_base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(
            ResilientRateLimiter(
                overall_max_rate=settings.telegram_max_rate, max_retries=RATE_LIMIT_RETRIES
            )
        )
        .context_types(context_types)
        .concurrent_updates(ClaimingUpdateProcessor(CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is None:
        builder = builder.request(
            BotApiRequest(connection_pool_size=CONNECTION_POOL_SIZE)
        ).get_updates_request(BotApiRequest(connection_pool_size=1))
    else:
        builder = builder.request(request).get_updates_request(request)
    # the builder's inferred type knows nothing of BotContext on the job queue
    application = cast(BotApplication, builder.build())
    application.bot_data.settings = settings
    application.bot_data.desk = desk
    application.bot_data.storage = storage
    application.bot_data.memory = MemoryBound(application)
    register(application)
    return application
