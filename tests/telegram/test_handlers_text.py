"""The handlers on free text (answers, feedback, clarify, unanswered, crisis, smalltalk, long
replies), in groups and in inline mode, through ``Application.process_update`` (real desk and
SQLite storage, the in-process fake Bot API)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botapi_server import BotApiServer, parse_html
from handler_support import BOT, TOPIC_BUTTONS, callback_answer
from tg_support import Driver, buttons, data_of, sent

from bot.core.desk import Desk, Reply
from bot.telegram import callback_data as cb
from bot.telegram.render.answers import button_label
from storage import Storage

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
    assert "Thank you" in callback_answer(calls)["text"]
    assert await storage.feedback_summary(since=since) == [(entry, 0, 1)]
    calls = await driver.press(answer, f"fb:{entry}:en:1", user)
    assert "already" in callback_answer(calls)["text"]
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
    assert "already" not in callback_answer(calls)["text"]
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


async def test_inline_search_runs_in_a_worker_thread(
    driver: Driver,
    fake: BotApiServer,
    desk: Desk,
    answer_question: Reply,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # matching is CPU work: on the event loop it would hold up every other chat meanwhile
    threads: list[int] = []
    search = desk.search

    def spy(*args: Any, **kwargs: Any) -> list[Reply]:
        threads.append(threading.get_ident())
        return search(*args, **kwargs)

    monkeypatch.setattr(desk, "search", spy)
    query_id = fake.inline_query(fake.user(), answer_question.question)
    await driver.deliver()
    assert fake.inline_queries[query_id].answer is not None
    assert len(threads) == 1
    assert threading.get_ident() not in threads
