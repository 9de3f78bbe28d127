"""The per-user flood limits: texts past USER_MESSAGES_PER_MINUTE are skipped but never in
silence (a notice at once, then one after the later ones), button presses have a limit of
their own, confirmations are never limited, and other users are not affected."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botapi_server import BotApiServer
from tg_support import Driver, data_of, sent

from bot.core.config import Settings
from bot.telegram.context import BotApplication
from bot.telegram.handlers.flood import FloodGate

QUESTION = "how do I find a room?"
FAST = "faster than I can read"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Gate:
    """Trailing notices wait for the test to release them (no real sleeping)."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        await self.released.wait()


@pytest.fixture
def clock(app: BotApplication) -> Clock:
    clock = Clock()
    app.bot_data.flood_gate = FloodGate(20, clock=clock, sleep=Gate().sleep)
    app.bot_data.button_gate = FloodGate(120, clock=clock)
    return clock


async def _trailing(
    app: BotApplication, fake: BotApiServer, user_id: int, gate: Gate
) -> list[dict[str, Any]]:
    """Release the user's pending trailing notice; the messages it sent."""
    task = app.bot_data.flood_notices.get(user_id)
    if task is None:
        return []
    mark = fake.mark()
    gate.released.set()
    await asyncio.wait_for(task, 5)
    return [c.result for c in fake.calls[mark:] if c.method == "sendMessage"]


@pytest.fixture
def released_gate(app: BotApplication, clock: Clock) -> Gate:
    gate = Gate()
    flood = app.bot_data.flood_gate
    assert flood is not None
    flood.sleep = gate.sleep
    return gate


def test_default_limits(settings: Settings) -> None:
    assert settings.user_messages_per_minute == 20
    assert settings.button_presses_per_minute == 120


def test_texts_get_a_notice_then_a_trailing_one() -> None:
    clock = Clock()
    gate = FloodGate(3, window=60, clock=clock, notice_gap=10)
    assert [gate.check(1) for _ in range(6)] == ["pass"] * 3 + ["notice", "skip", "skip"]
    assert gate.check(2) == "pass"  # someone else
    assert gate.notice_delay(1) == 10
    clock.now += 10
    assert gate.notice_delay(1) == 0
    assert gate.notice_due(1) == 2  # the trailing notice covers the two skipped
    assert gate.notice_due(1) == 0
    clock.now += 5
    assert gate.check(1) == "skip"  # within the gap of the trailing notice
    clock.now += 60  # the first three are a minute old
    assert [gate.check(1) for _ in range(4)] == ["pass"] * 3 + ["notice"]


def test_presses_get_one_notice_per_window() -> None:
    clock = Clock()
    gate = FloodGate(2, window=60, clock=clock)
    checks = [gate.check(1, trailing=False) for _ in range(5)]
    assert checks == ["pass", "pass", "notice", "drop", "drop"]
    assert gate.notice_due(1) == 0


def test_gate_forgets_idle_users_and_stays_bounded() -> None:
    clock = Clock()
    gate = FloodGate(3, clock=clock)
    for uid in range(999):
        gate.check(uid)
    clock.now += 61
    gate.check(5000)  # the 1000th check sweeps
    assert len(gate) == 1
    small = FloodGate(3, clock=clock, max_users=10)
    for uid in range(10):
        small.check(uid)
    clock.now += 61
    small.check(99)  # full: idle users go at once
    assert len(small) == 1


async def test_sixty_texts_a_minute_none_ignored_in_silence(
    driver: Driver, fake: BotApiServer, clock: Clock, released_gate: Gate, app: BotApplication
) -> None:
    """The issue's case: 60 texts, one a second; 20 answered, every other one covered by a
    notice sent after it; another user is served all along."""
    flooder, other = fake.user(5001), fake.user(5002)
    answered = 0
    skipped_at: list[int] = []
    notices_at: list[int] = []
    for i in range(60):
        clock.now += 1
        replies = sent(await driver.text(flooder, f"{QUESTION} {i}"))
        notices = [r for r in replies if FAST in r["text"]]
        if replies and not notices:
            answered += 1
        elif notices:
            notices_at.append(i)
        else:
            skipped_at.append(i)
        if i % 10 == 0:
            assert sent(await driver.text(other, QUESTION))
    trailing = await _trailing(app, fake, 5001, released_gate)
    assert answered == 20
    assert len(trailing) == 1
    assert "skipped 9 messages" in trailing[0]["text"]
    notices_at.append(60)  # the trailing one, after the last text
    for i in skipped_at:  # each skipped text has a notice after it, within the gap
        assert any(i < n <= i + 10 for n in notices_at), (i, notices_at)
    assert notices_at == [20, 30, 40, 50, 60]

    clock.now += 61  # a minute later the flooder is welcome again
    assert FAST not in sent(await driver.text(flooder, QUESTION))[0]["text"]


async def test_thirty_button_taps_are_all_answered_and_texts_still_go_through(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    user = fake.user(5003)
    [menu] = sent(await driver.text(user, "/topics"))
    for i in range(30):
        data = "topic:housing" if i % 2 == 0 else "topics"
        calls = await driver.press(fake.message(5003, menu["message_id"]), data, user)
        assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"], i
        assert not calls[0].params.get("text")
    [answer] = sent(await driver.text(user, QUESTION))
    assert FAST not in answer["text"]


async def test_button_presses_past_their_own_limit_are_answered(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.button_gate = FloodGate(2, clock=clock)
    user = fake.user(5005)
    [menu] = sent(await driver.text(user, "/topics"))
    for data in ("topic:housing", "topics"):
        calls = await driver.press(fake.message(5005, menu["message_id"]), data, user)
        assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    calls = await driver.press(fake.message(5005, menu["message_id"]), "topic:housing", user)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params.get("show_alert") in (True, "true")
    calls = await driver.press(fake.message(5005, menu["message_id"]), "topic:housing", user)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not calls[0].params.get("text")


async def test_deleting_my_data_is_never_dropped(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.button_gate = FloodGate(1, clock=clock)
    driver.app.bot_data.flood_gate = FloodGate(2, clock=clock)
    user = fake.user(5008)
    [confirm] = sent(await driver.text(user, "/forget"))
    [menu] = sent(await driver.text(user, "/topics"))
    await driver.press(menu, "topic:housing", user)  # the one press allowed
    # the button carries its owner's id (buttons belong to their owner)
    [yes] = [d for d in data_of(confirm) if d.startswith("forget:yes")]
    calls = await driver.press(confirm, yes, user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "Done" in edit.result["text"]


async def test_commands_count_towards_the_text_limit(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    user = fake.user(5004)
    for _ in range(20):
        assert sent(await driver.text(user, "/help"))
    [notice] = sent(await driver.text(user, "/help"))
    assert FAST in notice["text"]


async def test_the_notice_is_in_the_users_language(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    app_gate = driver.app.bot_data.flood_gate
    app_gate.limit = 1
    user = fake.user(5006, language_code="nl")
    assert sent(await driver.text(user, QUESTION))
    [notice] = sent(await driver.text(user, QUESTION))
    assert notice["text"]
    assert FAST not in notice["text"]


async def test_groups_count_only_what_is_addressed_to_the_bot(
    driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.flood_gate.limit = 2
    group, user = fake.group_chat(), fake.user(5007)
    for _ in range(10):  # chatter among the members: none of it for the bot
        assert sent(await driver.text(user, "see you at the station", chat=group)) == []
    for _ in range(2):
        assert sent(await driver.text(user, f"@leiden_welcome_test_bot {QUESTION}", chat=group))
    [notice] = sent(await driver.text(user, f"@leiden_welcome_test_bot {QUESTION}", chat=group))
    assert FAST in notice["text"]


async def test_staff_are_not_limited(
    app: BotApplication, driver: Driver, fake: BotApiServer, clock: Clock
) -> None:
    driver.app.bot_data.flood_gate.limit = 1
    settings = app.bot_data.settings
    app.bot_data.settings = settings.model_copy(update={"staff_user_ids": "5009"})
    user = fake.user(5009)
    for _ in range(5):
        replies = sent(await driver.text(user, QUESTION))
        assert replies
        assert FAST not in replies[0]["text"]
