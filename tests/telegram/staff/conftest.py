"""Fixtures for the staff tools and the handoff: the bot as ``welcomebot run`` builds it, with
a staff chat and a staff user, answering from a small FAQ tree in ``tmp_path`` (so that a test
can break and fix files and /reload them), on a real SQLite storage, talking to the
in-process fake Bot API of ``tests/telegram`` (its helpers are imported from there)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, STAFF_MEMBER_ID, STAFF_USER_ID
from tg_support import (
    TOKEN,
    Driver,
    bot_settings,
    checked_driver,
    opened_storage,
    started_app,
)

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.context import BotApplication, BotContext
from faq.loader import load_tree
from storage import Storage


@pytest.fixture
def faq(minimal_tree: Any) -> Any:
    """The FAQ tree the bot answers from (the minimal one; tests may change its files)."""
    return minimal_tree


@pytest.fixture
def settings(tmp_path: Path, faq: Any) -> Settings:
    """Settings with a staff chat and one staff user (nothing read from a ``.env``)."""
    return bot_settings(
        tmp_path,
        faq_dir=faq.root,
        staff_chat_id=STAFF_CHAT_ID,
        staff_user_ids=f"{STAFF_USER_ID},{STAFF_MEMBER_ID}",
    )


@pytest.fixture
async def storage(settings: Settings) -> AsyncIterator[Storage]:
    """A real storage on a fresh SQLite file."""
    async with opened_storage(settings) as store:
        yield store


@pytest.fixture
def fake() -> BotApiServer:
    """The fake Bot API (its HTTP server is not started)."""
    return BotApiServer(TOKEN)


@pytest.fixture
async def app(
    settings: Settings, storage: Storage, fake: BotApiServer, faq: Any
) -> AsyncIterator[BotApplication]:
    """The bot, initialised and post-initialised, answering from ``faq``."""
    desk = Desk(load_tree(faq.root))
    async with started_app(settings, desk=desk, storage=storage, fake=fake) as application:
        yield application


@pytest.fixture
def driver(
    app: BotApplication, fake: BotApiServer, caplog: pytest.LogCaptureFixture
) -> Iterator[Driver]:
    """Drives the bot; at the end no handler may have failed and no request been refused."""
    with checked_driver(app, fake, caplog) as drive:
        yield drive


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
    """A staff person in the staff chat (in STAFF_USER_IDS: being in the chat is not enough)."""
    return fake.user(STAFF_MEMBER_ID, "Sam", username="sam_welfare")


@pytest.fixture
def chat_member(fake: BotApiServer) -> dict[str, Any]:
    """Someone in the staff chat who is not staff (an intern, a volunteer)."""
    return fake.user(5002, "Vic", username="vic_volunteer")


@pytest.fixture
def staff_user(fake: BotApiServer) -> dict[str, Any]:
    """The user in STAFF_USER_IDS (staff in their private chat with the bot)."""
    return fake.user(STAFF_USER_ID, "Kim")
