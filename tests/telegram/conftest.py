"""Fixtures for the Telegram layer: the bot built by ``build_application`` on the real desk
(bundled FAQ) and a real SQLite storage, talking to an in-process fake Bot API.

The fake is :class:`botapi_server.BotApiServer` without its HTTP server: the
:class:`InProcessRequest` transport hands every request PTB makes to it, so handler tests
get the same validation of methods, fields, HTML and keyboards as the end-to-end tests, and
every request is recorded (``fake.calls``). Updates are built by the fake's user side
(``send_text``, ``press``, ``inline_query`` ...) and fed through
``Application.process_update``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from botapi_server import BotApiServer
from handler_support import CLARIFY_TRIES, GIBBERISH, answer_reply, find_reply
from tg_support import (
    TOKEN,
    Driver,
    bot_settings,
    checked_driver,
    opened_storage,
    started_app,
)

from bot.core.config import Settings
from bot.core.desk import Desk, Reply
from bot.telegram.context import BotApplication
from faq.loader import load_tree
from storage import Storage


@pytest.fixture(scope="session")
def desk() -> Desk:
    """The real desk on the bundled FAQ (built once: loading is the slow part)."""
    return Desk(load_tree())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for the tests (nothing read from a ``.env``)."""
    return bot_settings(tmp_path)


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
    settings: Settings, desk: Desk, storage: Storage, fake: BotApiServer
) -> AsyncIterator[BotApplication]:
    """The bot as ``welcomebot run`` builds it, initialised and post-initialised."""
    async with started_app(settings, desk=desk, storage=storage, fake=fake) as application:
        yield application


@pytest.fixture
def driver(
    app: BotApplication, fake: BotApiServer, caplog: pytest.LogCaptureFixture
) -> Iterator[Driver]:
    """Drives the bot; at the end no handler may have failed and no request been refused
    (tests that provoke either clear ``fake.calls`` / ``caplog`` themselves)."""
    with checked_driver(app, fake, caplog) as drive:
        yield drive


# ---------------------------------------------------------------------- replies of each kind
@pytest.fixture(scope="module")
def answer_question(desk: Desk) -> Reply:
    """An English question answered with an entry that has related entries."""
    return answer_reply(desk)


@pytest.fixture(scope="module")
def clarify_question(desk: Desk) -> Reply:
    return find_reply(desk, "clarify", CLARIFY_TRIES)


@pytest.fixture(scope="module")
def unanswered_question(desk: Desk) -> Reply:
    return find_reply(desk, "unanswered", GIBBERISH)
