"""Issue 16, "a conversation, not a lookup", through the real Application (in-process fake
Bot API): no dead ends, every message that carries a question, profile and entry points."""

from __future__ import annotations

import pytest
from botapi_server import BotApiServer
from tg_support import Driver, data_of, sent

from bot.core.desk import Desk, noted_text
from bot.core.i18n import gettext
from bot.telegram.context import BotApplication
from bot.telegram.profile import MAX_DESCRIPTION, MAX_SHORT_DESCRIPTION
from faq.models import LANGUAGES
from storage import Storage

WEATHER = "what's the weather tomorrow"
GIBBERISH = "qwertzuiop asdfghjkl yxcvbnm"
TOPICS = ["topic:housing", "topic:international-centre", "topic:eduroam", "topic:welfare"]


async def test_out_of_scope_names_the_topics_and_offers_a_person(
    driver: Driver, fake: BotApiServer
) -> None:
    [message] = sent(await driver.text(fake.user(6001), WEATHER))
    assert "knmi.nl" in message["text"]  # the pointer elsewhere
    assert "I can help with housing, the Leiden International Centre, eduroam" in message["text"]
    assert data_of(message) == [*TOPICS, "human"]
    assert "noted" not in message["text"]


async def test_unanswered_promises_only_what_was_recorded(
    driver: Driver, fake: BotApiServer, storage: Storage, desk: Desk
) -> None:
    [message] = sent(await driver.text(fake.user(6002), GIBBERISH))
    language = desk.reply(GIBBERISH, preferred_language="en").language
    assert noted_text(language) in message["text"]
    assert data_of(message) == [*TOPICS, "human"]
    assert await storage.flush(5)
    assert [r.text for r in await storage.unanswered_rows()] == [GIBBERISH]


async def test_a_topic_button_under_a_miss_opens_the_topic(
    driver: Driver, fake: BotApiServer
) -> None:
    user = fake.user(6003)
    [message] = sent(await driver.text(user, GIBBERISH))
    calls = await driver.press(message, "topic:eduroam", user)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert any(d.startswith("ta:eduroam-") for d in data_of(edit.result))


async def test_a_photo_caption_is_answered(driver: Driver, fake: BotApiServer) -> None:
    fake.send_photo(fake.user(6004), caption="how do i connect to eduroam")
    [message] = sent(await driver.deliver())
    assert "fb:eduroam-connect:en:1" in data_of(message)


async def test_a_photo_without_caption_is_asked_for_text(
    driver: Driver, fake: BotApiServer
) -> None:
    fake.send_photo(fake.user(6005))
    [message] = sent(await driver.deliver())
    assert "caption" in message["text"]


async def test_an_edited_message_is_answered_as_it_now_reads_once(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    user = fake.user(6006)
    original = fake.send_text(user, GIBBERISH)
    assert sent(await driver.deliver())
    edited = fake.edit_text(original, "how do i connect to eduroam")
    [answer] = sent(await driver.deliver())
    assert "fb:eduroam-connect:en:1" in data_of(answer)
    # the same edit delivered again is recorded once
    fake.enqueue({"edited_message": edited})
    await driver.deliver()
    assert await storage.flush(5)
    stats = await storage.stats(days=1)
    assert stats.top_entries == [("eduroam-connect", 1)]


async def test_a_forwarded_question_is_answered(driver: Driver, fake: BotApiServer) -> None:
    origin = {"type": "hidden_user", "sender_user_name": "A friend", "date": 1}
    fake.send_message_update(
        fake.user(6007), text="how do i connect to eduroam", forward_origin=origin
    )
    [message] = sent(await driver.deliver())
    assert "fb:eduroam-connect:en:1" in data_of(message)


async def test_typing_indicator_comes_before_the_answer(driver: Driver, fake: BotApiServer) -> None:
    calls = await driver.text(fake.user(6008), "how do i connect to eduroam")
    methods = [c.method for c in calls]
    assert "sendChatAction" in methods
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    [action] = [c for c in calls if c.method == "sendChatAction"]
    assert action.params["action"] == "typing"


async def test_descriptions_are_set_in_every_language(
    app: BotApplication, fake: BotApiServer
) -> None:
    for field, limit in (
        ("description", MAX_DESCRIPTION),
        ("short_description", MAX_SHORT_DESCRIPTION),
    ):
        texts = fake.descriptions[field]
        assert set(texts) == {"", *LANGUAGES}
        assert all(0 < len(t) <= limit for t in texts.values())
        assert len(set(texts.values())) == len(LANGUAGES)  # translated, not English seven times
        assert "113" in fake.descriptions["description"]["nl"]


async def test_an_inline_query_without_results_offers_the_bot(
    driver: Driver, fake: BotApiServer
) -> None:
    query_id = fake.inline_query(fake.user(6009), GIBBERISH)
    await driver.deliver()
    answer = fake.inline_queries[query_id].answer
    assert answer is not None
    assert answer["results"] == []
    assert answer["button"]["start_parameter"] == "inline"
    assert answer["button"]["text"]


async def test_an_inline_query_with_results_has_no_extra_button(
    driver: Driver, fake: BotApiServer
) -> None:
    query_id = fake.inline_query(fake.user(6010), "how do i connect to eduroam")
    await driver.deliver()
    answer = fake.inline_queries[query_id].answer
    assert answer is not None
    assert answer["results"]
    assert answer["button"] is None


async def test_contact_in_a_group_links_to_a_private_chat(
    driver: Driver, fake: BotApiServer
) -> None:
    group = fake.group_chat()
    [message] = sent(await driver.text(fake.user(6011), "/contact", chat=group))
    [button] = message["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == "https://t.me/leiden_welcome_test_bot?start=contact"


async def test_the_deep_link_from_a_group_opens_the_contact(
    driver: Driver, fake: BotApiServer
) -> None:
    # no staff chat in these settings: the way to reach people (the general-human entry)
    replies = sent(await driver.text(fake.user(6012), "/start contact"))
    assert len(replies) == 2
    assert "fb:general-human:en:1" in data_of(replies[1])


@pytest.mark.parametrize("lang", ["nl", "zh"])
async def test_the_miss_reply_is_in_the_users_language(
    driver: Driver, fake: BotApiServer, desk: Desk, lang: str
) -> None:
    await driver.text(fake.user(6013), "/start")
    user = fake.user(6014, language_code=lang)
    [message] = sent(await driver.text(user, "zzzzqqq xxxyyy"))
    assert message["text"].startswith(
        gettext(lang, "Sorry, I don't know the answer to that yet. You could rephrase it.")
    )
