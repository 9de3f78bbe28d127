"""Memory at many users: 100,000 distinct users write to one bot process; resident memory and
the per-user structures before and after.

    python bench/memory_users.py [--users 100000] [--report 10000] [--no-bound]

The bot is the one ``welcomebot run`` builds (``build_application``: every handler, the flood
guard, the update claims, a real SQLite database in a temporary directory, the bundled FAQ
from the FAQ cache), driven through ``Application.process_update`` with the in-process test
Bot API (``tests/support``), which is emptied after each user so that only the bot's own
memory grows. Each user sends one message: a greeting, or now and then an FAQ question (its
answer's question is kept in ``chat_data`` for 👍/👎) or one the desk cannot answer (kept in
the database to offer a handoff, :mod:`storage.conversation`; ``user_data`` holds only a
handoff's lock), so every per-user and per-chat structure that can grow gets its entries.

Prints, every ``--report`` users, the resident memory (VmRSS) and how many users and chats
each structure holds: PTB's ``user_data`` and ``chat_data`` (bounded by
:mod:`bot.telegram.memory`), the flood gates' users, the update claims' memory. ``--no-bound``
turns the bound off, to see what it saves. Figures only: nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from botapi_server import BotApiServer  # noqa: E402
from telegram import Update  # noqa: E402
from tg_support import TOKEN, InProcessRequest, bot_settings  # noqa: E402

from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.context import BotApplication  # noqa: E402
from bot.telegram.memory import MemoryBound  # noqa: E402

GREETINGS = ("hello", "hi there!", "thanks a lot", "dank je wel", "你好")
QUESTIONS = ("how do I find a room?", "where do I register my address", "eduroam password")
UNANSWERED = ("qwertzuiop asdfghjkl", "blorptastic frumious wug")


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def message_of(index: int) -> str:
    """The one message user number ``index`` sends."""
    if index % 10 == 3:
        return QUESTIONS[index // 10 % len(QUESTIONS)]
    if index % 10 == 7:
        return f"{UNANSWERED[index // 10 % len(UNANSWERED)]} {index}"
    return GREETINGS[index % len(GREETINGS)]


def sizes(app: BotApplication) -> dict[str, int]:
    """How many users or chats each per-user structure holds."""
    data = app.bot_data
    processor: Any = app.update_processor
    claims = data.storage.claims if data.storage is not None else None
    return {
        "user_data": len(app.user_data),
        "chat_data": len(app.chat_data),
        "flood_gate": len(data.flood_gate) if data.flood_gate is not None else 0,
        "button_gate": len(data.button_gate) if data.button_gate is not None else 0,
        "flood_notices": len(data.flood_notices),
        "claims_memory": len(getattr(claims, "_memory", ())),
        "chat_turns": len(getattr(processor, "_turns", ())),
    }


def empty(fake: BotApiServer) -> None:
    """Forget what the test server keeps (it lives in this process: only the bot may grow)."""
    with fake.cond:
        fake.calls.clear()
        fake.chats.clear()
        fake.messages.clear()
        fake._message_ids.clear()


async def simulate(
    users: int,
    *,
    report: int = 0,
    bound: bool = True,
    max_kept: int | None = None,
    batch: int = 50,
) -> list[dict[str, float]]:
    """Run ``users`` users through the bot, ``batch`` at once; rows of figures (at the
    start, every ``report`` users and at the end)."""
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="welcomebot-memory-") as tmp:
        fake = BotApiServer(TOKEN)
        app = build_application(
            # no send cap: Telegram's 30 a second would make this take an hour
            bot_settings(Path(tmp), telegram_max_rate=0),
            request=InProcessRequest(fake),
        )
        if max_kept is not None:
            app.bot_data.memory = MemoryBound(app, maxsize=max_kept)
        if not bound:
            app.bot_data.memory = None
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        started = time.perf_counter()

        def row(done: int) -> None:
            gc.collect()
            figures: dict[str, float] = {"users": done, "rss_mb": round(rss_mb(), 1)}
            figures.update(sizes(app))
            figures["seconds"] = round(time.perf_counter() - started, 1)
            rows.append(figures)
            if report:
                print("  ".join(f"{k} {v}" for k, v in figures.items()), flush=True)

        try:
            # one user of each kind first: lazily loaded models are not per-user memory
            for index in range(10):
                fake.send_text(fake.user(10 + index, "Warm", "en"), message_of(index))
                await _deliver(app, fake)
            empty(fake)
            row(0)
            for start in range(0, users, batch):
                # a batch of users at once: the bot waits for SQLite and worker threads
                for index in range(start, min(start + batch, users)):
                    user = fake.user(1_000_000 + index, f"U{index}", "en")
                    fake.send_text(user, message_of(index), entities=[])
                updates = [Update.de_json(u, app.bot) for u in fake.pending]
                fake.pending.clear()
                await asyncio.gather(*(app.process_update(u) for u in updates))
                empty(fake)
                done = min(start + batch, users)
                if report and done % report == 0 and done < users:
                    row(done)
            assert app.bot_data.storage is not None
            await app.bot_data.storage.flush(60)
            row(users)
        finally:
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
    return rows


async def _deliver(app: BotApplication, fake: BotApiServer) -> None:
    while fake.pending:
        await app.process_update(Update.de_json(fake.pending.pop(0), app.bot))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--report", type=int, default=10_000, help="print a row every N users")
    parser.add_argument("--batch", type=int, default=50, help="users writing at once")
    parser.add_argument("--no-bound", action="store_true", help="keep every user's data")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rows = asyncio.run(
        simulate(args.users, report=args.report, bound=not args.no_bound, batch=args.batch)
    )
    first, last = rows[0], rows[-1]
    print(
        f"\n{args.users} users ({'no bound' if args.no_bound else 'bounded'}): resident memory "
        f"{first['rss_mb']:.0f} MB before, {last['rss_mb']:.0f} MB after "
        f"({last['rss_mb'] - first['rss_mb']:+.0f} MB); user_data {last['user_data']:.0f}, "
        f"chat_data {last['chat_data']:.0f}, flood gate {last['flood_gate']:.0f} users; "
        f"{last['seconds']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
