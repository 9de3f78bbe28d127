"""Bounded per-user memory: the ``user_data`` and ``chat_data`` of users who went quiet are
dropped, and no more than the bound are kept however many users write."""

from __future__ import annotations

import sys
from pathlib import Path

from tg_support import Driver

from bot.telegram.context import BotApplication
from bot.telegram.memory import Forgetful, MemoryBound

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from memory_users import simulate

ANSWERED = "how do I find a room?"
UNANSWERED = "qwertzuiop asdfghjkl blorptastic"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_forgetful_reports_evicted_and_expired_ids() -> None:
    clock = Clock()
    dropped: list[int] = []
    seen = Forgetful(2, 60, dropped.append, clock)
    seen.touch(1)
    seen.touch(2)
    seen.touch(1)  # 1 is now the most recently seen
    seen.touch(3)
    assert dropped == [2]
    assert set(seen) == {1, 3}
    clock.now += 61
    seen.touch(4)
    assert sorted(dropped) == [1, 2, 3]
    assert set(seen) == {4}


async def _ask(driver: Driver, user_id: int) -> None:
    user = driver.fake.user(user_id, f"U{user_id}", "en")
    await driver.text(user, ANSWERED)  # an answer: its question is kept in chat_data
    await driver.text(user, UNANSWERED)  # unanswered: offered for a handoff (the database)
    # the user's own memory (only a handoff's lock lives there now: the rest is in the
    # database), made the way a handler makes it
    assert driver.app.user_data[user_id].handoff.lock is not None


async def test_user_and_chat_data_stay_within_the_bound(
    app: BotApplication, driver: Driver
) -> None:
    clock = Clock()
    app.bot_data.memory = MemoryBound(app, maxsize=5, ttl=3600, timer=clock)
    ids = list(range(5000, 5012))
    for user_id in ids:
        await _ask(driver, user_id)
        assert len(app.user_data) <= 5
        assert len(app.chat_data) <= 5
    # the five users seen last keep their data; the others' was dropped
    assert set(app.user_data) == set(ids[-5:])
    assert set(app.chat_data) == set(ids[-5:])
    assert app.chat_data[ids[-1]].answered  # kept data is intact
    # PTB's note for a persistence the bot does not have must not grow either
    assert not app._user_ids_to_be_deleted_in_persistence
    assert not app._chat_ids_to_be_deleted_in_persistence


async def test_idle_users_are_forgotten(app: BotApplication, driver: Driver) -> None:
    clock = Clock()
    app.bot_data.memory = MemoryBound(app, maxsize=100, ttl=3600, timer=clock)
    for user_id in (6000, 6001, 6002):
        await _ask(driver, user_id)
    assert set(app.user_data) == {6000, 6001, 6002}
    clock.now += 1800
    await _ask(driver, 6001)  # still active
    clock.now += 1801
    await _ask(driver, 6003)
    assert set(app.user_data) == {6001, 6003}
    assert set(app.chat_data) == {6001, 6003}


async def test_the_bot_bounds_memory_from_the_start(app: BotApplication) -> None:
    assert isinstance(app.bot_data.memory, MemoryBound)


async def test_the_memory_benchmark_reports_bounded_structures() -> None:
    rows = await simulate(60, max_kept=10, batch=20)
    last = rows[-1]
    assert last["users"] == 60
    # every tenth chat leaves chat_data (the question behind an answer, for 👍/👎); only the
    # last ten seen keep it; user_data stays empty (a handoff's question is in the database)
    assert last["user_data"] <= 10
    assert 1 <= last["chat_data"] <= 10
    unbounded = await simulate(60, bound=False, batch=20)
    assert unbounded[-1]["chat_data"] >= 6
