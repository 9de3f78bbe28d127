"""The handlers when things go wrong (stale buttons, errors, old presses) and buttons that
belong to one user in a group, through ``Application.process_update``."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botapi_server import BotApiServer
from handler_support import callback_answer
from staff_support import forge_press
from tg_support import Driver, sent

from bot.core.desk import Desk, Reply
from storage import Storage

# ---------------------------------------------------------------------- failures


async def test_stale_buttons_are_answered_politely(driver: Driver, fake: BotApiServer) -> None:
    user = fake.user()
    [welcome] = sent(await driver.text(user, "/start"))
    for data in ("v0:whatever", "a:no-such-entry", "topic:no-such-topic"):
        with fake.cond:
            fake.messages[(user["id"], welcome["message_id"])]["reply_markup"] = {
                "inline_keyboard": [[{"text": "old", "callback_data": data}]]
            }
        calls = await driver.press(welcome, data, user)
        assert "no longer works" in callback_answer(calls)["text"]
        assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_errors_are_logged_and_the_user_is_told(
    driver: Driver,
    fake: BotApiServer,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> Reply:
        raise RuntimeError("matcher exploded at /secret/path")

    monkeypatch.setattr(desk, "reply", broken)
    [message] = sent(await driver.text(fake.user(), "anything"))
    assert "went wrong" in message["text"]
    assert "secret" not in message["text"]
    [record] = [r for r in caplog.records if r.name == "bot.errors"]
    assert record.exc_info is not None
    assert "anything" not in record.getMessage()
    caplog.clear()  # the driver fixture fails on logged errors otherwise


async def test_logs_hold_no_message_text_at_info(
    driver: Driver, fake: BotApiServer, caplog: pytest.LogCaptureFixture, unanswered_question: Reply
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    await driver.text(fake.user(), unanswered_question.question)
    assert all(
        unanswered_question.question not in r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO
    )


async def test_a_failing_button_is_still_answered_once(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(**kwargs: object) -> None:
        raise RuntimeError("database on fire")

    user = fake.user()
    [picker] = sent(await driver.text(user, "/language"))
    monkeypatch.setattr(storage, "set_language", broken)
    calls = await driver.press(picker, f"lang:fr:{user['id']}", user)
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "went wrong" in calls[1].result["text"]
    assert any(r.name == "bot.errors" and r.exc_info for r in caplog.records)
    caplog.clear()


async def test_a_press_too_old_to_answer_is_still_carried_out(
    driver: Driver, fake: BotApiServer
) -> None:
    user = fake.user()
    [menu] = sent(await driver.text(user, "/topics"))
    fake.enqueue(
        {
            "callback_query": {  # an id the Bot API no longer accepts answers for
                "id": "expired-1",
                "from": user,
                "message": menu,
                "chat_instance": "c",
                "data": "topic:housing",
            }
        }
    )
    calls = await driver.deliver()
    assert [(c.method, c.ok) for c in calls] == [
        ("answerCallbackQuery", False),
        ("editMessageText", True),
    ]
    fake.calls.remove(calls[0])  # the refused answer is the point of this test


# ---------------------------------------------------------------------- buttons have owners


def _alert(fake: BotApiServer, calls: list[Any]) -> dict[str, Any] | None:
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    return fake.callback_queries[answer.params["callback_query_id"]].answer


async def test_someone_elses_forget_confirmation_is_refused_in_a_group(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    group = fake.group_chat()
    alice, bob = fake.user(8101, "Alice"), fake.user(8102, "Bob")
    await storage.set_language(user_id=alice["id"], language="nl")
    await storage.set_language(user_id=bob["id"], language="de")
    [prompt] = sent(await driver.text(alice, "/forget", group))
    calls = await driver.press(prompt, f"forget:yes:{alice['id']}", bob)
    answer = _alert(fake, calls)
    assert answer is not None
    assert answer["show_alert"] is True
    assert not [c for c in calls if c.method in ("editMessageText", "sendMessage")]
    assert await storage.get_language(user_id=bob["id"]) == "de"  # Bob's data stays
    assert await storage.get_language(user_id=alice["id"]) == "nl"  # and so does Alice's
    # an old button without an owner is refused in a group too: nobody can tell whose
    forge_press(fake, prompt, "forget:yes", bob)
    calls = await driver.deliver()
    assert not [c for c in calls if c.method == "editMessageText"]
    assert await storage.get_language(user_id=bob["id"]) == "de"
    # Alice herself can
    calls = await driver.press(prompt, f"forget:yes:{alice['id']}", alice)
    assert [c for c in calls if c.method == "editMessageText"]
    assert await storage.get_language(user_id=alice["id"]) is None


async def test_someone_elses_language_menu_is_refused_in_a_group(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    group = fake.group_chat()
    alice, bob = fake.user(8201, "Alice"), fake.user(8202, "Bob")
    [picker] = sent(await driver.text(alice, "/language", group))
    calls = await driver.press(picker, f"lang:it:{alice['id']}", bob)
    answer = _alert(fake, calls)
    assert answer is not None
    assert answer["show_alert"] is True
    assert not [c for c in calls if c.method == "editMessageText"]
    assert await storage.get_language(user_id=bob["id"]) is None
    assert await storage.get_language(user_id=alice["id"]) is None
    await driver.press(picker, f"lang:it:{alice['id']}", alice)
    assert await storage.get_language(user_id=alice["id"]) == "it"


async def test_an_old_language_button_still_works_in_a_private_chat(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    user = fake.user(8301)
    [picker] = sent(await driver.text(user, "/language"))
    forge_press(fake, picker, "lang:es", user)  # what buttons said before owners were packed
    await driver.deliver()
    assert await storage.get_language(user_id=user["id"]) == "es"
