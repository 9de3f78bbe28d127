"""The end-to-end harness: ``python -m bot run`` as a subprocess against the local Bot API
test server (:mod:`botapi_server`), its environment, waiting for its calls, and its database
opened by the test (shared by ``tests/telegram/test_e2e.py`` and the staff e2e)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from botapi_server import BotApiServer, Call

from storage import Storage

ROOT = Path(__file__).resolve().parents[2]  # tests/support/ -> the checkout
TOKEN = "123:TEST"
SECRET = "e2e-hash-secret"
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(api: BotApiServer, tmp: Path, **extra: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    }
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "HASH_SECRET": SECRET,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bot.sqlite3'}",
        "DATA_DIR": str(tmp / "data"),
        "LOG_LEVEL": "INFO",
        **extra,
    }


class BotProcess:
    """``python -m bot run`` with its output kept for failure messages."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.log = cwd / "bot.log"
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=cwd,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.output()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()
        return self.proc.returncode


def wait_call(
    api: BotApiServer, bot: BotProcess, predicate: Any, *, since: int = 0, timeout: float = 20.0
) -> Call:
    deadline = time.monotonic() + timeout
    while True:
        bot.check_alive()
        try:
            return api.wait_for(predicate, since=since, timeout=min(1.0, timeout))
        except AssertionError:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the bot said:\n{bot.output()[-3000:]}") from None


def sent_to(chat_id: int) -> Any:
    return lambda c: c.method == "sendMessage" and c.result["chat"]["id"] == chat_id


def edited_in(chat_id: int) -> Any:
    return lambda c: c.method == "editMessageText" and c.result["chat"]["id"] == chat_id


@contextmanager
def running_bot(
    api: BotApiServer, env: dict[str, str], work: Path, *args: str
) -> Iterator[BotProcess]:
    """``welcomebot run`` as a subprocess, up once it polls; at the end it must exit 0 and
    the server must have refused none of its requests."""
    bot = BotProcess(env, work, *args)
    try:
        wait_call(api, bot, lambda c: c.method == "getUpdates", timeout=START_TIMEOUT)
        yield bot
    finally:
        code = bot.stop()
    assert code == 0, bot.output()
    refused = api.errors()
    assert not refused, [(c.method, c.error) for c in refused]


@asynccontextmanager
async def bot_database(work: Path) -> AsyncIterator[Storage]:
    """The bot's database in ``work``, opened by the test (with its own spool directory)."""
    store = await Storage.open(
        f"sqlite+aiosqlite:///{work / 'bot.sqlite3'}",
        hash_secret=SECRET,
        spool_dir=work / "test-spool",
    )
    try:
        yield store
    finally:
        await store.close()


def button_data(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def eventually(check: Any, within: float = 15.0) -> Any:
    """``await check()`` until it is truthy or ``within`` seconds passed; its last value."""
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.2)
