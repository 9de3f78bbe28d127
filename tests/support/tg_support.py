"""Helpers for the Telegram tests: the in-process transport to the fake Bot API, a driver
that feeds updates through ``Application.process_update``, and small accessors."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from botapi_server import ApiError, BotApiServer, Call, Upload
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.app import build_application
from bot.telegram.context import BotApplication
from storage import Storage

TOKEN = "123:TEST"
HASH_SECRET = "telegram-tests-secret"
RETENTION_DAYS = 30


class InProcessRequest(BaseRequest):
    """A PTB transport that calls the fake Bot API directly (no network)."""

    def __init__(self, server: BotApiServer) -> None:
        self.server = server

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        """Not used; required by the interface."""
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        """Run the Bot API method named at the end of ``url``."""
        assert f"/bot{TOKEN}/" in url, url
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        if request_data is not None:  # uploads (sendDocument), as multipart/form-data has them
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                params[name] = Upload(filename or name, data, mime_type or "")
        try:
            result = self.server.handle(url.rsplit("/", 1)[-1], params)
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            return exc.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


class Driver:
    """Feeds the fake's queued updates to the application and returns what the bot did."""

    def __init__(self, app: BotApplication, fake: BotApiServer) -> None:
        self.app = app
        self.fake = fake
        self.handler_errors: list[BaseException] = []

    async def deliver(self) -> list[Call]:
        """Process every queued update; the bot's requests meanwhile."""
        mark = self.fake.mark()
        while self.fake.pending:
            update = self.fake.pending.pop(0)
            await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.fake.calls[mark:]

    async def text(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None, **kwargs: Any
    ) -> list[Call]:
        """The user sends ``text``."""
        self.fake.send_text(user, text, chat, **kwargs)
        return await self.deliver()

    async def deliver_update(
        self, user: dict[str, Any], chat: dict[str, Any] | None = None, **content: Any
    ) -> list[Call]:
        """The user sends a message with ``content`` (a sticker, a photo ...)."""
        self.fake.send_message_update(user, chat, **content)
        return await self.deliver()

    async def press(self, message: dict[str, Any], data: str, user: dict[str, Any]) -> list[Call]:
        """The user presses a button under ``message``."""
        self.fake.press(message, data, user)
        return await self.deliver()


def sent(calls: list[Call]) -> list[dict[str, Any]]:
    """The messages sent by ``calls``."""
    return [c.result for c in calls if c.method == "sendMessage"]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline button under a message (as Telegram stores it)."""
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def data_of(message: dict[str, Any]) -> list[str]:
    """The ``callback_data`` of every button under a message."""
    return [b["callback_data"] for b in buttons(message) if "callback_data" in b]


# --------------------------------------------------------------------------- shared fixtures
def bot_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for the in-process bot (nothing read from a ``.env``), plus ``overrides``."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": "http://127.0.0.1:9/bot",
        "hash_secret": HASH_SECRET,
        "retention_days": RETENTION_DAYS,
        "data_dir": tmp_path / "data",
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@asynccontextmanager
async def opened_storage(settings: Settings) -> AsyncIterator[Storage]:
    """A real storage on the settings' (fresh SQLite) database."""
    store = await Storage.open(
        settings.effective_database_url, hash_secret=HASH_SECRET, retention_days=RETENTION_DAYS
    )
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def started_app(
    settings: Settings, *, desk: Desk, storage: Storage, fake: BotApiServer
) -> AsyncIterator[BotApplication]:
    """The bot as ``welcomebot run`` builds it, initialised and post-initialised, talking to
    ``fake`` in process."""
    application = build_application(
        settings, desk=desk, storage=storage, request=InProcessRequest(fake)
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    try:
        yield application
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


@contextmanager
def checked_driver(
    app: BotApplication, fake: BotApiServer, caplog: pytest.LogCaptureFixture
) -> Iterator[Driver]:
    """Drives the bot; at the end no handler may have failed and no request been refused
    (tests that provoke either clear ``fake.calls`` / ``caplog`` themselves)."""
    caplog.set_level(logging.INFO)
    yield Driver(app, fake)
    assert not fake.errors(), [(c.method, c.error) for c in fake.errors()]
    failures = [r for r in caplog.records if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
