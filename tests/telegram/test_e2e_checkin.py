"""End to end: the check-in's two buttons with ``welcomebot run`` in a subprocess against the
local Bot API test server, in all seven languages, across a restart of the bot (the buttons
carry no user text and the bot keeps none: the question comes back from Telegram with the
press). Messages written for this test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botapi_server import BotApiServer, parse_html
from e2e_support import TOKEN, BotProcess, bot_env, button_data, running_bot, sent_to, wait_call

from bot.core.desk import Desk
from bot.telegram import callback_data as cb

pytestmark = pytest.mark.e2e

CHECKINS = {
    "en": "I can't do this anymore, how do I find a room?",
    "nl": "ik kan het niet meer, hoe vind ik een kamer?",
    "de": "ich kann nicht mehr, wie finde ich ein Zimmer?",
    "es": "ya no puedo más, ¿cómo encuentro una habitación?",
    "fr": "je n'en peux plus, comment trouver un logement ?",
    "it": "non ce la faccio più, come trovo una stanza?",
    "zh": "我真的受不了了。国际学生怎么在莱顿找房间？",
}
#: pressed "I'm not safe right now" (the others press "I'm OK, I had a question")
UNSAFE = ("de", "zh")


@pytest.fixture(scope="module")
def api() -> Iterator[BotApiServer]:
    server = BotApiServer(TOKEN).start()
    yield server
    server.stop()


def _labels(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


def _press(api: BotApiServer, bot: BotProcess, message: dict[str, Any], data: str) -> Any:
    chat = message["chat"]["id"]
    mark = api.mark()
    api.press(api.message(chat, message["message_id"]), data, api.user(chat, language_code="en"))
    return wait_call(api, bot, sent_to(chat), since=mark).result


def test_checkin_buttons_in_seven_languages_across_a_restart(
    api: BotApiServer, desk: Desk, tmp_path: Path
) -> None:
    env = bot_env(api, tmp_path)
    checkins: dict[str, dict[str, Any]] = {}
    with running_bot(api, env, tmp_path) as bot:
        for i, (lang, text) in enumerate(CHECKINS.items()):
            user = api.user(4100 + i, language_code="en")
            mark = api.mark()
            api.send_text(user, text)
            message = wait_call(api, bot, sent_to(user["id"]), since=mark).result
            expected = desk.reply(text, preferred_language="en")
            assert expected.kind == "checkin", (lang, expected.kind)
            assert _labels(message) == [c.label for c in expected.choices], lang
            assert button_data(message) == [cb.checkin("unsafe", lang), cb.checkin("ok", lang)]
            assert "113" in message["text"]
            assert "112" in message["text"]
            checkins[lang] = message
        # one press before the restart
        answer = _press(api, bot, checkins["en"], cb.checkin("ok", "en"))
        assert "fb:housing-find-room:en:1" in button_data(answer)

    # a new process: nothing in memory, the buttons still work
    with running_bot(api, env, tmp_path) as bot:
        for lang, message in checkins.items():
            if lang == "en":
                continue
            if lang in UNSAFE:
                crisis = _press(api, bot, message, cb.checkin("unsafe", lang))
                reply = desk.checkin_unsafe(CHECKINS[lang], preferred_language="en")
                assert reply.language == lang
                assert "0800-0113" in crisis["text"]
                assert "112" in crisis["text"]
                assert button_data(crisis) == []
                assert crisis["text"].startswith(parse_html(reply.text)[0][:40]), lang
            else:
                answer = _press(api, bot, message, cb.checkin("ok", lang))
                assert f"fb:housing-find-room:{lang}:1" in button_data(answer), lang
                assert not any(d.startswith(("cl:", "none")) for d in button_data(answer))
            pressed = api.message(message["chat"]["id"], message["message_id"])
            assert "reply_markup" not in pressed  # the buttons went with the press
