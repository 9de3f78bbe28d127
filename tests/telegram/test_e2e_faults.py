"""End to end under Telegram faults: ``python -m bot run`` in a subprocess against the local
Bot API server injecting 429s, 5xx, slow answers and dropped connections at random on
``sendMessage`` and ``getUpdates``; ``welcomebot health`` on the running process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from botapi_server import BotApiServer, Fault
from e2e_support import ROOT, SECRET, TOKEN, BotProcess, bot_env

from bot.core.desk import Desk
from bot.telegram.render.answers import render_reply
from storage import Storage

pytestmark = pytest.mark.e2e

QUESTIONS = [
    "qwertzuiop asdfghjkl",
    "how do I find a room?",
    "zzzzqqq xxxyyy",
    "hello",
    "is this room offer a scam?",
    "blorptastic frumious",
    "eduroam does not work",
]


def _health(tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "WEBHOOK_PORT")}
    env.update({"PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp / "data")})
    return subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _delivered(api: BotApiServer) -> Counter[int]:
    with api.cond:
        return Counter(
            int(c.result["chat"]["id"]) for c in api.calls if c.ok and c.method == "sendMessage"
        )


async def test_the_bot_recovers_from_telegram_faults(tmp_path: Path, desk: Desk) -> None:
    api = BotApiServer(TOKEN).start()
    api.inject_randomly(
        "sendMessage",
        0.3,
        Fault.flood(1),
        Fault.error(500),
        Fault.error(502),
        Fault.slow(0.3),
        Fault.drop_after(),
        seed=11,
    )
    api.inject_randomly(
        "getUpdates",
        0.3,
        Fault.error(500),
        Fault.flood(1),
        Fault.drop(),
        Fault.drop_after(),
        Fault.slow(0.3),
    )
    bot = BotProcess(bot_env(api, tmp_path), tmp_path)
    users = list(range(9001, 9016))
    want: Counter[int] = Counter()
    unanswered: Counter[str] = Counter()
    try:
        for round_ in range(2):
            for user in users:
                text = QUESTIONS[(user + round_) % len(QUESTIONS)]
                api.send_text(api.user(user), text)
                reply = desk.reply(text, preferred_language="en")
                want[user] += len(render_reply(reply, desk.tree).parts)
                unanswered[text] += reply.kind == "unanswered"
            deadline = time.monotonic() + 120
            while any(_delivered(api)[u] < want[u] for u in users):
                bot.check_alive()
                assert time.monotonic() < deadline, (dict(_delivered(api)), bot.output()[-3000:])
                await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # time for a duplicate to show
        assert {u: _delivered(api)[u] for u in users} == dict(want)
        assert len(api.faults_served) >= 5

        alive = _health(tmp_path)
        assert alive.returncode == 0, alive.stderr
        assert "polling" in alive.stdout
    finally:
        code = bot.stop()
        api.stop()
    assert code == 0, bot.output()
    assert _health(tmp_path).returncode == 1  # stopped: the heartbeat is gone

    store = await Storage.open(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        hash_secret=SECRET,
        spool_dir=tmp_path / "check-spool",
    )
    try:
        rows = await store.unanswered_rows()
    finally:
        await store.close()
    assert Counter(r.text for r in rows) == +unanswered
