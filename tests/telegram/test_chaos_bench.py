"""``bench/chaos.py``: how it tells a reply from a duplicate, and a tiny run of it (a smoke
test of its shape and of the invariants that hold at any size, not a timing test)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botapi_server import BotApiServer, Call

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from chaos_parts import Attempt, answers  # noqa: E402


def _reply(chat: int, at: float) -> Call:
    return Call("sendMessage", {"chat_id": chat}, True, {"chat": {"id": chat}}, at=at)


def test_replies_are_counted_per_delivery_of_their_update() -> None:
    api = BotApiServer("1:X")
    attempts = [
        Attempt(1, 11, start=1.0, end=1.5, status=200),  # answered once (two parts)
        Attempt(2, 12, start=2.0, end=2.2, status=0),  # replied, killed before the 200
        Attempt(2, 12, start=3.0, end=3.5, status=200),  # ... and replied again
        Attempt(3, 13, start=4.0, end=4.1, status=0),  # killed before replying
        Attempt(3, 13, start=5.0, end=5.5, status=200),
    ]
    api.calls = [
        _reply(11, 1.2),
        _reply(11, 1.3),
        _reply(12, 2.1),
        _reply(12, 3.1),
        _reply(13, 5.2),
        _reply(99, 5.3),  # in no delivery of its chat's update
    ]
    replied, stray = answers(api, attempts)
    assert replied == {1: 1, 2: 2, 3: 1}
    assert stray == 1


def _postgres_server() -> None:
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return
    if any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    message = "initdb/pg_ctl not found: the chaos bench starts a PostgreSQL of its own"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.e2e
def test_a_tiny_chaos_run() -> None:
    """30 messages, one SIGKILL, PostgreSQL down for a second: every message answered, no
    record lost or doubled, and the figures the README quotes are all there."""
    _postgres_server()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "chaos.py"),
            *("--messages", "30", "--users", "5", "--kills", "1", "--outage", "1"),
            *("--seed", "3", "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    for label in (
        "answered at least once",
        "answered more than once",
        "records kept",
        "records lost",
        "records doubled",
    ):
        assert label in out
    figures = json.loads(out[out.index("\n{") : out.rindex("}") + 1])
    assert figures["messages"] == 30
    assert figures["answered_at_least_once"] == 30
    assert figures["answered_more_than_once"] <= 1  # only what was in flight at the kill
    assert figures["records_tracked"] == 15
    assert figures["records_kept"] == 15
    assert figures["records_lost"] == figures["records_doubled"] == 0
    assert figures["counted_messages"] == 30
    assert figures["bot_starts"] >= 2
    assert any("SIGKILL" in e for e in figures["events"])
    assert any("PostgreSQL stopped" in e for e in figures["events"])
