"""Fixtures for the staff tools and the handoff: the bot as ``welcomebot run`` builds it, with
a staff chat and a staff user, answering from a small FAQ tree in ``tmp_path`` (so that a test
can break and fix files and /reload them), on a real SQLite storage, talking to the
in-process fake Bot API of ``tests/telegram`` (its helpers are imported from there)."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "telegram"))

from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, STAFF_USER_ID
from tg_support import HASH_SECRET, RETENTION_DAYS, TOKEN, Driver, InProcessRequest

from bot.app import build_application
from bot.config import Settings
from bot.context import BotApplication, BotContext
from bot.desk import Desk
from faq.loader import load_tree
from storage import Storage


@pytest.fixture
def faq(minimal_tree: Any) -> Any:
    """The FAQ tree the bot answers from (the minimal one; tests may change its files)."""
    return minimal_tree


@pytest.fixture
def settings(tmp_path: Path, faq: Any) -> Settings:
    """Settings with a staff chat and one staff user (nothing read from a ``.env``)."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:9/bot",
        hash_secret=HASH_SECRET,
        retention_days=RETENTION_DAYS,
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        faq_dir=faq.root,
        staff_chat_id=STAFF_CHAT_ID,
        staff_user_ids=str(STAFF_USER_ID),
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
    settings: Settings, storage: Storage, fake: BotApiServer, faq: Any
) -> AsyncIterator[BotApplication]:
    """The bot, initialised and post-initialised, answering from ``faq``."""
    application = build_application(
        settings, desk=Desk(load_tree(faq.root)), storage=storage, request=InProcessRequest(fake)
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
    """Drives the bot; at the end no handler may have failed and no request been refused."""
    caplog.set_level(logging.INFO)
    yield Driver(app, fake)
    assert not fake.errors(), [(c.method, c.error) for c in fake.errors()]
    failures = [r for r in caplog.records if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


@pytest.fixture
def context(app: BotApplication) -> BotContext:
    """A callback context as the job queue makes one (for calling jobs directly)."""
    return BotContext(app)


@pytest.fixture
def staff_chat(fake: BotApiServer) -> dict[str, Any]:
    """The staff group chat."""
    return fake.group_chat(STAFF_CHAT_ID, "Welfare team")


@pytest.fixture
def staff_member(fake: BotApiServer) -> dict[str, Any]:
    """Someone in the staff chat (not in STAFF_USER_IDS: the chat makes them staff)."""
    return fake.user(5001, "Sam", username="sam_welfare")


@pytest.fixture
def staff_user(fake: BotApiServer) -> dict[str, Any]:
    """The user in STAFF_USER_IDS (staff in their private chat with the bot)."""
    return fake.user(STAFF_USER_ID, "Kim")
