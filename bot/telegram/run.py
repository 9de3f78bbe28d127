"""``welcomebot run``: the Telegram bot, by long polling (default) or behind a webhook.

:func:`serve` runs python-telegram-bot's application itself (the documented manual way,
instead of ``run_polling``/``run_webhook``) so that both modes share start-up and shut-down
and a rejected token ends in one clear line. Polling uses PTB's updater. Webhook mode uses
a small tornado server of its own instead of PTB's, so that it can also answer
``GET /healthz`` for a load balancer: ``POST`` on any path is an update, accepted only with
Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header equal to ``WEBHOOK_SECRET`` (403
otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from tornado.httpserver import HTTPServer

from bot.core.config import Settings, SettingsError
from bot.telegram.app import build_application
from bot.telegram.context import BotApplication
from bot.telegram.health import beat
from bot.telegram.updates_claim import ClaimingUpdateProcessor
from faq.loader import FaqLoadError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: The largest webhook request accepted (Telegram's updates are a few kilobytes); a larger
#: one is read and thrown away, then answered 413.
MAX_BODY_BYTES = 2 * 1024 * 1024
#: Past this many bytes the connection is closed instead (after a 413 when the request
#: announced its length).
DISCARD_BYTES = 64 * 1024 * 1024
#: How long a webhook request waits for another process that is handling the same update
#: before it answers 503 (Telegram then tries again later).
BUSY_WAIT = 3.0
#: Signals that stop the bot gracefully.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Start-up retries when the Bot API cannot be reached (polling; about a second apart).
BOOTSTRAP_RETRIES = 5
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
#: Loggers that would otherwise log every request (and with it the token in the URL).
_NOISY = ("httpx", "httpcore", "apscheduler", "tornado.access")


def settings_problem(settings: Settings, *, webhook: bool) -> str | None:
    """Why ``settings`` cannot run the bot (one line), or None."""
    token = settings.telegram_bot_token
    if token is None or not token.get_secret_value().strip():
        return "TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave you)"
    if not _TOKEN.match(token.get_secret_value().strip()):
        return "TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)"
    if settings.hash_secret is None or not settings.hash_secret.get_secret_value().strip():
        return (
            "HASH_SECRET is not set (a long random string, the same for every replica; "
            "it pseudonymises users in the database)"
        )
    if logging.getLevelName(settings.log_level.upper()) not in range(0, 51):
        return f"LOG_LEVEL {settings.log_level!r} is not a logging level (DEBUG, INFO, WARNING)"
    if webhook:
        if not settings.webhook_url:
            return "WEBHOOK_URL is not set (the public https:// address Telegram posts to)"
        if not settings.webhook_url.startswith(("https://", "http://")):
            return "WEBHOOK_URL must be an https:// address"
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        if not secret:
            return "WEBHOOK_SECRET is not set (1-256 characters: A-Z, a-z, 0-9, _ and -)"
        if not _SECRET.match(secret):
            return "WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256 characters)"
    return None


def _configure_logging(settings: Settings) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(settings.log_level.upper())
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)


def run(settings: Settings, *, webhook: bool) -> int:
    """Run the bot until SIGINT/SIGTERM; the process exit code.

    2: missing or bad settings (one line on stderr); 1: the bot could not start.
    A broken FAQ tree raises :class:`~faq.loader.FaqLoadError` for the caller to list.
    """
    problem = settings_problem(settings, webhook=webhook)
    if problem:
        print(f"welcomebot: {problem}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    try:
        asyncio.run(serve(build_application(settings), settings, webhook=webhook))
    except (FaqLoadError, SettingsError):
        raise
    except InvalidToken:
        print(
            "welcomebot: the Bot API rejected TELEGRAM_BOT_TOKEN (revoked, or meant for "
            "another server than TELEGRAM_API_BASE_URL)",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        print(f"welcomebot: could not start the bot: {exc}", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------- webhook server


#: Update fields holding a message, which Telegram always sends with its chat.
_MESSAGE_FIELDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)


def _chatless(data: dict[str, Any]) -> bool:
    """Whether a message in ``data`` lacks its chat (PTB would accept it, and every handler
    that reads ``effective_chat`` would then meet None)."""
    for name in _MESSAGE_FIELDS:
        message = data.get(name)
        if name in data and (
            not isinstance(message, dict) or not isinstance(message.get("chat"), dict)
        ):
            return True
    query = data.get("callback_query")
    if isinstance(query, dict) and "message" in query:
        message = query["message"]
        return not isinstance(message, dict) or not isinstance(message.get("chat"), dict)
    return False


def parse_update(body: bytes, bot_app: BotApplication) -> Update | None:
    """The update in a webhook body, or None when it is none: not JSON, not an object, nested
    too deeply (RecursionError), or not shaped like an update (a message without its chat)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON (or not UTF-8), or nested too deeply
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    if _chatless(data):
        return None
    try:
        return Update.de_json(data, bot_app.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None  # PTB could not build an update from this shape


async def handle_update(
    bot_app: BotApplication, processor: ClaimingUpdateProcessor, update: Update
) -> str:
    """Handle ``update`` now; ``busy`` when another process still has it after
    :data:`BUSY_WAIT` seconds (a duplicate that arrived while the first was handled waits for
    it and is then acknowledged as ``done``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_WAIT
    while True:
        verdict = await processor.handle_now(update, lambda: bot_app.process_update(update))
        if verdict != "busy" or loop.time() >= deadline:
            return verdict
        await asyncio.sleep(0.1)


@tornado.web.stream_request_body
class _WebhookHandler(tornado.web.RequestHandler):
    """``POST`` from Telegram: check the secret token, queue the update.

    The body is streamed so that an oversized one gets a clean 413 instead of a reset
    connection (tornado's own limit closes the connection without an answer).
    """

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: BotApplication, secret: str) -> None:
        """Tornado passes the route's arguments here."""
        self.bot_app = bot_app
        self.secret = secret.encode("utf-8")
        self.chunks: list[bytes] = []
        self.received = 0

    def prepare(self) -> None:
        """Before the body: refuse a body announced as far too large at once."""
        if self.request.connection is not None:
            self.request.connection.set_max_body_size(DISCARD_BYTES)  # type: ignore[attr-defined]
        length = self.request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > DISCARD_BYTES:
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        """Keep the body up to :data:`MAX_BODY_BYTES`; count (and drop) the rest."""
        self.received += len(chunk)
        if self.received <= MAX_BODY_BYTES:
            self.chunks.append(chunk)
        else:
            self.chunks = []

    async def post(self, *_: str) -> None:
        """403 without the secret token, 413 for a body over the limit, 400 for anything but
        an update, else 200."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), self.secret):
            log.warning(
                "webhook request without the right secret token from %s", self.request.remote_ip
            )
            raise tornado.web.HTTPError(403)
        if self.received > MAX_BODY_BYTES:
            log.warning("webhook request of %d bytes refused (too large)", self.received)
            raise tornado.web.HTTPError(413)
        update = parse_update(b"".join(self.chunks), self.bot_app)
        if update is None:
            raise tornado.web.HTTPError(400)
        if not self.bot_app.running:
            raise tornado.web.HTTPError(503)  # starting or stopping: Telegram tries again
        processor = self.bot_app.update_processor
        if not isinstance(processor, ClaimingUpdateProcessor):
            await self.bot_app.update_queue.put(update)
            self.set_status(200)
            return
        # 200 only once the update is handled: a crash before that makes Telegram deliver
        # it again, and the claim (storage.claims) keeps a second delivery from a second reply
        if await handle_update(self.bot_app, processor, update) == "busy":
            raise tornado.web.HTTPError(503)
        self.set_status(200)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short plain-text error, never a traceback."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class _HealthHandler(tornado.web.RequestHandler):
    """``GET /healthz``: 200 while the application runs, 503 otherwise."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, bot_app: BotApplication) -> None:
        """Tornado passes the route's arguments here."""
        self.bot_app = bot_app

    def get(self) -> None:
        """``ok`` while running."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if not self.bot_app.running:
            self.set_status(503)
            self.finish("starting or stopping\n")
            return
        storage = self.bot_app.bot_data.storage
        if storage is not None and not storage.healthy:
            # still answering (records wait in the journal): no reason to take it out
            self.finish("degraded: the database is unreachable; answering, records kept\n")
            return
        self.finish("ok\n")

    def head(self) -> None:
        """Like GET, for load balancers that only ask for headers."""
        self.get()


def webhook_app(application: BotApplication, secret: str) -> tornado.web.Application:
    """The tornado app: ``GET /healthz`` and updates ``POST``-ed to any path."""
    return tornado.web.Application(
        [
            (r"/healthz", _HealthHandler, {"bot_app": application}),
            (r"/.*", _WebhookHandler, {"bot_app": application, "secret": secret}),
        ]
    )


async def _initialize(application: BotApplication) -> None:
    """``initialize`` (``getMe``), retried a few times while the Bot API is unreachable."""
    for attempt in range(BOOTSTRAP_RETRIES + 1):
        try:
            await application.initialize()
            return
        except NetworkError as exc:
            if attempt == BOOTSTRAP_RETRIES:
                raise
            log.warning("the Bot API is not reachable yet (%s); retrying", exc)
            await asyncio.sleep(1)


@contextlib.asynccontextmanager
async def _polling(application: BotApplication) -> AsyncIterator[None]:
    """Receive updates by long polling (``deleteWebhook``, then ``getUpdates``)."""
    updater = application.updater
    if updater is None:
        raise SettingsError("the application was built without an updater")
    await updater.start_polling(
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
        bootstrap_retries=BOOTSTRAP_RETRIES,
    )
    log.info("receiving updates by long polling")
    try:
        yield
    finally:
        if updater.running:
            await updater.stop()


@contextlib.asynccontextmanager
async def _webhook(application: BotApplication, settings: Settings) -> AsyncIterator[None]:
    """Receive updates on the webhook server (listening first, then ``setWebhook``)."""
    if not settings.webhook_url or settings.webhook_secret is None:
        # settings_problem reports this before the bot starts; a named error, not an assert
        raise SettingsError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    server = HTTPServer(webhook_app(application, secret), max_body_size=DISCARD_BYTES)
    server.listen(settings.webhook_port, address=settings.webhook_listen)
    try:
        await application.bot.set_webhook(
            url=settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info(
            "receiving updates on the webhook (listening on %s:%d)",
            settings.webhook_listen,
            settings.webhook_port,
        )
        yield
    finally:
        server.stop()
        await server.close_all_connections()


async def serve(
    application: BotApplication,
    settings: Settings,
    *,
    webhook: bool,
    stop: asyncio.Event | None = None,
) -> None:
    """Run ``application`` until SIGINT/SIGTERM (or ``stop`` is set), by long polling or
    behind the webhook server: initialise (``getMe``, retried), ``post_init``, start,
    receive; then stop and shut down in reverse, ``post_shutdown`` last."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        await _initialize(application)
        try:
            if application.post_init:
                await application.post_init(application)
            await application.start()
            try:
                receiver = _webhook(application, settings) if webhook else _polling(application)
                async with receiver:
                    # the heartbeat says how updates arrive (``welcomebot health`` probes
                    # /healthz in webhook mode)
                    application.bot_data.receiving = "webhook" if webhook else "polling"
                    if application.job_queue is not None:
                        application.job_queue.run_once(beat, 0, name="heartbeat-now")
                    await stop.wait()
            finally:
                await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
        finally:
            await application.shutdown()
            if application.post_shutdown:
                await application.post_shutdown(application)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
