"""Issue 16, state that survives: the question behind a "did you mean", a pending handoff
consent, a consent waiting for its question and the last answer (for a follow-up) live in the
database, so a new Application on the same database (a restart, or a second replica) keeps
them. An old button whose state is gone gets "please ask again", and nothing is promised.

Each test runs on SQLite and on PostgreSQL (skipped loudly when unreachable, required under
``CI=true``), through ``Application.process_update`` and the fake Bot API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, forge_press
from storage_testlib import pg_schema, pg_url
from tg_support import Driver, bot_settings, data_of, opened_storage, sent, started_app

from bot.core.config import Settings
from bot.core.desk import Desk, Reply
from bot.core.i18n import gettext
from bot.telegram import callback_data as cb
from storage import Storage

CLARIFY_TRIES = ("registration", "appointment", "help", "room", "permit", "housing")
#: A question the full FAQ cannot answer (checked, not assumed).
UNKNOWN = "Can I bring my cat on the train to Amsterdam?"

Restart = Callable[[], AbstractAsyncContextManager[tuple[Driver, Storage]]]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The bot's database: an SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    async with pg_schema() as schema:
        yield pg_url(schema)


@pytest.fixture
def state_settings(tmp_path: Path, database_url: str) -> Settings:
    """A staff chat (for the handoff) and the database of the test."""
    return bot_settings(tmp_path, database_url=database_url, staff_chat_id=STAFF_CHAT_ID)


@pytest.fixture
def run(state_settings: Settings, desk: Desk, fake: BotApiServer) -> Restart:
    """``async with run() as (driver, storage)``: one life of the bot (its own Application
    and Storage); the next ``run()`` is the bot after a restart, on the same database."""
    fake.group_chat(STAFF_CHAT_ID, "Welcome team")

    @asynccontextmanager
    async def life() -> AsyncIterator[tuple[Driver, Storage]]:
        async with (
            opened_storage(state_settings) as storage,
            started_app(state_settings, desk=desk, storage=storage, fake=fake) as app,
        ):
            yield Driver(app, fake), storage

    return life


def _clarify(desk: Desk) -> Reply:
    for question in CLARIFY_TRIES:
        reply = desk.reply(question, preferred_language="en")
        if reply.kind == "clarify":
            return reply
    raise AssertionError(f"none of {CLARIFY_TRIES} gives a 'did you mean': the FAQ changed")


def _edits(calls: list[Any]) -> list[dict[str, Any]]:
    return [c.result for c in calls if c.method == "editMessageText"]


def _to_staff(calls: list[Any]) -> list[dict[str, Any]]:
    return [m for m in sent(calls) if m["chat"]["id"] == STAFF_CHAT_ID]


async def test_a_did_you_mean_choice_after_a_restart(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    clarify = _clarify(desk)
    user = fake.user(8101)
    async with run() as (driver, _):
        [message] = sent(await driver.text(user, clarify.question))
    picked = clarify.suggestions[0]
    async with run() as (driver, storage):
        calls = await driver.press(message, cb.encode("clarify", picked, language="en"), user)
        [edit] = _edits(calls)
        assert f"fb:{picked}:en:0" in data_of(edit)
        # the question behind it was still known: the pick suggests it as a variant
        assert await storage.flush(5)
        assert [s.text for s in await storage.suggestions()] == [clarify.question]


async def test_none_of_these_after_a_restart_records_the_question(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    clarify = _clarify(desk)
    user = fake.user(8102)
    async with run() as (driver, _):
        [message] = sent(await driver.text(user, clarify.question))
    async with run() as (driver, storage):
        [edit] = _edits(await driver.press(message, "none", user))
        assert "noted your question" in edit["text"]
        assert "human" in data_of(edit)
        assert await storage.flush(5)
        [row] = await storage.unanswered_rows()
        assert (row.text, row.reason) == (clarify.question, "none-of-these")


async def test_none_of_these_whose_question_is_gone_asks_again(
    run: Restart, fake: BotApiServer
) -> None:
    user = fake.user(8103)
    async with run() as (driver, storage):
        # "none of these" under a message the bot keeps no question for (expired, /forget)
        [greeting] = sent(await driver.text(user, "/start"))
        forge_press(fake, greeting, "none", user)
        calls = await driver.deliver()
        [answered] = [c for c in calls if c.method == "answerCallbackQuery"]
        assert not fake.errors()
        [edit] = _edits(calls)
        assert "noted" not in edit["text"]
        assert edit["text"] == gettext("en", "I no longer have that question. Please ask it again.")
        assert await storage.flush(5)
        assert await storage.unanswered_rows() == []
        assert answered.ok


async def test_a_pending_consent_still_sends_the_question_after_a_restart(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    assert desk.reply(UNKNOWN, preferred_language="en").kind == "unanswered"
    user = fake.user(8104, "Ana")
    async with run() as (driver, _):
        [miss] = sent(await driver.text(user, UNKNOWN))
        [prompt] = sent(await driver.press(miss, "human", user))
        assert UNKNOWN in prompt["text"]
    async with run() as (driver, storage):
        calls = await driver.press(prompt, "hc:anon", user)
        [posted] = _to_staff(calls)
        assert UNKNOWN in posted["text"]
        assert "· en" in posted["text"]
        [confirmation] = _edits(calls)[-1:]
        assert "hend" in data_of(confirmation)
        assert await storage.open_handoff_for_user(user_id=8104, since=_long_ago()) is not None


async def test_a_consent_waiting_for_its_question_survives_a_restart(
    run: Restart, fake: BotApiServer
) -> None:
    user = fake.user(8105)
    async with run() as (driver, _):
        [prompt] = sent(await driver.text(user, "/contact"))
        [asking] = _edits(await driver.press(prompt, "hc:name", user))
        assert "type your question" in asking["text"]
    async with run() as (driver, _):
        calls = await driver.text(user, "My landlord keeps my deposit, what can I do?")
        [posted] = _to_staff(calls)
        assert "My landlord keeps my deposit" in posted["text"]


async def test_contact_after_a_did_you_mean_offers_that_question(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    clarify = _clarify(desk)
    user = fake.user(8106)
    async with run() as (driver, _):
        sent(await driver.text(user, clarify.question))
    async with run() as (driver, _):
        [prompt] = sent(await driver.text(user, "/contact"))
        assert clarify.question in prompt["text"]
        [posted] = _to_staff(await driver.press(prompt, "hc:anon", user))
        assert clarify.question in posted["text"]


async def test_a_follow_up_uses_the_previous_topic_across_a_restart(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    first, follow_up = "how do I get a BSN", "and how long does that take?"
    alone = desk.reply(follow_up, preferred_language="en")
    assert alone.kind != "answer"  # on its own it is not answered
    user = fake.user(8107)
    async with run() as (driver, _):
        [answer] = sent(await driver.text(user, first))
    entry = next(d.split(":")[1] for d in data_of(answer) if d.startswith("fb:"))
    async with run() as (driver, _):
        [reply] = sent(await driver.text(user, follow_up))
    family = {entry, *desk.tree.entries[entry].related}
    family |= {e.id for e in desk.tree.in_category(desk.tree.entries[entry].category)}
    answered = [d.split(":")[1] for d in data_of(reply) if d.startswith("fb:")]
    assert answered, reply["text"]
    assert answered[0] in family


def _long_ago() -> datetime:
    return datetime.now(UTC) - timedelta(days=1)


async def test_the_third_miss_in_a_row_offers_a_person_across_a_restart(
    run: Restart, fake: BotApiServer, desk: Desk
) -> None:
    misses = [q for q in CLARIFY_TRIES if desk.reply(q, preferred_language="en").kind == "clarify"]
    assert len(misses) >= 3, misses
    user = fake.user(8108)
    async with run() as (driver, _):
        for question in misses[:2]:
            [reply] = sent(await driver.text(user, question))
            assert "human" not in data_of(reply)  # a first or second miss: suggestions only
    async with run() as (driver, _):
        [third] = sent(await driver.text(user, misses[2]))
        assert data_of(third)[-2:] == ["none", "human"]
        # an answer starts the count again
        sent(await driver.text(user, "how do i connect to eduroam"))
        [again] = sent(await driver.text(user, misses[0]))
        assert data_of(again)[-1] == "none"
