"""Chaos: users keep asking while the bot is killed and its database goes away.

    python bench/chaos.py [--messages 2000] [--users 200] [--kills 5] [--outage 5]
                          [--seed 1] [--json] [--keep]

The bot runs as in production behind a webhook (``python -m bot run --webhook``, one
replica, ``REPLICA_ID=bot1``) on a PostgreSQL of its own (``initdb``/``pg_ctl`` in a
temporary directory, so that it can be stopped), fed by the local Bot API test server
(``tests/support/botapi_server.py``) through a small relay that stands for the reverse
proxy and notes which update each POST carried. The users' messages all wait at
"Telegram" at the start; Telegram delivers them one at a time and delivers an update again
until the bot answers its POST with 200 (as the real one does).

While the messages are answered the bot is killed with SIGKILL ``--kills`` times, at random
points of the traffic and at a random moment of whatever it is doing, and started again at
once; PostgreSQL is stopped (``pg_ctl stop -m fast``) once, at a random point, for
``--outage`` seconds. A bot that cannot start (the database is down) is started again a
second later, as ``Restart=always`` would.

Webhook mode, because that is what the reliability guarantees are for: an update is
acknowledged only once it is handled, so a crash makes Telegram deliver it again, and the
update claims keep a second delivery from a second answer. Long polling confirms updates
before they are handled and may lose the ones in hand at a SIGKILL (``docs/deployment.md``).

Half the messages are questions the FAQ cannot answer, each with a made-up word of its own,
so that each must leave exactly one row in ``unanswered_questions``; the other half are
questions as users type them (``bench/load.py``'s mix). Printed at the end:

- messages answered at least once, and more than once (a reply that was sent, then the bot
  died before acknowledging, is sent again when Telegram delivers the update again);
- records kept, lost and doubled: the tracked unanswered questions, one row each;
  and the daily counters against the messages sent.

Exit status 1 when a message went unanswered or a record was lost or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from botapi_server import BotApiServer  # noqa: E402
from chaos_parts import (  # noqa: E402
    PrivatePostgres,
    Relay,
    answers,
    exposure,
    free_port,
    stored,
)
from load_mix import question_mix  # noqa: E402

from bot.core.desk import Desk  # noqa: E402
from faq.cache import ArtefactCache  # noqa: E402
from faq.prepared import load_prepared  # noqa: E402
from storage.records import MAX_TEXT, clean  # noqa: E402

TOKEN = "123:CHAOS"
SECRET = "chaos-hash-secret"
WEBHOOK_SECRET = "chaos-webhook-secret"
GIBBERISH = ("qwertzuiop asdfghjkl", "zzzzqqq xxxyyy", "blorptastic frumious", "wug blicket dax")
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ve",
    "lan",
    "tor",
    "bre",
    "ul",
    "dam",
    "ost",
    "ber",
    "zi",
    "no",
    "pa",
    "fle",
    "ha",
    "mu",
    "dor",
    "ek",
    "wi",
]


def made_up(i: int) -> str:
    """A word of its own for message ``i`` (letters only: nothing for the scrubber)."""
    word = ""
    while True:
        i, r = divmod(i, len(_SYLLABLES))
        word += _SYLLABLES[r]
        if not i:
            return word + "x"


def messages(total: int, users: int, seed: int, desk: Desk) -> list[tuple[int, str]]:
    """``total`` (user id, text) pairs, users taking turns: even ones made up, so that the
    FAQ cannot answer them (each is tracked to its record), odd ones as users type them."""
    mix = question_mix(total, seed)
    rng = random.Random(seed)
    out = []
    words = iter(range(10**9))
    for i in range(total):
        text = mix[i]
        while i % 2 == 0:
            text = f"{rng.choice(GIBBERISH)} {made_up(next(words))}"
            if desk.reply(text).kind == "unanswered":  # a made-up word can look like a term
                break
        out.append((200_000 + i % users, text))
    return out


class Bot:
    """``python -m bot run --webhook`` that can be killed and started again."""

    def __init__(self, env: dict[str, str], work: Path) -> None:
        self.env = env
        self.work = work
        self.log = (work / "bot.log").open("ab")
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.failed_starts = 0

    def start(self) -> None:
        self.starts += 1
        self.log.write(f"\n===== start {self.starts} =====\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--webhook"],
            cwd=self.work,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def keep_up(self) -> None:
        """Start the bot again when it exited by itself (``Restart=always``)."""
        if self.proc is not None and self.proc.poll() is not None:
            self.failed_starts += 1
            time.sleep(1.0)
            self.start()

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def bot_env(api: BotApiServer, pg: PrivatePostgres, relay: Relay, work: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME", "WELCOMEBOT_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "HASH_SECRET": SECRET,
            "DATABASE_URL": pg.url,
            "DATA_DIR": str(work / "data"),
            "REPLICA_ID": "bot1",
            "WEBHOOK_URL": relay.url,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(relay.target_port),
            "LOG_LEVEL": "INFO",
            "TELEGRAM_MAX_RATE": "0",
            # 10 messages a user come fast here; the flood guard is not under test
            "USER_MESSAGES_PER_MINUTE": "1000",
        }
    )
    return env


# ---------------------------------------------------------------------- the chaos


def run_chaos(
    args: argparse.Namespace, api: BotApiServer, bot: Bot, pg: PrivatePostgres, relay: Relay
) -> dict[str, Any]:
    """Kill the bot and stop PostgreSQL at random points until every update is
    acknowledged; what happened when."""
    rng = random.Random(args.seed)
    total = args.messages
    low, high = max(1, total // 20), max(2, total * 19 // 20)
    kill_at = sorted(rng.randint(low, high) for _ in range(args.kills))
    outage_at = (
        rng.randint(total // 5, max(total // 5 + 1, total * 7 // 10)) if args.outage else None
    )
    events: list[str] = []
    outage_end: float | None = None
    kill_in_outage: float | None = None
    started = time.monotonic()

    def kill(what: str) -> None:
        if bot.alive():
            bot.kill()
            events.append(f"{time.monotonic() - started:6.1f} s  {what}")
            bot.start()

    deadline = started + args.timeout
    while relay.acknowledged() < total:
        if time.monotonic() > deadline:
            events.append(f"timed out at {relay.acknowledged()} of {total}")
            break
        done = relay.acknowledged()
        if kill_at and done >= kill_at[0]:
            kill_at.pop(0)
            time.sleep(rng.uniform(0, 0.25))  # a random moment of whatever it is doing
            kill(f"SIGKILL at {relay.acknowledged()}/{total}")
        if outage_at is not None and done >= outage_at:
            outage_at = None
            pg.stop()
            outage_end = time.monotonic() + args.outage
            events.append(f"{time.monotonic() - started:6.1f} s  PostgreSQL stopped at {done}")
            if args.kill_in_outage:
                kill_in_outage = time.monotonic() + min(1.0, args.outage / 2)
        if kill_in_outage is not None and time.monotonic() >= kill_in_outage:
            kill_in_outage = None
            kill(f"SIGKILL at {relay.acknowledged()}/{total}, PostgreSQL down")
        if outage_end is not None and time.monotonic() >= outage_end:
            outage_end = None
            pg.start()
            events.append(
                f"{time.monotonic() - started:6.1f} s  PostgreSQL started at {relay.acknowledged()}"
            )
        bot.keep_up()
        time.sleep(0.005)
    if outage_end is not None:
        pg.start()
    return {"events": events, "seconds": round(time.monotonic() - started, 1)}


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the bot")
    parser.add_argument(
        "--outage", type=float, default=5.0, help="seconds PostgreSQL is down (0: no outage)"
    )
    parser.add_argument(
        "--kill-in-outage",
        action="store_true",
        help="one more SIGKILL while PostgreSQL is down (the bot then starts only once it is back)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    # the bot's own cached FAQ (as `welcomebot run` loads it): seconds instead of a build
    prepared = load_prepared(
        None, ArtefactCache.from_setting(os.environ.get("WELCOMEBOT_CACHE_DIR"))
    )
    desk = Desk(prepared.tree, prepared=prepared)
    plan = messages(args.messages, args.users, args.seed, desk)
    tracked = Counter(clean(desk.reply(t).question, MAX_TEXT) for t in (t for _, t in plan[::2]))

    work = Path(tempfile.mkdtemp(prefix="welcomebot-chaos-"))
    work.chmod(0o755)  # PostgreSQL runs as its own user when this runs as root
    pg = PrivatePostgres(work / "pg")
    api = BotApiServer(TOKEN).start()
    # a killed bot resets its connections to the test server: expected here, not worth a
    # traceback on stderr each time
    if api._httpd is not None:
        api._httpd.handle_error = lambda *_: None  # type: ignore[method-assign]
    relay = Relay(free_port())
    bot = Bot(bot_env(api, pg, relay, work), work)
    figures: dict[str, Any] = {}
    code = None
    try:
        pg.init()
        pg.start()
        relay.start()
        started = time.monotonic()
        bot.start()
        api.wait_method("setWebhook", timeout=180)
        print(
            f"bot up in {time.monotonic() - started:.1f} s; {len(plan)} messages waiting",
            flush=True,
        )
        for user, text in plan:
            api.send_text(api.user(user, f"U{user}", "en"), text, entities=[])
        chaos = run_chaos(args, api, bot, pg, relay)
        time.sleep(2.0)  # a duplicate would show now
        code = bot.stop()
        replies, stray = answers(api, relay.attempts())
        timing = exposure(api, [a for a in relay.attempts() if a.status == 200])
        rows, counted = asyncio.run(stored(pg))
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.stop()
        relay.stop()
        api.stop()
        pg.stop()

    journals = sum(p.stat().st_size for p in (work / "data").glob("*.outbox*.jsonl"))
    once = sum(1 for n in replies.values() if n >= 1)
    twice = sum(1 for n in replies.values() if n >= 2)
    kept = sum(1 for q in tracked if rows[q] >= 1)
    lost = sum(n for q, n in tracked.items() if rows[q] < n)
    doubled = sum(max(0, rows[q] - n) for q, n in tracked.items())
    figures = {
        "messages": len(plan),
        "users": args.users,
        "kills": sum("SIGKILL" in e for e in chaos["events"]),
        "outage_seconds": args.outage,
        "seconds": chaos["seconds"],
        "bot_starts": bot.starts,
        "failed_starts": bot.failed_starts,
        "answered_at_least_once": once,
        "answered_more_than_once": twice,
        "replies_outside_a_delivery": stray,
        "deliveries": len(relay.attempts()),
        **timing,
        "records_tracked": sum(tracked.values()),
        "records_kept": kept,
        "records_lost": lost,
        "records_doubled": doubled,
        "counted_messages": counted,
        "bytes_left_in_journals": journals,
        "clean_exit": code == 0,
        "events": chaos["events"],
    }
    n = len(plan)
    print()
    for line in chaos["events"]:
        print(f"  {line}")
    print(
        f"\n{n} messages from {args.users} users; {figures['kills']} SIGKILLs, "
        f"PostgreSQL down {args.outage} s"
    )
    print(
        f"  time                       {chaos['seconds']} s, "
        f"{bot.starts} starts ({bot.failed_starts} failed)"
    )
    print(f"  answered at least once     {once} ({100 * once / n:.1f} %)")
    print(f"  answered more than once    {twice} ({100 * twice / n:.2f} %)")
    if timing:
        print(
            f"  a delivery took            {timing['delivery_ms_p50']} ms (median), "
            f"{timing['after_reply_ms_p50']} ms of it after the reply "
            f"({100 * timing['after_reply_share']:.0f} % of the time: a SIGKILL then doubles)"
        )
    print(f"  records kept               {kept} of {sum(tracked.values())}")
    print(f"  records lost               {lost}")
    print(f"  records doubled            {doubled}")
    print(f"  messages counted           {counted} of {n}")
    if stray:
        print(f"  replies outside a delivery {stray}")
    if journals:
        print(f"  left in journals           {journals} bytes")
    if args.json:
        print(json.dumps(figures, indent=2))
    ok = once == n and lost == 0 and doubled == 0 and stray == 0
    if args.keep or not ok:
        print(f"(files kept in {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
