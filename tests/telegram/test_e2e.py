"""End to end: ``welcomebot run`` (as ``python -m bot run``) in a subprocess, against the local
Bot API test server over HTTP, driven the way a user drives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botapi_server import BotApiServer, Call, parse_html
from e2e_support import (
    ROOT,
    SECRET,
    START_TIMEOUT,
    TOKEN,
    BotProcess,
    bot_database,
    bot_env,
    button_data,
    edited_in,
    eventually,
    free_port,
    running_bot,
    sent_to,
    wait_call,
)

from bot.core import i18n
from bot.core.desk import Desk
from bot.telegram import callback_data as cb
from storage import Storage

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def api() -> Iterator[BotApiServer]:
    server = BotApiServer(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def polling_bot(api: BotApiServer, e2e_dir: Path) -> Iterator[BotProcess]:
    """The bot in long-polling mode, up once getUpdates is called."""
    with running_bot(api, bot_env(api, e2e_dir), e2e_dir) as bot:
        yield bot


@pytest.fixture
async def db(e2e_dir: Path) -> Any:
    """The bot's database, opened by the test (its own spool directory)."""
    async with bot_database(e2e_dir) as store:
        yield store


# ---------------------------------------------------------------------- polling


def test_start_up_registers_commands(api: BotApiServer, polling_bot: BotProcess) -> None:
    calls = [c for c in api.calls if c.method == "setMyCommands"]
    assert {c.params.get("language_code") for c in calls} == {
        None,
        "en",
        "nl",
        "de",
        "es",
        "fr",
        "it",
        "zh",
    }
    delete = [c for c in api.calls if c.method == "deleteWebhook"]
    assert delete
    assert delete[0].params.get("drop_pending_updates") in (None, "false", False)


def test_start_topic_question_answer(api: BotApiServer, polling_bot: BotProcess) -> None:
    user = api.user(2001, "Mei", "zh-hans")
    mark = api.mark()
    api.send_text(user, "/start")
    welcome = wait_call(api, polling_bot, sent_to(2001), since=mark).result
    assert "topic:housing" in button_data(welcome)

    mark = api.mark()
    api.press(welcome, "topic:housing", user)
    menu = wait_call(api, polling_bot, edited_in(2001), since=mark).result
    assert menu["message_id"] == welcome["message_id"]
    question = next(d for d in button_data(menu) if d.startswith("ta:"))
    assert question.endswith(":zh")

    mark = api.mark()
    api.press(menu, question, user)
    answer = wait_call(api, polling_bot, edited_in(2001), since=mark).result
    assert answer["message_id"] == welcome["message_id"]
    assert "topic:housing" in button_data(answer)
    answered = [c for c in api.calls[mark:] if c.method == "answerCallbackQuery"]
    assert answered


async def test_question_answer_and_thumbs_down_is_stored(
    api: BotApiServer, polling_bot: BotProcess, desk: Desk, db: Storage
) -> None:
    user = api.user(2002, "Lars", "nl")
    question = desk.tree.entries["housing-scams"].translations["en"].title
    mark = api.mark()
    api.send_text(user, question)
    answer = wait_call(api, polling_bot, sent_to(2002), since=mark).result
    assert "fb:housing-scams:en:0" in button_data(answer)

    mark = api.mark()
    query_id = api.press(answer, "fb:housing-scams:en:0", user)
    wait_call(
        api,
        polling_bot,
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    since = datetime.now(UTC) - timedelta(hours=1)
    summary = await eventually(lambda: db.feedback_summary(since=since))
    assert summary == [("housing-scams", 0, 1)]

    mark = api.mark()
    query_id = api.press(answer, "fb:housing-scams:en:1", user)
    again = wait_call(
        api,
        polling_bot,
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id,
        since=mark,
    )
    # the notification is in the user's language (Telegram says nl)
    assert again.params["text"] == i18n.gettext(
        "nl", "You already gave feedback on this answer. Thank you!"
    )
    assert await db.feedback_summary(since=since) == [("housing-scams", 0, 1)]


async def test_unanswerable_question_is_logged(
    api: BotApiServer, polling_bot: BotProcess, db: Storage
) -> None:
    user = api.user(2003)
    text = "qwertzuiop asdfghjkl yxcvbnm"
    mark = api.mark()
    api.send_text(user, text)
    reply = wait_call(api, polling_bot, sent_to(2003), since=mark).result
    assert button_data(reply)[-1] == "human"
    assert "topic:eduroam" in button_data(reply)  # what the bot can help with

    async def logged() -> bool:
        return any(r.text == text for r in await db.unanswered_rows())

    assert await eventually(logged)


def test_crisis_message_gets_113_first(api: BotApiServer, polling_bot: BotProcess) -> None:
    user = api.user(2004)
    mark = api.mark()
    api.send_text(user, "i dont want to live anymore, i want to kill myself")
    first = wait_call(
        api, polling_bot, lambda c: c.method not in ("getUpdates", "sendChatAction"), since=mark
    )
    assert first.method == "sendMessage"
    assert first.result["chat"]["id"] == 2004
    assert "113" in first.result["text"]


def test_clarify_then_suggestion(api: BotApiServer, polling_bot: BotProcess, desk: Desk) -> None:
    question = next(
        q
        for q in ("housing", "registration", "appointment", "room", "permit")
        if desk.reply(q, preferred_language="en").kind == "clarify"
    )
    reply = desk.reply(question, preferred_language="en")
    user = api.user(2005)
    mark = api.mark()
    api.send_text(user, question)
    message = wait_call(api, polling_bot, sent_to(2005), since=mark).result
    assert button_data(message)[-1] == "none"
    pick = reply.suggestions[0]
    mark = api.mark()
    api.press(message, cb.encode("clarify", pick, language=reply.language), user)
    shown = wait_call(api, polling_bot, edited_in(2005), since=mark).result
    assert f"fb:{pick}:{reply.language}:1" in button_data(shown)
    assert "none" not in button_data(shown)
    assert shown["text"] == parse_html(desk.entry_reply(pick, reply.language).text)[0].strip()


def test_inline_query_is_answered(api: BotApiServer, polling_bot: BotProcess) -> None:
    query_id = api.inline_query(api.user(2006), "eduroam")
    wait_call(
        api,
        polling_bot,
        lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == query_id,
    )
    answer = api.inline_queries[query_id].answer
    assert answer is not None
    assert answer["results"]
    assert all(r["type"] == "article" for r in answer["results"])


def test_sticker_gets_the_text_only_reply(api: BotApiServer, polling_bot: BotProcess) -> None:
    user = api.user(2007)
    mark = api.mark()
    api.send_message_update(
        user,
        sticker={
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    )
    reply = wait_call(api, polling_bot, sent_to(2007), since=mark).result
    assert "text" in reply["text"]


# ---------------------------------------------------------------------- webhook


def _http(
    method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _start_webhook_bot(api: BotApiServer, tmp_path: Path) -> tuple[BotProcess, int, Call]:
    """The bot in webhook mode on a free port (another one if that was taken meanwhile)."""
    for _attempt in range(3):
        port = free_port()
        env = bot_env(
            api,
            tmp_path,
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
            WEBHOOK_SECRET="hook_secret-42",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
        )
        bot = BotProcess(env, tmp_path, "--webhook")
        try:
            return (
                bot,
                port,
                wait_call(api, bot, lambda c: c.method == "setWebhook", timeout=START_TIMEOUT),
            )
        except AssertionError:
            bot.stop()
            if "Address already in use" not in bot.output():
                raise
    raise AssertionError("no free port for the webhook")


def test_webhook_mode(tmp_path: Path) -> None:
    api = BotApiServer(TOKEN).start()
    bot, port, set_hook = _start_webhook_bot(api, tmp_path)
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    try:
        assert set_hook.params["url"] == hook
        assert set_hook.params["secret_token"] == "hook_secret-42"
        assert _http("GET", f"http://127.0.0.1:{port}/healthz") == 200

        user = api.user(3001)
        chat = api.private_chat(user)
        update = {
            "update_id": 99,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": chat,
                "from": user,
                "text": "hello",
            },
        }
        mark = api.mark()
        assert _http("POST", hook, update) == 403
        assert _http("POST", hook, update, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
        time.sleep(0.5)
        assert api.sent_since(mark, 3001) == []
        assert (
            _http("POST", hook, update, {"X-Telegram-Bot-Api-Secret-Token": "hook_secret-42"})
            == 200
        )
        wait_call(api, bot, sent_to(3001), since=mark)

        # and the way Telegram does it: the server POSTs a queued update to the webhook
        mark = api.mark()
        api.send_text(user, "/start")
        welcome = wait_call(api, bot, sent_to(3001), since=mark).result
        assert "topic:housing" in button_data(welcome)
        assert api.webhook_error is None
        assert not any(c.method == "getUpdates" for c in api.calls)
    finally:
        code = bot.stop()
        api.stop()
    assert code == 0, bot.output()
    assert not api.errors(), [(c.method, c.error) for c in api.errors()]


# ---------------------------------------------------------------------- bad settings


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, (), "TELEGRAM_BOT_TOKEN"),
        ({"HASH_SECRET": ""}, (), "HASH_SECRET"),
        ({}, ("--webhook",), "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "https://example.org/hook"}, ("--webhook",), "WEBHOOK_SECRET"),
    ],
)
def test_bad_settings_exit_2_with_one_line(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
    full.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "HASH_SECRET": SECRET,
            "DATA_DIR": str(tmp_path),
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        cwd=tmp_path,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


@pytest.mark.parametrize("args", [(), ("--webhook",)])
def test_a_token_the_bot_api_rejects_is_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    api = BotApiServer(TOKEN).start()
    try:
        env = bot_env(
            api,
            tmp_path,
            TELEGRAM_BOT_TOKEN="999:REVOKED",
            WEBHOOK_URL="https://example.org/hook",
            WEBHOOK_SECRET="s",
            WEBHOOK_PORT=str(free_port()),
            WEBHOOK_LISTEN="127.0.0.1",
        )
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        api.stop()
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "rejected TELEGRAM_BOT_TOKEN" in line
    assert "REVOKED" not in result.stderr
