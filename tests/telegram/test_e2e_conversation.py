"""Issue 16 end to end: ``welcomebot run`` in a subprocess against the local Bot API test
server over HTTP: profile texts, captions, edits, the typing indicator, the empty inline
result, the reply to an out-of-scope question, a follow-up, fair limits, and the state that
survives a restart of the process ("did you mean", "none of these", a pending consent)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from botapi_server import BotApiServer
from e2e_support import (
    TOKEN,
    BotProcess,
    bot_database,
    bot_env,
    button_data,
    edited_in,
    running_bot,
    sent_to,
    wait_call,
)

from bot.core.desk import Desk
from bot.telegram import callback_data as cb
from faq.models import LANGUAGES

pytestmark = pytest.mark.e2e

USER_BASE = 7000
STAFF_CHAT = -100777
CLARIFY_TRIES = ("registration", "appointment", "help", "room", "permit", "housing")
UNKNOWN = "Can I bring my cat on the train to Amsterdam?"


@pytest.fixture(scope="module")
def api() -> Iterator[BotApiServer]:
    server = BotApiServer(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot(api: BotApiServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    work: Path = tmp_path_factory.mktemp("e2e-conversation")
    with running_bot(api, bot_env(api, work), work) as process:
        yield process


def test_descriptions_in_seven_languages(api: BotApiServer, bot: BotProcess) -> None:
    for field in ("description", "short_description"):
        texts = api.descriptions[field]
        assert set(LANGUAGES) <= set(texts)
        assert len({texts[lang] for lang in LANGUAGES}) == len(LANGUAGES)


def test_out_of_scope_names_the_topics_and_a_person(api: BotApiServer, bot: BotProcess) -> None:
    user = api.user(USER_BASE + 1)
    mark = api.mark()
    api.send_text(user, "what's the weather tomorrow")
    reply = wait_call(api, bot, sent_to(USER_BASE + 1), since=mark).result
    assert "eduroam" in reply["text"]
    data = button_data(reply)
    assert "topic:housing" in data
    assert data[-1] == "human"


def test_typing_then_the_answer_to_a_caption(api: BotApiServer, bot: BotProcess) -> None:
    user = api.user(USER_BASE + 2)
    mark = api.mark()
    api.send_photo(user, caption="how do i connect to eduroam")
    answer = wait_call(api, bot, sent_to(USER_BASE + 2), since=mark)
    assert "fb:eduroam-connect:en:1" in button_data(answer.result)
    calls = api.calls[mark:]
    typing = [
        i
        for i, c in enumerate(calls)
        if c.method == "sendChatAction" and str(c.params.get("chat_id")) == str(USER_BASE + 2)
    ]
    assert typing
    assert typing[0] < calls.index(answer)


def test_an_edited_message_is_answered(api: BotApiServer, bot: BotProcess) -> None:
    user = api.user(USER_BASE + 3)
    mark = api.mark()
    original = api.send_text(user, "qwertzuiop asdfghjkl")
    wait_call(api, bot, sent_to(USER_BASE + 3), since=mark)
    mark = api.mark()
    api.edit_text(original, "how do i connect to eduroam")
    answer = wait_call(api, bot, sent_to(USER_BASE + 3), since=mark).result
    assert "fb:eduroam-connect:en:1" in button_data(answer)


def test_an_empty_inline_result_offers_the_bot(api: BotApiServer, bot: BotProcess) -> None:
    query_id = api.inline_query(api.user(USER_BASE + 4), "qwertzuiop asdfghjkl")
    wait_call(
        api,
        bot,
        lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == query_id,
    )
    answer = api.inline_queries[query_id].answer
    assert answer is not None
    assert answer["results"] == []
    assert answer["button"]["start_parameter"]


def test_thirty_taps_are_all_answered(api: BotApiServer, bot: BotProcess) -> None:
    user = api.user(USER_BASE + 5)
    mark = api.mark()
    api.send_text(user, "/topics")
    menu = wait_call(api, bot, sent_to(USER_BASE + 5), since=mark).result
    for i in range(30):
        data = "topic:housing" if i % 2 == 0 else "topics"
        mark = api.mark()
        query_id = api.press(api.message(USER_BASE + 5, menu["message_id"]), data, user)
        wait_call(
            api,
            bot,
            lambda c, q=query_id: (
                c.method == "answerCallbackQuery" and c.params["callback_query_id"] == q
            ),
            since=mark,
        )
        wait_call(
            api,
            bot,
            lambda c: c.method == "editMessageText" and c.result["chat"]["id"] == USER_BASE + 5,
            since=mark,
        )
    mark = api.mark()
    api.send_text(user, "how do i connect to eduroam")
    answer = wait_call(api, bot, sent_to(USER_BASE + 5), since=mark).result
    assert "fb:eduroam-connect:en:1" in button_data(answer)


@pytest.fixture
def own_api() -> Iterator[BotApiServer]:
    """A Bot API server of the test's own (the module's bot polls the shared one)."""
    server = BotApiServer(TOKEN).start()
    yield server
    server.stop()


def test_did_you_mean_none_of_these_and_consent_survive_a_restart(
    own_api: BotApiServer, desk: Desk, tmp_path: Path
) -> None:
    api = own_api
    clarify = next(
        r
        for r in (desk.reply(q, preferred_language="en") for q in CLARIFY_TRIES)
        if r.kind == "clarify"
    )
    assert desk.reply(UNKNOWN, preferred_language="en").kind == "unanswered"
    api.group_chat(STAFF_CHAT, "Welcome team")
    env = bot_env(api, tmp_path, STAFF_CHAT_ID=str(STAFF_CHAT))
    picker, refuser, asker = (api.user(USER_BASE + i) for i in (11, 12, 13))
    before: dict[str, dict[str, object]] = {}
    with running_bot(api, env, tmp_path) as bot:
        for user in (picker, refuser):
            mark = api.mark()
            api.send_text(user, clarify.question)
            before[str(user["id"])] = wait_call(api, bot, sent_to(user["id"]), since=mark).result
        mark = api.mark()
        api.send_text(asker, UNKNOWN)
        miss = wait_call(api, bot, sent_to(asker["id"]), since=mark).result
        mark = api.mark()
        api.press(api.message(asker["id"], miss["message_id"]), "human", asker)
        prompt = wait_call(api, bot, sent_to(asker["id"]), since=mark).result
        assert UNKNOWN in prompt["text"]

    # a new process on the same database: nothing in memory
    with running_bot(api, env, tmp_path) as bot:
        pick = clarify.suggestions[0]
        mark = api.mark()
        message = before[str(picker["id"])]
        api.press(message, cb.encode("clarify", pick, language="en"), picker)
        edit = wait_call(api, bot, edited_in(picker["id"]), since=mark).result
        assert f"fb:{pick}:en:0" in button_data(edit)

        mark = api.mark()
        api.press(before[str(refuser["id"])], "none", refuser)
        edit = wait_call(api, bot, edited_in(refuser["id"]), since=mark).result
        assert "noted your question" in edit["text"]

        mark = api.mark()
        api.press(api.message(asker["id"], prompt["message_id"]), "hc:anon", asker)
        posted = wait_call(api, bot, sent_to(STAFF_CHAT), since=mark).result
        assert UNKNOWN in posted["text"]
        assert "· en" in posted["text"]

    async def recorded() -> set[tuple[str, str]]:
        async with bot_database(tmp_path) as store:
            return {(r.text, r.reason) for r in await store.unanswered_rows()}

    # "none of these" after the restart recorded the question behind it for real
    assert (clarify.question, "none-of-these") in asyncio.run(recorded())
