"""The bot running in-process over real HTTP against the local Bot API test server, for the
tests of Telegram faults (``tests/telegram/test_faults*.py``): long polling, a real SQLite
file, a short read timeout and short backoffs so that faults are met quickly."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from botapi_server import BotApiServer, parse_html, strip_text
from tg_support import HASH_SECRET, TOKEN

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.app import build_application
from bot.telegram.context import BotApplication
from bot.telegram.delivery import BotApiRequest, ResilientRateLimiter
from bot.telegram.render.answers import render_reply
from bot.telegram.run import serve
from storage import Storage

#: Questions the bundled FAQ cannot answer (checked in :func:`unanswerable`).
GIBBERISH = [
    "qwertzuiop asdfghjkl",
    "zzzzqqq xxxyyy",
    "blorptastic frumious",
    "wug blicket dax",
    "flurb snorkle",
    "grommet quux",
    "plonk zizzle",
    "vorpal snicker",
    "bandersnatch gyre",
    "tumtum mimsy",
]
#: Read timeout of the bot's HTTP client in these tests (PTB's default is 5 s).
READ_TIMEOUT = 1.0
#: Backoff of the retry policy in these tests (production: 0.5 s, doubling).
BACKOFF = 0.05


@dataclass
class Live:
    """The running bot, its Bot API server, storage and desk."""

    api: BotApiServer
    app: BotApplication
    storage: Storage
    desk: Desk
    start: Callable[[], Awaitable[None]]

    def delivered(self) -> Counter[int]:
        """Messages Telegram delivered, per chat."""
        with self.api.cond:
            return Counter(
                int(c.result["chat"]["id"])
                for c in self.api.calls
                if c.ok and c.method == "sendMessage"
            )

    def texts(self, chat: int) -> list[str]:
        """The plain texts of the messages delivered to ``chat``, in the order Telegram
        took them."""
        with self.api.cond:
            return [
                c.result["text"]
                for c in self.api.calls
                if c.ok and c.method == "sendMessage" and c.result["chat"]["id"] == chat
            ]

    def expected(self, text: str) -> int:
        """How many messages the reply to ``text`` is (long answers are split)."""
        return len(self.expected_texts(text))

    def expected_texts(self, text: str) -> list[str]:
        """The plain texts of the reply to ``text``, as Telegram stores them."""
        reply = self.desk.reply(text, preferred_language="en")
        parts = render_reply(reply, self.desk.tree).parts
        return [strip_text(*parse_html(p))[0] for p in parts]

    async def settle(self, want: dict[int, int], *, within: float = 30.0) -> Counter[int]:
        """Wait until every chat got at least what it should, then a little longer (so a
        duplicate would show); the deliveries per chat."""
        deadline = time.monotonic() + within
        while any(self.delivered()[chat] < n for chat, n in want.items()):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(2 * READ_TIMEOUT)
        return self.delivered()


@asynccontextmanager
async def live_bot(tmp_path: Path, desk: Desk) -> AsyncIterator[Live]:
    """The bot built as ``welcomebot run`` builds it, polling the test server over HTTP
    (started by ``await live.start()``, so that a test can queue updates and faults first)."""
    api = BotApiServer(TOKEN).start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.base_url,
        hash_secret=HASH_SECRET,
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    storage = await Storage.open(settings.effective_database_url, hash_secret=HASH_SECRET)
    request = BotApiRequest(connection_pool_size=32, read_timeout=READ_TIMEOUT)
    app = build_application(settings, desk=desk, storage=storage, request=request)
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, ResilientRateLimiter)
    limiter.backoff = BACKOFF
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(serve(app, settings, webhook=False, stop=stop)))
        async with asyncio.timeout(30):
            while app.updater is None or not app.updater.running:  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    try:
        yield Live(api, app, storage, desk, start)
    finally:
        stop.set()
        api.clear_faults()
        for task in tasks:
            await asyncio.wait_for(task, 60)
        await storage.close()
        api.stop()


def unanswerable(desk: Desk) -> list[str]:
    """Of :data:`GIBBERISH`, what the desk leaves unanswered (at least 8)."""
    texts = [t for t in GIBBERISH if desk.reply(t, preferred_language="en").kind == "unanswered"]
    assert len(texts) >= 8, "the FAQ now answers the gibberish: pick other texts"
    return texts
