"""Security: no message text in the logs at INFO or above, nothing about the bot's insides in
what users are told, the webhook refuses requests without the secret token, and the bot
does not run without HASH_SECRET."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest
from botapi_server import BotApiServer
from pydantic import SecretStr
from sqlalchemy.exc import OperationalError
from tg_support import Driver, sent
from tornado.httpserver import HTTPServer

from bot.core.config import Settings
from bot.core.desk import Desk, Reply
from bot.telegram.context import BotApplication
from bot.telegram.handlers.flood import FloodGate
from bot.telegram.run import SECRET_HEADER, settings_problem, webhook_app
from storage import Storage

MARKER = "Xylophone7Marker"
GENERIC = "Sorry, something went wrong on my side. Please try again in a moment."


def _formatted(record: logging.LogRecord) -> str:
    """The record as a log file would hold it, traceback included."""
    return logging.Formatter("%(name)s %(message)s").format(record)


async def test_no_message_text_in_logs_at_info(
    driver: Driver,
    fake: BotApiServer,
    desk: Desk,
    storage: Storage,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A whole conversation with every path that logs; the user's words appear in no
    record at INFO or above (DEBUG is for developers on their own machine)."""
    caplog.set_level(logging.DEBUG)
    driver.app.bot_data.flood_gate = FloodGate(8)
    user, group = fake.user(8001), fake.group_chat()
    await driver.text(user, f"{MARKER} qwertzuiop asdfghjkl")  # unanswered, recorded
    await driver.text(user, f"how do I find a room {MARKER}")
    clarify = next(
        q for q in ("housing", "registration", "room", "permit") if desk.reply(q).kind == "clarify"
    )
    [did_you_mean] = sent(await driver.text(user, f"{clarify} {MARKER}"))
    await driver.press(did_you_mean, "none", user)  # "none of these": recorded
    await driver.text(user, f"@leiden_welcome_test_bot {MARKER} eduroam", chat=group)
    fake.inline_query(user, f"{MARKER} eduroam")
    await driver.deliver()
    await driver.text(user, f"/start {MARKER}")
    await driver.text(user, f"/nonsense {MARKER}")

    def broken(text: str, **kwargs: object) -> Reply:
        raise RuntimeError("the matcher failed")

    with monkeypatch.context() as patch:
        patch.setattr(desk, "reply", broken)
        await driver.text(user, f"crash {MARKER}")  # the error handler logs a traceback
    for _ in range(5):  # past the flood limit: the notice path
        await driver.text(user, f"flood {MARKER}")
    assert await storage.flush(10)

    leaks = [
        _formatted(r)
        for r in caplog.records
        if r.levelno >= logging.INFO and MARKER in _formatted(r)
    ]
    assert leaks == []
    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # the crash was logged
    caplog.clear()


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("failed at /srv/welcomebot/bot/desk.py line 42 with token 123:TEST"),
        OperationalError(
            "INSERT INTO unanswered_questions (text) VALUES (?)",
            {"text": "secret question"},
            Exception("could not connect to postgresql://welcomebot:hunter2@db:5432/welcomebot"),
        ),
        KeyError("housing-scams"),
    ],
)
async def test_users_are_told_nothing_about_an_error(
    driver: Driver,
    fake: BotApiServer,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    def broken(text: str, **kwargs: object) -> Reply:
        raise error

    monkeypatch.setattr(desk, "reply", broken)
    [message] = sent(await driver.text(fake.user(8002), "how do I find a room?"))
    assert message["text"] == GENERIC
    caplog.clear()


async def test_a_failing_button_tells_nothing_either(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(**kwargs: object) -> None:
        raise OperationalError("UPDATE x", {}, Exception("password=hunter2"))

    user = fake.user(8003)
    [picker] = sent(await driver.text(user, "/language"))
    monkeypatch.setattr(storage, "set_language", broken)
    calls = await driver.press(picker, f"lang:de:{user['id']}", user)
    texts = [str(c.params.get("text") or "") for c in calls]
    assert GENERIC in texts
    assert not any("hunter2" in t or "UPDATE" in t for t in texts)
    caplog.clear()


# ---------------------------------------------------------------------- the webhook


@pytest.fixture
async def webhook(app: BotApplication) -> tuple[str, BotApplication]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    server = HTTPServer(webhook_app(app, "right_secret-1"))
    server.add_sockets([sock])
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    server.stop()
    await server.close_all_connections()


async def test_webhook_refuses_requests_without_the_secret_token(
    webhook: tuple[str, BotApplication], fake: BotApiServer
) -> None:
    base, app = webhook
    user = fake.user(8004)
    update = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": fake.private_chat(user),
            "from": user,
            "text": "hi",
        },
    }
    body = json.dumps(update)
    async with httpx.AsyncClient() as client:
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: "right_secret-10"}):
            response = await client.post(f"{base}/hook", content=body, headers=headers)
            assert response.status_code == 403
            assert "Traceback" not in response.text
        assert app.update_queue.qsize() == 0
        ok = await client.post(
            f"{base}/hook", content=body, headers={SECRET_HEADER: "right_secret-1"}
        )
        # the right secret, but the application is not running: Telegram is asked to retry
        # (nothing is accepted that would be lost in memory)
        assert ok.status_code == 503
        assert app.update_queue.qsize() == 0
        bad = await client.post(
            f"{base}/hook", content="not json", headers={SECRET_HEADER: "right_secret-1"}
        )
        assert bad.status_code == 400
        health = await client.get(f"{base}/healthz")
        assert health.status_code == 503  # the application is not started in this test


def test_the_bot_does_not_run_without_hash_secret(settings: Settings) -> None:
    assert settings_problem(settings, webhook=False) is None
    for missing in (None, "", "   "):
        problem = settings_problem(
            settings.model_copy(
                update={"hash_secret": None if missing is None else SecretStr(missing)}
            ),
            webhook=False,
        )
        assert problem is not None
        assert "HASH_SECRET" in problem


async def test_webhook_answers_wrong_bodies_with_the_right_status(
    webhook: tuple[str, BotApplication], caplog: pytest.LogCaptureFixture
) -> None:
    base, app = webhook
    headers = {SECRET_HEADER: "right_secret-1"}
    deep = "[" * 100_000 + "]" * 100_000
    nested_update = '{"update_id": 1, "message": ' + "{" + '"a":' * 50_000 + "1" + "}" * 50_001
    async with httpx.AsyncClient(timeout=30) as client:
        big = await client.post(f"{base}/hook", content=b"x" * (5 * 1024 * 1024), headers=headers)
        assert big.status_code == 413
        for body in (
            deep,
            nested_update,
            '{"update_id": "one"}',
            '{"message": {"text": "no update id"}}',
            '{"update_id": 2, "message": {"message_id": 1, "date": 0, "text": "no chat"}}',
            "[]",
            "",
        ):
            response = await client.post(f"{base}/hook", content=body, headers=headers)
            assert response.status_code == 400, body[:40]
            assert "Traceback" not in response.text
        # the connection is still good for the next request
        ok = await client.post(f"{base}/hook", content='{"update_id": 3}', headers=headers)
        assert ok.status_code == 503  # a good update, but the application is not running
    assert app.update_queue.qsize() == 0
    assert not [r for r in caplog.records if r.exc_info]
