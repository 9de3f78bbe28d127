"""The bot process of ``bench/load.py``: started as ``welcomebot run`` would be (``python -m
bot run``, long polling, SQLite in a temporary directory) against the test server, stopped
with SIGTERM, and its CPU time read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from botapi_server import BotApiServer

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123:LOAD"
SECRET = "load-test-hash-secret"


#: The bot's per-user limit in the bench: off (a user's questions past the limit would get a
#: notice the checks do not expect, and the run would wait for replies that never come).
NO_FLOOD_LIMIT = 1_000_000


def start_bot(
    api: BotApiServer,
    tmp: Path,
    rate: float,
    profile: Path | None = None,
    messages_per_minute: int = NO_FLOOD_LIMIT,
) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME", "WELCOMEBOT_CACHE_DIR")
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "HASH_SECRET": SECRET,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bot.sqlite3'}",
            "DATA_DIR": str(tmp / "data"),
            "LOG_LEVEL": "WARNING",
            "TELEGRAM_MAX_RATE": str(rate),
            "USER_MESSAGES_PER_MINUTE": str(messages_per_minute),
        }
    )
    log = (tmp / "bot.log").open("wb")
    profiler = ["-m", "cProfile", "-o", str(profile.resolve())] if profile else []
    return subprocess.Popen(
        [sys.executable, *profiler, "-m", "bot", "run"], cwd=tmp, env=env, stdout=log, stderr=log
    )


def stop_bot(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
