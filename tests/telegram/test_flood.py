"""The per-user flood limit: past USER_MESSAGES_PER_MINUTE messages a minute, one polite
notice, then silence until the window has room again; other users are not affected."""

from __future__ import annotations

import pytest
from botapi_server import BotApiServer
from tg_support import Driver, sent

from bot.core.config import Settings
from bot.telegram.context import BotApplication
from bot.telegram.handlers.flood import FloodGate

QUESTION = "how do I find a room?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: BotApplication) -> Clock:
    clock = Clock()
    app.bot_data.flood_gate = FloodGate(20, clock=clock)
    return clock


def test_default_limit_is_20_a_minute(settings: Settings) -> None:
    assert settings.user_messages_per_minute == 20


def test_gate_slides_and_gives_one_notice_per_window() -> None:
    clock = Clock()
    gate = FloodGate(3, window=60, clock=clock)
    assert [gate.check(1) for _ in range(6)] == ["pass"] * 3 + ["notice", "drop", "drop"]
    assert gate.check(2) == "pass"  # someone else
    clock.now += 30
    assert gate.check(1) == "drop"
    clock.now += 30  # the first three are a minute old
    assert [gate.check(1) for _ in range(4)] == ["pass"] * 3 + ["notice"]


def test_gate_forgets_idle_users() -> None:
    clock = Clock()
    gate = FloodGate(3, clock=clock)
    for uid in range(999):
        gate.check(uid)
    clock.now += 61
    gate.check(5000)  # the 1000th check sweeps
    assert len(gate) == 1


async def test_one_user_flooding_gets_one_notice_and_others_are_served(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    flooder, other = fake.user(5001), fake.user(5002)
    answers, notices = 0, 0
    for i in range(30):
        replies = sent(await driver.text(flooder, f"{QUESTION} {i}"))
        if i < 20:
            assert replies
            assert "faster than I can read" not in replies[0]["text"]
            answers += 1
        else:
            notices += sum("faster than I can read" in r["text"] for r in replies)
            assert len(replies) <= 1
        if i % 5 == 0:  # the other user is answered all along
            assert sent(await driver.text(other, QUESTION))
    assert (answers, notices) == (20, 1)

    clock.now += 61  # a minute later the flooder is welcome again
    assert "faster" not in sent(await driver.text(flooder, QUESTION))[0]["text"]


async def test_commands_count_too(driver: Driver, fake: BotApiServer, clock: Clock) -> None:
    user = fake.user(5003)
    for _ in range(20):
        assert sent(await driver.text(user, "/help"))
    [notice] = sent(await driver.text(user, "/help"))
    assert "faster than I can read" in notice["text"]
    assert sent(await driver.text(user, "/start")) == []


async def test_the_notice_is_in_the_users_language(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    app_gate = driver.app.bot_data.flood_gate
    app_gate.limit = 1
    user = fake.user(5004, language_code="nl")
    assert sent(await driver.text(user, QUESTION))
    [notice] = sent(await driver.text(user, QUESTION))
    assert notice["text"]  # translated when the catalogue has it; never empty


async def test_button_presses_past_the_limit_are_answered_but_not_acted_on(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.flood_gate.limit = 2
    user = fake.user(5005)
    [menu] = sent(await driver.text(user, "/topics"))
    first = await driver.press(menu, "topic:housing", user)
    assert [c.method for c in first] == ["answerCallbackQuery", "editMessageText"]
    menu = fake.message(5005, menu["message_id"])
    calls = await driver.press(menu, "topics", user)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params.get("show_alert") in (True, "true")
    calls = await driver.press(menu, "topics", user)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not calls[0].params.get("text")


async def test_groups_count_only_what_is_addressed_to_the_bot(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.flood_gate.limit = 2
    group, user = fake.group_chat(), fake.user(5006)
    for _ in range(10):  # chatter among the members: none of it for the bot
        assert sent(await driver.text(user, "see you at the station", chat=group)) == []
    for _ in range(2):
        assert sent(await driver.text(user, f"@leiden_welcome_test_bot {QUESTION}", chat=group))
    [notice] = sent(await driver.text(user, f"@leiden_welcome_test_bot {QUESTION}", chat=group))
    assert "faster than I can read" in notice["text"]


async def test_staff_are_not_limited(
    app: BotApplication, driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.flood_gate.limit = 1
    settings = app.bot_data.settings
    app.bot_data.settings = settings.model_copy(update={"staff_user_ids": "5007"})
    user = fake.user(5007)
    for _ in range(5):
        replies = sent(await driver.text(user, QUESTION))
        assert replies
        assert "faster" not in replies[0]["text"]
