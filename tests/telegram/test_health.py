"""``welcomebot health``: the heartbeat the running bot writes, and the check that reads it."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botapi_server import BotApiServer
from tg_support import HASH_SECRET, TOKEN

from bot.cli.main import main
from bot.core.config import Settings, SettingsError, load_settings
from bot.core.desk import Desk
from bot.telegram import health
from bot.telegram.app import build_application
from bot.telegram.run import serve
from storage import Storage


def _write(
    settings: Settings, *, age: float, mode: str = "polling", port: int | None = None
) -> None:
    health.write_heartbeat(
        health.heartbeat_path(settings),
        health.Heartbeat(
            time.time() - age, os.getpid(), mode, "127.0.0.1", port, settings.replica_id
        ),
    )


def test_fresh_heartbeat_is_healthy(settings: Settings) -> None:
    _write(settings, age=5)
    healthy, message = health.check(settings)
    assert healthy, message
    assert "polling" in message


def test_stale_missing_or_broken_heartbeat_is_not(settings: Settings) -> None:
    assert health.check(settings)[0] is False  # missing
    _write(settings, age=health.MAX_AGE + 1)
    healthy, message = health.check(settings)
    assert not healthy
    assert "old" in message
    health.heartbeat_path(settings).write_text("{not json", encoding="utf-8")
    assert health.check(settings)[0] is False
    health.heartbeat_path(settings).write_text("[1, 2]", encoding="utf-8")
    assert health.check(settings)[0] is False


def test_each_replica_checks_its_own_heartbeat(settings: Settings) -> None:
    """Two replicas on one volume: a fresh beat of one does not make the other healthy."""
    one = settings.model_copy(update={"replica_id": "bot-1"})
    two = settings.model_copy(update={"replica_id": "bot-2"})
    assert health.heartbeat_path(one) != health.heartbeat_path(two)
    assert health.heartbeat_path(one).parent == settings.data_dir
    _write(one, age=1)
    assert health.check(one)[0] is True
    healthy, message = health.check(two)
    assert not healthy
    assert "no heartbeat" in message
    _write(two, age=health.MAX_AGE + 1)  # replica two's job queue stopped beating
    assert health.check(two)[0] is False
    assert health.check(one)[0] is True


def test_a_heartbeat_naming_another_replica_does_not_count(settings: Settings) -> None:
    other = settings.model_copy(update={"replica_id": "bot-2"})
    _write(other, age=1)
    health.heartbeat_path(other).rename(health.heartbeat_path(settings))
    healthy, message = health.check(settings)
    assert not healthy
    assert "bot-2" in message


def test_the_shared_file_of_older_versions_counts_only_without_an_own_one(
    settings: Settings,
) -> None:
    """``DATA_DIR/heartbeat`` as versions before per-replica files wrote it (no replica)."""
    shared = health.shared_heartbeat_path(settings)
    shared.parent.mkdir(parents=True, exist_ok=True)
    shared.write_text(json.dumps({"time": time.time(), "pid": 1, "mode": "polling"}))
    assert health.check(settings)[0] is True
    _write(settings, age=health.MAX_AGE + 1)  # this replica's own, stale, decides
    assert health.check(settings)[0] is False
    health.heartbeat_path(settings).unlink()
    shared.write_text(  # a shared file that names another replica does not count either
        json.dumps({"time": time.time(), "pid": 1, "mode": "polling", "replica": "bot-2"})
    )
    assert health.check(settings)[0] is False


def test_replica_id_defaults_to_the_host_name_and_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPLICA_ID", raising=False)
    assert load_settings(_env_file=None, data_dir=tmp_path).replica_id == socket.gethostname()
    monkeypatch.setenv("REPLICA_ID", "bot-7")
    assert load_settings(_env_file=None, data_dir=tmp_path).replica_id == "bot-7"
    for bad in ("../escape", "a/b", "", ".hidden"):
        monkeypatch.setenv("REPLICA_ID", bad)
        with pytest.raises(SettingsError, match="REPLICA_ID"):
            load_settings(_env_file=None, data_dir=tmp_path)


class _Healthz(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def healthz() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    _Healthz.status = 200


def test_webhook_mode_also_asks_healthz(
    settings: Settings, healthz: http.server.HTTPServer
) -> None:
    port = int(healthz.server_address[1])
    _write(settings, age=1, mode="webhook", port=port)
    assert health.check(settings)[0] is True
    _Healthz.status = 503
    healthy, message = health.check(settings)
    assert not healthy
    assert "503" in message
    healthz.shutdown()
    healthz.server_close()
    assert health.check(settings)[0] is False


def test_webhook_flag_checks_healthz_on_webhook_port(settings: Settings) -> None:
    _write(settings, age=1)  # a polling heartbeat, but --webhook asked for /healthz
    with_port = settings.model_copy(update={"webhook_port": 9, "webhook_listen": "127.0.0.1"})
    assert health.check(with_port)[0] is True
    assert health.check(with_port, webhook=True)[0] is False


def test_cli_exit_codes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.chdir(settings.data_dir.parent)
    assert main(["health"]) == 1
    assert "no heartbeat" in capsys.readouterr().err
    _write(settings, age=10)
    assert main(["health"]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    assert main(["health", "--max-age", "5"]) == 1


async def test_the_running_bot_beats_and_stops_beating(tmp_path: Path, desk: Desk) -> None:
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
    app = build_application(settings, desk=desk, storage=storage)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, webhook=False, stop=stop))
    path = health.heartbeat_path(settings)
    try:
        async with asyncio.timeout(30):
            while not (path.exists() and json.loads(path.read_text())["mode"] == "polling"):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert health.check(settings) == (True, health.check(settings)[1])
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        await storage.close()
        api.stop()
    assert not path.exists()
    assert health.check(settings)[0] is False
