"""The local Bot API test server refuses what the real Bot API refuses (it is the judge of the
other Telegram tests, so it is tested too), over real HTTP."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botapi_server import ApiError, BotApiServer, parse_html

TOKEN = "123:TEST"


@pytest.fixture
def api() -> Iterator[BotApiServer]:
    server = BotApiServer(TOKEN).start()
    yield server
    server.stop()


def call(
    api: BotApiServer,
    method: str,
    *,
    form: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    token: str = TOKEN,
) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{api.port}/bot{token}/{method}"
    if body is not None:
        data, ctype = json.dumps(body).encode(), "application/json"
    else:
        data = urllib.parse.urlencode(form or {}).encode()
        ctype = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())


def test_get_me_and_auth(api: BotApiServer) -> None:
    status, payload = call(api, "getMe")
    assert status == 200
    assert payload["result"]["is_bot"] is True
    assert call(api, "getMe", token="999:WRONG")[0] == 401
    status, payload = call(api, "noSuchMethod")
    assert (status, payload["description"]) == (404, "Not Found")


def test_send_message_validation(api: BotApiServer) -> None:
    api.private_chat(api.user(5))
    ok = {"chat_id": "5", "text": "<b>hi</b> &amp; bye", "parse_mode": "HTML"}
    status, payload = call(api, "sendMessage", form=ok)
    assert status == 200
    assert payload["result"]["text"] == "hi & bye"
    assert payload["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert call(api, "sendMessage", body={"chat_id": 5, "text": "json body"})[0] == 200
    bad = [
        {"text": "no chat"},
        {"chat_id": "77", "text": "unknown chat"},
        {"chat_id": "5"},
        {"chat_id": "5", "text": "   "},
        {"chat_id": "5", "text": "<b>unclosed", "parse_mode": "HTML"},
        {"chat_id": "5", "text": "<br>", "parse_mode": "HTML"},
        {"chat_id": "5", "text": "a < b", "parse_mode": "HTML"},
        {"chat_id": "5", "text": "x" * 4097},
        {"chat_id": "5", "text": "x", "reply_markup": "{not json"},
        {
            "chat_id": "5",
            "text": "x",
            "reply_markup": json.dumps(
                {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]}
            ),
        },
        {
            "chat_id": "5",
            "text": "x",
            "reply_markup": json.dumps({"inline_keyboard": [[{"text": "b"}]]}),
        },
        {
            "chat_id": "5",
            "text": "x",
            "reply_markup": json.dumps({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}),
        },
    ]
    for form in bad:
        status, payload = call(api, "sendMessage", form=form)
        assert status == 400, form
        assert payload["description"].startswith("Bad Request: ")
    assert call(api, "sendMessage", form={"chat_id": "5", "text": "😀" * 2048})[0] == 200
    assert call(api, "sendMessage", form={"chat_id": "5", "text": "😀" * 2049})[0] == 400


def test_html_parser_rules() -> None:
    assert parse_html('<a href="https://x.org/?a=1&amp;b">l</a>')[1][0]["url"] == (
        "https://x.org/?a=1&b"
    )
    assert parse_html("&#128512;&lt;")[0] == "😀<"
    assert parse_html("AT&T &nbsp;")[0] == "AT&T &nbsp;"
    for text in (
        "<b><i>x</b></i>",
        "</b>",
        '<span class="x">y</span>',
        "<code><b>x</b></code>",
        '<a href="javascript:alert(1)">x</a>',
    ):
        with pytest.raises(ApiError):
            parse_html(text)


def test_edit_and_not_modified(api: BotApiServer) -> None:
    api.private_chat(api.user(5))
    _, sent = call(api, "sendMessage", form={"chat_id": "5", "text": "one"})
    message_id = str(sent["result"]["message_id"])
    edit = {"chat_id": "5", "message_id": message_id, "text": "two"}
    assert call(api, "editMessageText", form=edit)[0] == 200
    status, payload = call(api, "editMessageText", form=edit)
    assert status == 400
    assert "message is not modified" in payload["description"]
    assert call(api, "editMessageText", form={**edit, "message_id": "999"})[0] == 400
    markup = json.dumps({"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]})
    form = {"chat_id": "5", "message_id": message_id, "reply_markup": markup}
    assert call(api, "editMessageReplyMarkup", form=form)[0] == 200
    assert api.message(5, int(message_id))["reply_markup"]["inline_keyboard"][0][0]["text"] == "b"


def test_callback_queries_are_answered_once(api: BotApiServer) -> None:
    user = api.user(5)
    api.private_chat(user)
    markup = json.dumps({"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]})
    _, sent = call(api, "sendMessage", form={"chat_id": "5", "text": "x", "reply_markup": markup})
    with pytest.raises(AssertionError):
        api.press(sent["result"], "not-a-button", user)
    query_id = api.press(sent["result"], "d", user)
    assert call(api, "answerCallbackQuery", form={"callback_query_id": query_id})[0] == 200
    assert call(api, "answerCallbackQuery", form={"callback_query_id": query_id})[0] == 400
    assert call(api, "answerCallbackQuery", form={"callback_query_id": "nope"})[0] == 400


def test_inline_answers_are_checked(api: BotApiServer) -> None:
    query_id = api.inline_query(api.user(5), "q")
    article = {
        "type": "article",
        "id": "1",
        "title": "T",
        "input_message_content": {"message_text": "<b>x</b>", "parse_mode": "HTML"},
    }
    bad = {**article, "input_message_content": {"message_text": "<b>x", "parse_mode": "HTML"}}
    form = {"inline_query_id": query_id, "results": json.dumps([bad])}
    assert call(api, "answerInlineQuery", form=form)[0] == 400
    form["results"] = json.dumps([article, article])
    assert call(api, "answerInlineQuery", form=form)[0] == 400
    form["results"] = json.dumps([article])
    assert call(api, "answerInlineQuery", form=form)[0] == 200
    assert call(api, "answerInlineQuery", form=form)[0] == 400


def test_commands_are_checked(api: BotApiServer) -> None:
    good = json.dumps([{"command": "start", "description": "Start"}])
    assert call(api, "setMyCommands", form={"commands": good, "language_code": "nl"})[0] == 200
    assert (
        call(api, "getMyCommands", form={"language_code": "nl"})[1]["result"][0]["command"]
        == "start"
    )
    for commands in (
        [{"command": "Start", "description": "x"}],
        [{"command": "start", "description": ""}],
    ):
        assert call(api, "setMyCommands", form={"commands": json.dumps(commands)})[0] == 400
    assert call(api, "setMyCommands", form={"commands": good, "language_code": "dutch"})[0] == 400
    assert call(api, "deleteMyCommands", form={"language_code": "nl"})[0] == 200


def test_get_updates_long_polls_and_confirms(api: BotApiServer) -> None:
    started = time.monotonic()
    assert call(api, "getUpdates", form={"timeout": "1"})[1]["result"] == []
    assert time.monotonic() - started >= 0.9

    user = api.user(5)
    threading.Timer(0.3, lambda: api.send_text(user, "/start")).start()
    started = time.monotonic()
    [update] = call(api, "getUpdates", form={"timeout": "10"})[1]["result"]
    assert time.monotonic() - started < 5
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    offset = str(update["update_id"] + 1)
    assert call(api, "getUpdates", form={"offset": offset, "timeout": "0"})[1]["result"] == []


def test_webhook_blocks_get_updates(api: BotApiServer) -> None:
    assert (
        call(api, "setWebhook", form={"url": "https://example.org/h", "secret_token": "ok_1"})[0]
        == 200
    )
    assert call(api, "getUpdates")[0] == 409
    assert call(api, "getWebhookInfo")[1]["result"]["url"] == "https://example.org/h"
    assert (
        call(
            api, "setWebhook", form={"url": "https://example.org/h", "secret_token": "bad secret"}
        )[0]
        == 400
    )
    assert call(api, "deleteWebhook")[0] == 200
    assert call(api, "getUpdates")[0] == 200
    assert call(api, "sendChatAction", form={"chat_id": "5", "action": "typing"})[0] == 400
    api.private_chat(api.user(5))
    assert call(api, "sendChatAction", form={"chat_id": "5", "action": "typing"})[0] == 200
    assert call(api, "sendChatAction", form={"chat_id": "5", "action": "dancing"})[0] == 400
    assert call(api, "close")[0] == 200
    assert call(api, "logOut")[0] == 200
