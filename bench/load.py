"""Load: simulated users ask the bot through the local Bot API test server.

    python bench/load.py [--users 1000] [--messages 10] [--think 0] [--ramp 0]
                         [--rate 0] [--faults 0] [--seed 1] [--json]

The bot runs as ``welcomebot run`` would (``python -m bot run``, long polling, SQLite in a
temporary directory) against ``tests/support/botapi_server/`` in this process. Each user
sends a question, waits until the whole reply has arrived (long answers are several
messages), waits ``--think`` seconds and sends the next, ``--messages`` times; users start
spread over ``--ramp`` seconds. With the defaults all 1,000 users are waiting at once: the
bot runs flat out and the latencies include the queue.

Questions (not the evaluation set): question variants of the bundled FAQ as users type them
(typos, missing words, chatty openers: ``bench/generate.py``), out-of-scope questions,
gibberish, greetings, a crisis message now and then, and hostile input (4,096 characters,
emoji, markup, zero-width characters).

Prints throughput, reply latency (p50 / p95 / p99 / max) and the checks:

- every message answered exactly once: each chat received exactly the messages the desk's
  replies call for, in order, with the right texts (nothing missing, nothing twice);
- every unanswered question recorded exactly once: the ``unanswered_questions`` rows in the
  bot's SQLite file equal the questions the desk leaves unanswered, counted with repeats;
- every message counted once: the daily counters add up to the messages sent.

``--rate`` is the bot's ``TELEGRAM_MAX_RATE`` (Telegram allows about 30 messages a second;
0, the default here, lifts the throttle to measure the bot itself). ``--faults P`` makes the
test server refuse or slow down that share of ``sendMessage`` and ``getUpdates`` calls
(429, 500, 503, slow answers; no dropped connections, which the bot deliberately does not
retry). Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from botapi_server import BotApiServer, Call, Fault  # noqa: E402
from load_bot import TOKEN, process_cpu, start_bot, stop_bot  # noqa: E402
from load_mix import LANGUAGE_CODES, Expected, Oracle, question_mix  # noqa: E402

from bot.core.i18n import negotiate  # noqa: E402
from faq.models import FALLBACK_LANGUAGE  # noqa: E402

# ---------------------------------------------------------------------- users


@dataclass
class User:
    id: int
    language_code: str | None
    questions: list[str]
    expected: list[Expected]
    sent: int = 0  # questions sent
    received: list[str] = field(default_factory=list)  # texts received, in order
    pending_parts: int = 0  # of the current reply
    sent_at: float = 0.0


class Load:
    """The simulated users, driven by the test server's calls."""

    def __init__(self, api: BotApiServer, users: list[User], think: float) -> None:
        self.api = api
        self.users = {u.id: u for u in users}
        self.think = think
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.timers: list[tuple[float, int]] = []  # (due, user id)
        self.wake = threading.Condition(self.lock)
        self.done = threading.Event()
        self.finished_users = 0
        self.first_sent = 0.0
        self.last_reply = 0.0
        self.unexpected = 0  # messages to chats that were not waiting for one

    def send(self, user: User) -> None:
        text = user.questions[user.sent]
        user.pending_parts = len(user.expected[user.sent].texts)
        user.sent += 1
        user.sent_at = time.perf_counter()
        self.api.send_text(
            self.api.user(user.id, f"U{user.id}", user.language_code), text, entities=[]
        )

    def on_call(self, call: Call) -> None:
        if call.method != "sendMessage":
            return
        chat = int(call.result["chat"]["id"])
        now = time.perf_counter()
        with self.lock:
            user = self.users.get(chat)
            if user is None:
                return
            user.received.append(call.result["text"])
            if user.pending_parts <= 0:
                self.unexpected += 1
                return
            user.pending_parts -= 1
            if user.pending_parts:
                return
            self.latencies.append(now - user.sent_at)
            self.last_reply = now
            if user.sent < len(user.questions):
                heapq.heappush(self.timers, (now + self.think, user.id))
                self.wake.notify()
            else:
                self.finished_users += 1
                if self.finished_users == len(self.users):
                    self.done.set()
                    self.wake.notify()

    def run_timers(self) -> None:
        """Send each user's next question when it is due (one thread for all)."""
        with self.lock:
            while not self.done.is_set():
                if not self.timers:
                    self.wake.wait(0.5)
                    continue
                due, uid = self.timers[0]
                delay = due - time.perf_counter()
                if delay > 0:
                    self.wake.wait(delay)
                    continue
                heapq.heappop(self.timers)
                user = self.users[uid]
                self.lock.release()
                try:
                    self.send(user)
                finally:
                    self.lock.acquire()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10, help="questions per user")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds between a reply and the next question"
    )
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which users start")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="TELEGRAM_MAX_RATE for the bot (0: none)"
    )
    parser.add_argument(
        "--faults", type=float, default=0.0, help="share of Bot API calls refused or slowed"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--timeout", type=float, default=1800, help="give up after this many seconds"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="run the bot under cProfile and write its statistics to FILE "
        "(python -m pstats FILE); start-up is included, the figures are slower",
    )
    args = parser.parse_args(argv)

    total = args.users * args.messages
    print(f"preparing {args.users} users x {args.messages} questions ...", flush=True)
    questions = question_mix(total, args.seed)
    oracle = Oracle()
    rng = random.Random(args.seed)
    users: list[User] = []
    for i in range(args.users):
        code = rng.choice(LANGUAGE_CODES)
        language = negotiate(code) or FALLBACK_LANGUAGE
        mine = questions[i * args.messages : (i + 1) * args.messages]
        users.append(User(100_000 + i, code, mine, [oracle.expect(q, language) for q in mine]))

    tmp = Path(tempfile.mkdtemp(prefix="welcomebot-load-"))
    api = BotApiServer(TOKEN).start()
    if args.faults > 0:
        for method in ("sendMessage", "getUpdates"):
            api.inject_randomly(
                method,
                args.faults,
                Fault.flood(1),
                Fault.error(500),
                Fault.error(503),
                Fault.slow(0.5),
                seed=args.seed,
            )
    load = Load(api, users, args.think)
    api.listeners.append(load.on_call)
    proc = start_bot(api, tmp, args.rate, args.profile)
    cpu_answering = float("nan")
    started = time.perf_counter()
    try:
        api.wait_method("deleteWebhook", timeout=120)  # polling starts right after
        time.sleep(1.0)
        print(f"bot up in {time.perf_counter() - started:.1f} s; sending", flush=True)
        timer_thread = threading.Thread(target=load.run_timers, daemon=True)
        timer_thread.start()
        cpu_before = process_cpu(proc.pid)
        load.first_sent = time.perf_counter()
        for user in users:
            offset = rng.uniform(0, args.ramp) if args.ramp else 0.0
            with load.lock:
                heapq.heappush(load.timers, (load.first_sent + offset, user.id))
                load.wake.notify()
        last_report = time.perf_counter()
        while not load.done.wait(1.0):
            if proc.poll() is not None:
                print(f"the bot exited with {proc.returncode}", file=sys.stderr)
                break
            now = time.perf_counter()
            if now - load.first_sent > args.timeout:
                print("timed out", file=sys.stderr)
                break
            if now - last_report >= 10:
                last_report = now
                print(
                    f"  {len(load.latencies)}/{total} answered after {now - load.first_sent:.0f} s",
                    flush=True,
                )
        cpu_answering = process_cpu(proc.pid) - cpu_before
        time.sleep(2.0)  # a duplicate would arrive now
    finally:
        code = stop_bot(proc) if proc.poll() is None else proc.returncode
        api.stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)

    # ------------------------------------------------------------------ checks
    elapsed = load.last_reply - load.first_sent if load.latencies else float("nan")
    wrong_chats = [u.id for u in users if u.received != [t for e in u.expected for t in e.texts]]
    want_rows = Counter(e.question for u in users for e in u.expected if e.unanswered)
    db = sqlite3.connect(tmp / "bot.sqlite3")
    try:
        rows = Counter(text for (text,) in db.execute("SELECT text FROM unanswered_questions"))
        counted = db.execute("SELECT coalesce(sum(count), 0) FROM daily_counters").fetchone()[0]
    finally:
        db.close()
    checks = {
        "every message answered exactly once": not wrong_chats and load.unexpected == 0,
        "every unanswered question recorded exactly once": rows == want_rows,
        "every message counted once": counted == total,
        "the bot exited cleanly": code == 0,
    }
    figures: dict[str, Any] = {
        "users": args.users,
        "messages_per_user": args.messages,
        "messages": total,
        "answered": len(load.latencies),
        "reply_messages": sum(len(u.received) for u in users),
        "seconds": round(elapsed, 2),
        "throughput_per_second": round(len(load.latencies) / elapsed, 1) if elapsed else None,
        "latency_ms": {
            "p50": round(percentile(load.latencies, 0.50) * 1000, 1),
            "p95": round(percentile(load.latencies, 0.95) * 1000, 1),
            "p99": round(percentile(load.latencies, 0.99) * 1000, 1),
            "max": round(max(load.latencies) * 1000, 1),
            "mean": round(statistics.fmean(load.latencies) * 1000, 1),
        }
        if load.latencies
        else None,
        "unanswered_rows": sum(rows.values()),
        "unanswered_expected": sum(want_rows.values()),
        "bot_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        # while the messages were answered (start-up excluded): what a message costs the
        # bot, which a busy machine does not inflate as it does the wall clock
        "bot_cpu_answering_seconds": round(cpu_answering, 2),
        "bot_cpu_ms_per_message": round(1000 * cpu_answering / max(len(load.latencies), 1), 2),
        "cpu_bound_ceiling_per_second": round(len(load.latencies) / cpu_answering, 1)
        if cpu_answering > 0
        else None,
        "rate_limit": args.rate,
        "think_seconds": args.think,
        "ramp_seconds": args.ramp,
        "faults": args.faults,
        "faults_served": len(api.faults_served),
        "checks": checks,
    }
    print()
    print(f"{total} messages from {args.users} users ({args.messages} each)")
    print(
        f"  answered             {figures['answered']} ({figures['reply_messages']} bot messages)"
    )
    print(f"  time                 {figures['seconds']} s")
    print(f"  throughput           {figures['throughput_per_second']} questions/s")
    if figures["latency_ms"]:
        lat = figures["latency_ms"]
        print(
            f"  reply latency        p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
            f"p99 {lat['p99']} ms, max {lat['max']} ms"
        )
    print(
        f"  bot CPU              {figures['bot_cpu_seconds']} s in all; "
        f"{figures['bot_cpu_answering_seconds']} s answering = "
        f"{figures['bot_cpu_ms_per_message']} ms per message "
        f"(one core: at most {figures['cpu_bound_ceiling_per_second']} questions/s)"
    )
    print(
        f"  unanswered rows      {figures['unanswered_rows']} "
        f"(expected {figures['unanswered_expected']})"
    )
    if args.faults:
        print(f"  faults injected      {figures['faults_served']}")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    if wrong_chats:
        print(f"  chats with missing or extra messages: {wrong_chats[:10]}")
    if args.json:
        print(json.dumps(figures, indent=2))
    if args.keep or not all(checks.values()):
        print(f"(files kept in {tmp})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
