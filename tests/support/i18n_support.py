"""Paths and helpers for the interface-text tests (imported by their conftest and tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.core import i18n
from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.app import build_application

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
BABEL_CFG = ROOT / "babel.cfg"

# botapi_server and tg_support live beside the Telegram tests (there are no test packages)

from botapi_server import BotApiServer  # noqa: E402
from tg_support import HASH_SECRET, RETENTION_DAYS, TOKEN, Driver, InProcessRequest  # noqa: E402

__all__ = [
    "BABEL_CFG",
    "LOCALES",
    "POT",
    "RETENTION_DAYS",
    "ROOT",
    "TOKEN",
    "BotApiServer",
    "Driver",
    "make_settings",
    "running_bot",
    "use_locales",
]


def use_locales(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Point :mod:`bot.core.i18n` at ``directory`` and forget what it loaded."""
    monkeypatch.setattr(i18n, "locales_dir", lambda: directory)
    i18n.reload()


def make_settings(directory: Path) -> Settings:
    """Settings for a bot whose database is an SQLite file in ``directory``."""
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:9/bot",
        hash_secret=HASH_SECRET,
        retention_days=RETENTION_DAYS,
        data_dir=directory / "data",
        database_url=f"sqlite+aiosqlite:///{directory / 'bot.sqlite3'}",
    )


@asynccontextmanager
async def running_bot(settings: Settings, desk: Desk, fake: BotApiServer) -> AsyncIterator[Driver]:
    """The bot as ``welcomebot run`` starts it: it opens (and on shutdown closes) the storage
    at ``DATABASE_URL`` itself, so two of these in a row are a restart."""
    app = build_application(settings, desk=desk, request=InProcessRequest(fake))
    await app.initialize()
    assert app.post_init is not None
    assert app.post_shutdown is not None
    await app.post_init(app)
    try:
        yield Driver(app, fake)
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
    assert not fake.errors(), [(c.method, c.error) for c in fake.errors()]
