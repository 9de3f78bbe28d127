"""Fixtures for the Telegram layer: the bot built by ``build_application`` on the real desk
(bundled FAQ) and a real SQLite storage, talking to an in-process fake Bot API.

The fake is :class:`tests.telegram.botapi_server.BotApiServer` without its HTTP server: the
:class:`InProcessRequest` transport hands every request PTB makes to it, so handler tests
get the same validation of methods, fields, HTML and keyboards as the end-to-end tests, and
every request is recorded (``fake.calls``). Updates are built by the fake's user side
(``send_text``, ``press``, ``inline_query`` ...) and fed through
``Application.process_update``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from botapi_server import BotApiServer
from tg_support import HASH_SECRET, RETENTION_DAYS, TOKEN, Driver, InProcessRequest

from bot.app import build_application
from bot.config import Settings
from bot.context import BotApplication
from bot.desk import Desk
from faq.loader import load_tree
from storage import Storage


@pytest.fixture(scope="session")
def desk() -> Desk:
    """The real desk on the bundled FAQ (built once: loading is the slow part)."""
    return Desk(load_tree())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for the tests (nothing read from a ``.env``)."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:9/bot",
        hash_secret=HASH_SECRET,
        retention_days=RETENTION_DAYS,
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )


@pytest.fixture
async def storage(settings: Settings) -> AsyncIterator[Storage]:
    """A real storage on a fresh SQLite file."""
    store = await Storage.open(
        settings.effective_database_url, hash_secret=HASH_SECRET, retention_days=RETENTION_DAYS
    )
    yield store
    await store.close()


@pytest.fixture
def fake() -> BotApiServer:
    """The fake Bot API (its HTTP server is not started)."""
    return BotApiServer(TOKEN)


@pytest.fixture
async def app(
    settings: Settings, desk: Desk, storage: Storage, fake: BotApiServer
) -> AsyncIterator[BotApplication]:
    """The bot as ``welcomebot run`` builds it, initialised and post-initialised."""
    application = build_application(
        settings, desk=desk, storage=storage, request=InProcessRequest(fake)
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    yield application
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


@pytest.fixture
def driver(
    app: BotApplication, fake: BotApiServer, caplog: pytest.LogCaptureFixture
) -> Iterator[Driver]:
    """Drives the bot; at the end no handler may have failed and no request been refused
    (tests that provoke either clear ``fake.calls`` / ``caplog`` themselves)."""
    caplog.set_level(logging.INFO)
    yield Driver(app, fake)
    assert not fake.errors(), [(c.method, c.error) for c in fake.errors()]
    failures = [r for r in caplog.records if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
