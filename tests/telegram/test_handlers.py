"""The handlers through ``Application.process_update``: real desk (bundled FAQ), real SQLite
storage, an in-process fake Bot API that validates and records every request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botapi_server import BotApiServer, parse_html
from staff_support import forge_press
from tg_support import RETENTION_DAYS, Driver, buttons, data_of, sent

from bot.core import i18n
from bot.core.desk import Desk, Reply
from bot.core.i18n import language_name
from bot.telegram import callback_data as cb
from bot.telegram.context import BotApplication
from bot.telegram.render.answers import button_label
from faq.models import LANGUAGES
from storage import Storage

BOT = "leiden_welcome_test_bot"
GIBBERISH = ("qwertzuiop asdfghjkl yxcvbnm", "zzzzqqq xxxyyy", "blorptastic frumious")
#: The topic buttons under a reply that could not help.
TOPIC_BUTTONS = ["topic:housing", "topic:international-centre", "topic:eduroam", "topic:welfare"]
CLARIFY_TRIES = (
    "housing",
    "registration",
    "appointment",
    "room",
    "register",
    "permit",
    "help",
    "wifi",
    "money",
    "documents",
    "contract",
    "account",
)


def _find(desk: Desk, kind: str, tries: tuple[str, ...]) -> Reply:
    for question in tries:
        reply = desk.reply(question, preferred_language="en")
        if reply.kind == kind:
            return reply
    raise AssertionError(f"none of {tries} gives a {kind} reply: the FAQ changed")


@pytest.fixture(scope="module")
def answer_question(desk: Desk) -> Reply:
    """An English question answered with an entry that has related entries."""
    for entry in desk.tree.entries.values():
        if entry.related and "en" in entry.translations and entry.id != desk.tree.safety.entry:
            reply = desk.reply(entry.translations["en"].title, preferred_language="en")
            if reply.kind == "answer" and reply.entry == entry.id and reply.related:
                return reply
    raise AssertionError("no entry title is answered with its own entry")


@pytest.fixture(scope="module")
def clarify_question(desk: Desk) -> Reply:
    return _find(desk, "clarify", CLARIFY_TRIES)


@pytest.fixture(scope="module")
def unanswered_question(desk: Desk) -> Reply:
    return _find(desk, "unanswered", GIBBERISH)


def _callback_answer(calls: list[Any]) -> dict[str, Any]:
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1, [c.method for c in calls]
    return answers[0].params


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
    assert _callback_answer(calls) == {"callback_query_id": calls[0].params["callback_query_id"]}
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


# ---------------------------------------------------------------------- free text


async def test_answer_with_feedback_and_related(
    driver: Driver, fake: BotApiServer, storage: Storage, answer_question: Reply
) -> None:
    user = fake.user()
    [answer] = sent(await driver.text(user, answer_question.question))
    entry = answer_question.entry
    assert entry is not None
    assert data_of(answer)[:2] == [f"fb:{entry}:en:1", f"fb:{entry}:en:0"]
    assert data_of(answer)[2:] == [
        cb.encode("answer", r, language="en") for r in answer_question.related
    ]

    since = datetime.now(UTC) - timedelta(minutes=1)
    calls = await driver.press(answer, f"fb:{entry}:en:0", user)
    assert "Thank you" in _callback_answer(calls)["text"]
    assert await storage.feedback_summary(since=since) == [(entry, 0, 1)]
    calls = await driver.press(answer, f"fb:{entry}:en:1", user)
    assert "already" in _callback_answer(calls)["text"]
    assert await storage.feedback_summary(since=since) == [(entry, 0, 1)]

    related = answer_question.related[0]
    [follow] = sent(await driver.press(answer, cb.encode("answer", related, language="en"), user))
    assert f"fb:{related}:en:1" in data_of(follow)

    assert await storage.flush(5)
    stats = await storage.stats(days=1)
    assert dict(stats.top_entries)[entry] == 1
    assert dict(stats.top_entries)[related] == 1


async def test_feedback_of_another_user_counts_separately(
    driver: Driver, fake: BotApiServer, storage: Storage, answer_question: Reply
) -> None:
    group = fake.group_chat()
    asker, other = fake.user(1), fake.user(2, first_name="Bo")
    [answer] = sent(await driver.text(asker, f"@{BOT} {answer_question.question}", group))
    entry = answer_question.entry
    await driver.press(answer, f"fb:{entry}:en:1", asker)
    calls = await driver.press(answer, f"fb:{entry}:en:1", other)
    assert "already" not in _callback_answer(calls)["text"]
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert await storage.feedback_summary(since=since) == [(entry, 2, 0)]


async def test_clarify_then_pick_a_suggestion(
    driver: Driver, fake: BotApiServer, clarify_question: Reply, desk: Desk
) -> None:
    user = fake.user()
    [message] = sent(await driver.text(user, clarify_question.question))
    suggestions = [cb.encode("clarify", s, language="en") for s in clarify_question.suggestions]
    assert data_of(message) == [*suggestions[:3], "none"]
    # long titles are shortened to fit a button
    assert [b["text"] for b in buttons(message)][:-1] == [
        button_label(desk.tree.entries[s].title("en")) for s in clarify_question.suggestions[:3]
    ]

    picked = clarify_question.suggestions[0]
    calls = await driver.press(message, suggestions[0], user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.result["message_id"] == message["message_id"]
    assert edit.result["text"].startswith(parse_html(desk.entry_reply(picked, "en").text)[0][:30])
    assert f"fb:{picked}:en:0" in data_of(edit.result)


async def test_none_of_these_records_the_question(
    driver: Driver, fake: BotApiServer, storage: Storage, clarify_question: Reply
) -> None:
    user = fake.user()
    [message] = sent(await driver.text(user, clarify_question.question))
    calls = await driver.press(message, "none", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert data_of(edit.result) == [*TOPIC_BUTTONS, "human"]
    assert await storage.flush(5)
    [row] = await storage.unanswered_rows()
    assert (row.text, row.reason, row.language) == (
        clarify_question.question,
        "none-of-these",
        "en",
    )
    assert row.candidates


async def test_unanswered_is_recorded_with_next_steps(
    driver: Driver, fake: BotApiServer, storage: Storage, unanswered_question: Reply
) -> None:
    user = fake.user()
    [message] = sent(await driver.text(user, unanswered_question.question))
    assert data_of(message) == [*TOPIC_BUTTONS, "human"]
    assert await storage.flush(5)
    [row] = await storage.unanswered_rows()
    assert (row.text, row.reason) == (unanswered_question.question, "unanswered")

    calls = await driver.press(message, "topic:housing", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert data_of(edit.result)[0].startswith("ta:housing-")


async def test_talk_to_a_person_button(
    driver: Driver, fake: BotApiServer, unanswered_question: Reply
) -> None:
    user = fake.user()
    [message] = sent(await driver.text(user, unanswered_question.question))
    [human] = sent(await driver.press(message, "human", user))
    assert "fb:general-human:en:1" in data_of(human)


async def test_crisis_answer_comes_first_and_alone(
    driver: Driver, fake: BotApiServer, desk: Desk, storage: Storage
) -> None:
    trigger = desk.tree.safety.triggers["en"][0]
    calls = await driver.text(fake.user(), f"I had a bad week and I want to {trigger}")
    # the typing indicator, then the crisis answer as the first and only message
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    [message] = sent(calls)
    assert "113" in message["text"]
    assert "reply_markup" not in message
    assert await storage.flush(5)
    stats = await storage.stats(days=1)
    assert stats.per_day[-1].safety == 1
    assert await storage.unanswered_rows() == []


async def test_smalltalk_is_short_and_not_logged(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    [message] = sent(await driver.text(fake.user(), "hello"))
    assert "reply_markup" not in message
    assert await storage.flush(5)
    assert await storage.unanswered_rows() == []
    assert (await storage.stats(days=1)).per_day[-1].smalltalk == 1


async def test_non_text_messages_get_a_short_reply(driver: Driver, fake: BotApiServer) -> None:
    user = fake.user()
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    [message] = sent(await driver.deliver_update(user, sticker=sticker))
    assert "text" in message["text"]
    voice = {"file_id": "v1", "file_unique_id": "u2", "duration": 3}
    [message] = sent(await driver.deliver_update(user, voice=voice))
    assert "text" in message["text"]


async def test_long_replies_are_split(
    driver: Driver, fake: BotApiServer, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraph = "<b>Rooms</b> are scarce &amp; <i>expensive</i>, " + "start early. " * 30
    text = "\n\n".join([paragraph] * 25) + '\n\n<a href="https://example.org">more</a>'
    long_reply = Reply(
        question="rooms?",
        kind="answer",
        language="en",
        text=text,
        entry="housing-find-room",
        related=("housing-scams",),
    )
    monkeypatch.setattr(desk, "reply", lambda *a, **k: long_reply)
    messages = sent(await driver.text(fake.user(), "rooms?"))
    assert len(messages) >= 3
    assert all(len(m["text"]) <= 4096 for m in messages)  # the fake checks HTML and length too
    assert all("reply_markup" not in m for m in messages[:-1])
    assert data_of(messages[-1])[0] == "fb:housing-find-room:en:1"
    assert sum(m["text"].count("Rooms") for m in messages) == 25


# ---------------------------------------------------------------------- groups


async def test_groups_only_answer_mentions_and_commands(
    driver: Driver, fake: BotApiServer, answer_question: Reply
) -> None:
    group, user = fake.group_chat(), fake.user()
    assert await driver.text(user, answer_question.question, group) == []
    assert await driver.text(user, "/help@some_other_bot", group) == []
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    assert await driver.deliver_update(user, group, sticker=sticker) == []

    question = fake.send_text(user, f"@{BOT.upper()} {answer_question.question}", group)
    [answer] = sent(await driver.deliver())
    assert answer["reply_to_message"]["message_id"] == question["message_id"]
    assert f"fb:{answer_question.entry}:en:1" in data_of(answer)

    [help_message] = sent(await driver.text(user, f"/help@{BOT}", group))
    assert "/topics" in help_message["text"]


async def test_a_bare_mention_gets_a_hint(driver: Driver, fake: BotApiServer) -> None:
    [message] = sent(await driver.text(fake.user(), f"@{BOT}", fake.group_chat()))
    assert "question" in message["text"]


# ---------------------------------------------------------------------- inline mode


async def test_inline_query_offers_matching_answers(
    driver: Driver, fake: BotApiServer, answer_question: Reply
) -> None:
    query_id = fake.inline_query(fake.user(), answer_question.question)
    calls = await driver.deliver()
    [call] = [c for c in calls if c.method == "answerInlineQuery"]
    answer = fake.inline_queries[query_id].answer
    assert answer is not None
    assert answer["is_personal"] is True
    assert 0 < answer["cache_time"] <= 300
    first = answer["results"][0]
    assert first["type"] == "article"
    assert first["id"] == answer_question.entry
    assert first["input_message_content"]["parse_mode"] == "HTML"
    assert first["reply_markup"]["inline_keyboard"][0][0]["url"] == (
        f"https://t.me/{BOT}?start={answer_question.entry}"
    )
    assert "<" not in first["description"]
    assert call.params["inline_query_id"] == query_id


async def test_empty_inline_query_offers_starters(driver: Driver, fake: BotApiServer) -> None:
    query_id = fake.inline_query(fake.user(), "")
    await driver.deliver()
    answer = fake.inline_queries[query_id].answer
    assert answer is not None
    assert 1 <= len(answer["results"]) <= 10


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
        assert "no longer works" in _callback_answer(calls)["text"]
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
