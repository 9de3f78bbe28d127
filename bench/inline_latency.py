"""Reply latency while inline queries stream: does the bot's event loop stay free?

    python bench/inline_latency.py [--inline-users 50] [--users 50] [--messages 10]
                                   [--typing 0.5] [--seed 1]

The bot runs as ``welcomebot run`` would (``python -m bot run``, long polling, SQLite in a
temporary directory, no send cap, no per-user limit) against the local Bot API test server
in this process (``bench/load.py``'s set-up). ``--inline-users`` users type ``@bot question``
in some chat: one inline query per ``--typing`` seconds each, the question growing a word at
a time as clients send it while the user types, for as long as the run lasts. Meanwhile
``--users`` users ask ``--messages`` questions each in their private chats, each waiting for
the whole reply (long answers are several messages) before the next.

Prints the reply latency of the private questions (median, p95, p99, max) and of the inline
answers, and how many inline queries were answered. Matching for inline search, like the
desk's reply to a message, runs in a worker thread (``asyncio.to_thread``): if it ran on the
event loop, every inline query would hold up every reply. Run it with ``--inline-users 0``
for the latencies without inline load. Figures only: nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support"), str(ROOT / "bench")]

from botapi_server import BotApiServer, Call  # noqa: E402
from load import TOKEN, Oracle, percentile, question_mix, start_bot, stop_bot  # noqa: E402


class Run:
    """The simulated users, driven by the test server's calls."""

    def __init__(self, api: BotApiServer, oracle: Oracle, questions: list[list[str]]) -> None:
        self.api = api
        self.lock = threading.Lock()
        self.questions = questions  # per private user
        self.parts = [[len(oracle.expect(q, "en").texts) for q in qs] for qs in questions]
        self.sent = [0] * len(questions)
        self.pending = [0] * len(questions)
        self.sent_at = [0.0] * len(questions)
        self.latencies: list[float] = []
        self.inline_sent: dict[str, float] = {}
        self.inline_latencies: list[float] = []
        self.done = threading.Event()
        self.finished = 0

    def uid(self, index: int) -> int:
        return 200_000 + index

    def send(self, index: int) -> None:
        with self.lock:
            question = self.questions[index][self.sent[index]]
            self.pending[index] = self.parts[index][self.sent[index]]
            self.sent[index] += 1
            self.sent_at[index] = time.perf_counter()
        user = self.api.user(self.uid(index), f"U{index}", "en")
        self.api.send_text(user, question, entities=[])

    def on_call(self, call: Call) -> None:
        now = time.perf_counter()
        if call.method == "answerInlineQuery":
            with self.lock:
                sent = self.inline_sent.pop(str(call.params.get("inline_query_id")), None)
                if sent is not None:
                    self.inline_latencies.append(now - sent)
            return
        if call.method != "sendMessage":
            return
        index = int(call.result["chat"]["id"]) - 200_000
        with self.lock:
            if not 0 <= index < len(self.questions) or self.pending[index] <= 0:
                return
            self.pending[index] -= 1
            if self.pending[index]:
                return
            self.latencies.append(now - self.sent_at[index])
            more = self.sent[index] < len(self.questions[index])
            if not more:
                self.finished += 1
                if self.finished == len(self.questions):
                    self.done.set()
        if more:  # the next question at once (not in the server's thread: it holds a lock)
            threading.Thread(target=self.send, args=(index,), daemon=True).start()

    def stream_inline(
        self, index: int, texts: list[str], typing: float, rng: random.Random
    ) -> None:
        """One user typing inline queries until the run is over."""
        user = self.api.user(300_000 + index, f"I{index}", "en")
        while not self.done.is_set():
            words = rng.choice(texts).split()
            for end in range(1, len(words) + 1):
                if self.done.is_set():
                    return
                query_id = self.api.inline_query(user, " ".join(words[:end]))
                with self.lock:
                    self.inline_sent[query_id] = time.perf_counter()
                time.sleep(typing)


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<22} none"
    ms = [v * 1000 for v in values]
    return (
        f"  {label:<22} median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} "
        f"ms, p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms (n={len(ms)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inline-users", type=int, default=50)
    parser.add_argument("--users", type=int, default=50, help="users sending messages")
    parser.add_argument("--messages", type=int, default=10, help="questions per user")
    parser.add_argument("--typing", type=float, default=0.5, help="seconds between queries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)

    print(f"preparing {args.users} users x {args.messages} questions ...", flush=True)
    mix = question_mix(args.users * args.messages, args.seed)
    questions = [mix[i * args.messages : (i + 1) * args.messages] for i in range(args.users)]
    run = Run(BotApiServer(TOKEN).start(), Oracle(), questions)
    inline_texts = [q for q in question_mix(200, args.seed + 1) if 3 <= len(q.split()) <= 12]
    api = run.api
    api.listeners.append(run.on_call)
    tmp = Path(tempfile.mkdtemp(prefix="welcomebot-inline-"))
    proc = start_bot(api, tmp, 0.0)
    try:
        api.wait_method("deleteWebhook", timeout=120)
        time.sleep(1.0)
        # a first question of each kind, so that lazily loaded models are not measured
        # (a short question loads lingua's large models, a few seconds once)
        warm = api.user(199_999, "Warm", "en")
        for text in ("hello, where do I register my address?", "huurtoeslag aanvragen"):
            api.send_text(warm, text, entities=[])
        api.inline_query(warm, "room")
        time.sleep(6.0)
        rng = random.Random(args.seed)
        for i in range(args.inline_users):
            threading.Thread(
                target=run.stream_inline,
                args=(i, inline_texts, args.typing, random.Random(rng.random())),
                daemon=True,
            ).start()
        time.sleep(1.0 if args.inline_users else 0.0)  # inline load running first
        started = time.perf_counter()
        for index in range(args.users):
            run.send(index)
        if not run.done.wait(args.timeout):
            print("timed out", file=sys.stderr)
        elapsed = time.perf_counter() - started
    finally:
        run.done.set()
        if proc.poll() is None:
            stop_bot(proc)
        api.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(
        f"{args.users} users x {args.messages} questions with {args.inline_users} users "
        f"typing inline queries (one every {args.typing} s each), {elapsed:.1f} s"
    )
    print(summary("reply latency", run.latencies))
    print(summary("inline answer latency", run.inline_latencies))
    unanswered = len(run.inline_sent)
    print(f"  inline queries answered {len(run.inline_latencies)}, not answered {unanswered}")
    return 0 if len(run.latencies) == args.users * args.messages else 1


if __name__ == "__main__":
    raise SystemExit(main())
