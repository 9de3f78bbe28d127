"""Fixtures for the interface-text tests: a private copy of the catalogues in ``tmp_path``
(for tests that change, break or remove files), an empty catalogue directory, and the bot
on the in-process fake Bot API of ``tests/telegram``."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from i18n_support import (
    LOCALES,
    TOKEN,
    BotApiServer,
    Driver,
    make_settings,
    running_bot,
    use_locales,
)

from bot.core import i18n
from bot.core.config import Settings
from bot.core.desk import Desk
from faq.loader import load_tree


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the ``.po`` catalogues (no ``.mo``) that :mod:`bot.core.i18n` reads from."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target, ignore=shutil.ignore_patterns("*.mo", ".*"))
    use_locales(monkeypatch, target)
    yield target
    i18n.reload()


@pytest.fixture
def no_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty catalogue directory: every language but English is missing."""
    target = tmp_path / "empty-locales"
    target.mkdir()
    use_locales(monkeypatch, target)
    yield target
    i18n.reload()


@pytest.fixture(scope="session")
def bundled_desk() -> Desk:
    """The real desk on the bundled FAQ (loaded once)."""
    return Desk(load_tree())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def fake() -> BotApiServer:
    return BotApiServer(TOKEN)


@pytest.fixture
async def driver(
    settings: Settings, bundled_desk: Desk, fake: BotApiServer
) -> AsyncIterator[Driver]:
    async with running_bot(settings, bundled_desk, fake) as drive:
        yield drive
