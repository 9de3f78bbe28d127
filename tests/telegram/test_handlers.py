"""The handlers through ``Application.process_update``: real desk (bundled FAQ), real SQLite
storage, an in-process fake Bot API that validates and records every request. This module:
start-up, commands, topics, languages and /forget; free text, groups and inline mode are in
``test_handlers_text.py``, failures and button owners in ``test_handlers_failures.py``."""

from __future__ import annotations

import pytest
from botapi_server import BotApiServer, parse_html
from handler_support import BOT, callback_answer
from tg_support import RETENTION_DAYS, Driver, buttons, data_of, sent

from bot.core import i18n
from bot.core.desk import Desk
from bot.core.i18n import language_name
from bot.telegram import callback_data as cb
from bot.telegram.context import BotApplication
from faq.models import LANGUAGES
from storage import Storage

# ---------------------------------------------------------------------- start-up


async def test_post_init_registers_commands_per_language(
    app: BotApplication, fake: BotApiServer
) -> None:
    calls = [c for c in fake.calls if c.method == "setMyCommands"]
    languages = [c.params.get("language_code") for c in calls]
    assert sorted(filter(None, languages)) == sorted(LANGUAGES)
    assert None in languages  # the default list, for every other language
    names = [c["command"] for c in fake.commands[('{"type": "default"}', "nl")]]
    assert names == ["start", "help", "topics", "language", "contact", "privacy", "forget"]


# ---------------------------------------------------------------------- /start


async def test_start_welcomes_with_topics_and_language(driver: Driver, fake: BotApiServer) -> None:
    user = fake.user(first_name="<b>Ann & Co</b>")
    [welcome] = sent(await driver.text(user, "/start"))
    assert "<b>Ann & Co</b>" in welcome["text"]  # escaped on the way in, shown literally
    assert data_of(welcome) == [
        "topic:housing",
        "topic:international-centre",
        "topic:eduroam",
        "topic:welfare",
        "langs",
    ]
    assert any("English" in b["text"] for b in buttons(welcome))


@pytest.mark.parametrize(
    "topic", ["housing", "eduroam", "international-centre", "welfare", "general"]
)
async def test_start_deep_link_to_a_topic(
    driver: Driver, fake: BotApiServer, desk: Desk, topic: str
) -> None:
    welcome, menu = sent(await driver.text(fake.user(), f"/start {topic}"))
    assert "topic:housing" in data_of(welcome)
    expected = [cb.encode("browse", e.id, language="en") for e in desk.tree.in_category(topic)]
    assert data_of(menu) == [*expected, "topics"]


async def test_start_deep_link_to_an_entry(driver: Driver, fake: BotApiServer, desk: Desk) -> None:
    _welcome, answer = sent(await driver.text(fake.user(), "/start housing-scams"))
    assert answer["text"].startswith(
        parse_html(desk.entry_reply("housing-scams", "en").text)[0][:40]
    )
    assert "fb:housing-scams:en:1" in data_of(answer)


async def test_start_with_an_unknown_payload_just_welcomes(
    driver: Driver, fake: BotApiServer
) -> None:
    assert len(sent(await driver.text(fake.user(), "/start no-such-thing"))) == 1


async def test_start_typed_without_command_entity(driver: Driver, fake: BotApiServer) -> None:
    welcome, menu = sent(await driver.text(fake.user(), "/start eduroam", entities=[]))
    assert "topic:eduroam" in data_of(welcome)
    assert "topics" in data_of(menu)


async def test_start_in_the_users_telegram_language(driver: Driver, fake: BotApiServer) -> None:
    [welcome] = sent(await driver.text(fake.user(language_code="de-AT"), "/start"))
    assert any(language_name("de") in b["text"] for b in buttons(welcome))


# ---------------------------------------------------------------------- simple commands


async def test_help_lists_commands_and_inline_mode(driver: Driver, fake: BotApiServer) -> None:
    [message] = sent(await driver.text(fake.user(), "/help"))
    for command in ("/topics", "/language", "/contact", "/privacy", "/forget"):
        assert command in message["text"]
    assert f"@{BOT}" in message["text"]


async def test_privacy_names_retention_and_forget(driver: Driver, fake: BotApiServer) -> None:
    [message] = sent(await driver.text(fake.user(), "/privacy"))
    assert f"{RETENTION_DAYS} days" in message["text"]
    assert "/forget" in message["text"]


async def test_unknown_command_points_to_help(driver: Driver, fake: BotApiServer) -> None:
    [message] = sent(await driver.text(fake.user(), "/unanswered"))
    assert "/help" in message["text"]


async def test_contact_gives_the_human_entry(
    driver: Driver, fake: BotApiServer, desk: Desk
) -> None:
    [message] = sent(await driver.text(fake.user(), "/contact"))
    assert "fb:general-human:en:1" in data_of(message)


# ---------------------------------------------------------------------- topics


async def test_topic_browser_edits_one_message(
    driver: Driver, fake: BotApiServer, desk: Desk
) -> None:
    user = fake.user()
    [menu] = sent(await driver.text(user, "/topics"))
    assert data_of(menu) == [f"topic:{c}" for c in desk.tree.categories()]

    calls = await driver.press(menu, "topic:eduroam", user)
    assert callback_answer(calls) == {"callback_query_id": calls[0].params["callback_query_id"]}
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.result["message_id"] == menu["message_id"]
    first = desk.tree.in_category("eduroam")[0]
    browse = cb.encode("browse", first.id, language="en")
    assert browse in data_of(edit.result)

    calls = await driver.press(edit.result, browse, user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.result["message_id"] == menu["message_id"]
    assert edit.result["text"].startswith(parse_html(desk.entry_reply(first.id, "en").text)[0][:30])
    assert data_of(edit.result)[-2:] == ["topic:eduroam", "topics"]
    assert not sent(calls)

    calls = await driver.press(edit.result, "topic:eduroam", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    calls = await driver.press(edit.result, "topics", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert data_of(edit.result) == data_of(menu)


async def test_welcome_topic_button_opens_the_category(driver: Driver, fake: BotApiServer) -> None:
    user = fake.user()
    [welcome] = sent(await driver.text(user, "/start"))
    calls = await driver.press(welcome, "topic:welfare", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.result["message_id"] == welcome["message_id"]
    assert data_of(edit.result)[-1] == "topics"


# ---------------------------------------------------------------------- language


async def test_language_choice_is_stored_and_confirmed(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    user = fake.user()
    [picker] = sent(await driver.text(user, "/language"))
    assert data_of(picker) == [f"lang:{code}:{user['id']}" for code in LANGUAGES]
    labels = [b["text"] for b in buttons(picker)]
    assert "✓ English" in labels
    assert language_name("zh") in labels
    calls = await driver.press(picker, f"lang:de:{user['id']}", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert language_name("de") in edit.result["text"]
    assert await storage.get_language(user_id=user["id"]) == "de"
    [welcome] = sent(await driver.text(user, "/start"))
    assert any(language_name("de") in b["text"] for b in buttons(welcome))


async def test_welcome_language_button_opens_the_picker(driver: Driver, fake: BotApiServer) -> None:
    user = fake.user()
    [welcome] = sent(await driver.text(user, "/start"))
    [picker] = sent(await driver.press(welcome, "langs", user))
    assert len(data_of(picker)) == len(LANGUAGES)


# ---------------------------------------------------------------------- /forget


async def test_forget_deletes_after_confirmation(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    user = fake.user()
    await storage.set_language(user_id=user["id"], language="nl")
    [question] = sent(await driver.text(user, "/forget"))
    assert data_of(question) == [f"forget:yes:{user['id']}", f"forget:no:{user['id']}"]
    calls = await driver.press(question, f"forget:no:{user['id']}", user)
    assert await storage.get_language(user_id=user["id"]) == "nl"
    [question] = sent(await driver.text(user, "/forget"))
    calls = await driver.press(question, f"forget:yes:{user['id']}", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    done = i18n.ngettext(  # in the language chosen before the deletion
        "nl",
        "Done. I deleted {count} record about you.",
        "Done. I deleted {count} records about you.",
        1,
    )
    assert edit.result["text"] == done.format(count=1)
    assert await storage.get_language(user_id=user["id"]) is None
