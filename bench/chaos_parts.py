"""Parts of ``bench/chaos.py``: a PostgreSQL of its own that can be stopped, the relay
between the Bot API test server and the bot (the reverse proxy's place) that notes each
delivery of an update, and the figures drawn from those deliveries and the database."""

from __future__ import annotations

import bisect
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
from botapi_server import BotApiServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"chaos: {name} not found (install PostgreSQL's server binaries)")


class PrivatePostgres:
    """A PostgreSQL cluster in ``directory`` on a free port (trust authentication, user
    ``postgres``, database ``postgres``). Run as root, the server runs as the ``postgres``
    user (``initdb`` refuses root)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = [_pg_bin("runuser"), "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self._as, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def init(self) -> None:
        self.directory.mkdir()
        if self._as:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            _pg_bin("initdb"), "-D", str(self.directory), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.directory), "-l", str(self.directory / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.directory / "postmaster.pid").exists():
            self._run(_pg_bin("pg_ctl"), "-D", str(self.directory), "-m", "fast", "-w", "stop")


@dataclass
class Attempt:
    """One POST of an update to the bot, and how it ended (status 0: no answer)."""

    update_id: int
    chat: int
    start: float
    end: float = 0.0
    status: int = 0


class Relay:
    """Forwards the test server's webhook POSTs to the bot on ``target_port`` (502 while it
    is down) and notes each one."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._lock = threading.Lock()
        self._attempts: list[Attempt] = []
        self._done: set[int] = set()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = relay.forward(body, dict(self.headers))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def forward(self, body: bytes, headers: dict[str, str]) -> int:
        update = json.loads(body)
        message = update.get("message") or {}
        attempt = Attempt(
            update["update_id"], (message.get("chat") or {}).get("id", 0), time.monotonic()
        )
        with self._lock:
            self._attempts.append(attempt)
        conn = http.client.HTTPConnection("127.0.0.1", self.target_port, timeout=60)
        try:
            keep = {
                k: v
                for k, v in headers.items()
                if k.lower().startswith(("content-type", "x-telegram"))
            }
            conn.request("POST", "/", body=body, headers=keep)
            attempt.status = conn.getresponse().status
        except OSError:
            attempt.status = 502
        finally:
            conn.close()
            attempt.end = time.monotonic()
        if attempt.status == 200:
            with self._lock:
                self._done.add(attempt.update_id)
        return attempt.status

    def acknowledged(self) -> int:
        """How many different updates the bot has answered 200."""
        with self._lock:
            return len(self._done)

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)


# ---------------------------------------------------------------------- the figures


def answers(api: BotApiServer, attempts: list[Attempt]) -> tuple[dict[int, int], int]:
    """Per update, how many deliveries of it produced a reply; and the replies that fell in
    no delivery of their chat's update (should be none)."""
    ordered = sorted(attempts, key=lambda a: a.start)
    starts = [a.start for a in ordered]
    replied: dict[int, set[int]] = defaultdict(set)
    stray = 0
    with api.cond:
        calls = [c for c in api.calls if c.ok and c.method == "sendMessage"]
    for call in calls:
        i = bisect.bisect_right(starts, call.at) - 1  # deliveries are one at a time
        if i < 0 or ordered[i].chat != call.result["chat"]["id"]:
            stray += 1
            continue
        replied[ordered[i].update_id].add(i)
    return {u: len(s) for u, s in replied.items()}, stray


def exposure(api: BotApiServer, attempts: list[Attempt]) -> dict[str, float]:
    """Of the deliveries answered 200: how long the bot took, and how long of that came
    after the last reply went out (a SIGKILL then makes the update's answer a double)."""
    ordered = sorted(attempts, key=lambda a: a.start)
    starts = [a.start for a in ordered]
    last: dict[int, float] = {}
    with api.cond:
        calls = [c for c in api.calls if c.ok and c.method == "sendMessage"]
    for call in calls:
        i = bisect.bisect_right(starts, call.at) - 1
        if i >= 0:
            last[i] = max(last.get(i, 0.0), call.at)
    spans = [(ordered[i].end - ordered[i].start, ordered[i].end - at) for i, at in last.items()]
    spans = [(total, after) for total, after in spans if ordered and total > 0]
    if not spans:
        return {}
    totals, afters = sorted(t for t, _ in spans), sorted(a for _, a in spans)
    return {
        "delivery_ms_p50": round(1000 * totals[len(totals) // 2], 1),
        "after_reply_ms_p50": round(1000 * afters[len(afters) // 2], 1),
        "after_reply_share": round(sum(afters) / sum(totals), 3),
    }


async def stored(pg: PrivatePostgres) -> tuple[Counter[str], int]:
    conn = await asyncpg.connect(
        host="127.0.0.1", port=pg.port, user="postgres", database="postgres"
    )
    try:
        rows = Counter(r["text"] for r in await conn.fetch("SELECT text FROM unanswered_questions"))
        counted = await conn.fetchval("SELECT coalesce(sum(count), 0) FROM daily_counters")
    finally:
        await conn.close()
    return rows, int(counted)
