"""Bad input through the desk and the handlers: nothing crashes, every reply is valid
Telegram HTML, unanswered texts are stored verbatim (NUL aside), the event loop stays free."""

from __future__ import annotations

import asyncio
import time

import pytest
from botapi_server import BotApiServer, parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tg_support import Driver, sent

from bot.core.desk import Desk, Reply
from bot.telegram.context import BotApplication
from bot.telegram.handlers.text import blank
from bot.telegram.render.answers import MAX_MESSAGE_CHARS, render_reply, visible_length
from faq.markup import TELEGRAM_TAGS, html_problems
from faq.models import LANGUAGES
from storage import Storage
from storage.records import clean

KINDS = {"answer", "clarify", "unanswered", "safety", "checkin", "smalltalk"}
WORDS = [
    "where",
    "can",
    "I",
    "find",
    "a",
    "room",
    "housing",
    "deposit",
    "eduroam",
    "wifi",
    "doctor",
    "insurance",
    "the",
    "of",
    "to",
]

#: (name, text) of messages a careless or hostile user may send.
BAD_INPUTS: list[tuple[str, str]] = [
    ("4096 characters", (" ".join(WORDS) + " ") * 60),
    ("4096 characters of one letter", "a" * 4096),
    ("5000-character word", "b" * 2500 + "c" * 2500),
    ("emoji only", "😀🏠🎉👍🏽👨‍👩‍👧"),
    ("zero-width characters", "ho\u200bw do I f\u200cind a r\u200doom\ufeff?"),
    ("right-to-left override", "\u202ehow do I find a room\u202c in Leiden?"),
    ("bold injection", "<b>bold</b> how do I find a room"),
    ("link injection", '<a href="javascript:alert(1)">click</a> eduroam'),
    ("unclosed tag", "<i>help <b>me & you &amp; &lt;"),
    ("markdown injection", "**bold** _it_ [x](javascript:alert(1)) `code` ```pre```"),
    ("SQL-looking text", "'; DROP TABLE unanswered_questions; -- OR 1=1 /* */"),
    ("NUL bytes", "wifi\x00 is\x00 broken"),
    ("control characters", "\x07\x1b[31mred\x1b[0m room"),
    ("lone surrogate", "wifi \ud800 broken"),
    ("Arabic and Hebrew", "أين أجد غرفة؟ איפה אני מוצא חדר"),
    ("combining marks", "ro\u0301\u0301\u0301om Z\u0336a\u0337l\u0338g\u0335o"),
]
#: Texts that show nothing at all.
BLANK_INPUTS = [" ", "\t\n  \n", "\u200b\u200c\u200d", "\u202e\u202c", "\x00"]


def check_reply(reply: Reply, desk: Desk) -> None:
    """Everything a reply must be, whatever the question."""
    assert reply.kind in KINDS
    assert reply.language in LANGUAGES
    assert reply.text.strip()
    assert html_problems(reply.text, allowed=TELEGRAM_TAGS) == []
    parse_html(reply.text)  # the fake Bot API's parser (raises like Telegram would)
    parts = render_reply(reply, desk.tree).parts
    assert parts
    for part in parts:
        assert visible_length(part) <= MAX_MESSAGE_CHARS
        assert html_problems(part, allowed=TELEGRAM_TAGS) == []
    if reply.entry is not None:
        assert reply.entry in desk.tree.entries
    assert all(s in desk.tree.entries for s in reply.suggestions)
    assert len(reply.question) <= 4096


# ---------------------------------------------------------------------- the desk


@pytest.mark.parametrize(("name", "text"), BAD_INPUTS + [("blank", t) for t in BLANK_INPUTS])
def test_desk_survives_bad_input(desk: Desk, name: str, text: str) -> None:
    for preferred in (None, "en", "zh", "xx"):
        check_reply(desk.reply(text, preferred_language=preferred), desk)
    desk.search(text, language="en")


def test_desk_reads_at_most_4096_characters(desk: Desk) -> None:
    reply = desk.reply("room " * 30_000, preferred_language="en")
    assert len(reply.question) == 4096
    check_reply(reply, desk)


_FRAGMENTS = st.sampled_from(
    [
        "<b>",
        "</b>",
        "<a href='javascript:x'>",
        "&",
        "&amp;",
        "&#0;",
        "<",
        ">",
        "\x00",
        "\u200b",
        "\u202e",
        "\ufeff",
        "😀",
        "👨‍👩‍👧",
        "room",
        "eduroam",
        "kill myself",
        "hallo",
        "押金",
        "'; DROP TABLE x; --",
        "*_`[]()",
        " ",
        "\n",
    ]
)
_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_TEXTS, preferred=st.sampled_from([None, *LANGUAGES, "xx"]))
def test_desk_never_raises_and_always_gives_valid_html(
    desk: Desk, text: str, preferred: str | None
) -> None:
    check_reply(desk.reply(text, preferred_language=preferred), desk)


@pytest.mark.parametrize("text", BLANK_INPUTS)
def test_blank_texts_are_blank(text: str) -> None:
    assert blank(text)


@pytest.mark.parametrize(("name", "text"), BAD_INPUTS)
def test_real_texts_are_not_blank(name: str, text: str) -> None:
    assert not blank(text)


# ---------------------------------------------------------------------- the handlers


@pytest.mark.parametrize(("name", "text"), BAD_INPUTS)
async def test_handlers_answer_bad_input_once_and_store_it_verbatim(
    driver: Driver, fake: BotApiServer, storage: Storage, desk: Desk, name: str, text: str
) -> None:
    user = fake.user(4100)
    replies = sent(await driver.text(user, text))
    expected = render_reply(desk.reply(text, preferred_language="en"), desk.tree).parts
    assert len(replies) == len(expected)  # the fake validated each one (HTML, length)
    assert [r["chat"]["id"] for r in replies] == [4100] * len(expected)
    assert await storage.flush(10)
    rows = await storage.unanswered_rows()
    if desk.reply(text, preferred_language="en").kind == "unanswered":
        [row] = rows
        # verbatim, except what no database can keep: NUL and lone surrogates
        assert row.text == clean(text, 4096)
        assert row.text == text.replace("\x00", "").replace("\ud800", "?")[:4096]
    else:
        assert rows == []


@pytest.mark.parametrize("text", BLANK_INPUTS)
async def test_blank_messages_get_a_hint_and_are_not_stored(
    driver: Driver, fake: BotApiServer, storage: Storage, text: str
) -> None:
    [reply] = sent(await driver.text(fake.user(4101), text))
    assert "question" in reply["text"]
    assert await storage.flush(10)
    assert await storage.unanswered_rows() == []


async def test_bad_input_in_a_group_mention(driver: Driver, fake: BotApiServer) -> None:
    group = fake.group_chat()
    for _, text in BAD_INPUTS:
        mentioned = f"@leiden_welcome_test_bot {text}"[:4096]
        replies = sent(await driver.text(fake.user(4102), mentioned, chat=group))
        assert replies, text
        assert all(r["chat"]["id"] == group["id"] for r in replies)


async def test_bad_input_as_inline_query(driver: Driver, fake: BotApiServer) -> None:
    for _, text in BAD_INPUTS:
        query_id = fake.inline_query(fake.user(4103), text[:256])
        await driver.deliver()
        assert fake.inline_queries[query_id].answered


async def test_slow_desk_work_does_not_block_the_event_loop(
    driver: Driver, fake: BotApiServer, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk runs in a worker thread: other coroutines keep running meanwhile."""
    real = desk.reply

    def slow(text: str, **kwargs: str | None) -> Reply:
        end = time.perf_counter() + 0.6
        while time.perf_counter() < end:  # CPU-bound, like matching a 4,096-character text
            sum(range(1000))
        return real(text, **kwargs)

    monkeypatch.setattr(desk, "reply", slow)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    replies = sent(await driver.text(fake.user(4104), "how do I find a room?"))
    done.set()
    await task
    assert replies
    assert time.perf_counter() - started >= 0.6
    assert len(gaps) > 10
    assert max(gaps) < 0.3, max(gaps)


async def test_a_long_message_takes_well_under_a_second(
    app: BotApplication, driver: Driver, fake: BotApiServer
) -> None:
    text = " ".join(WORDS * 40)[:4096]
    started = time.perf_counter()
    assert sent(await driver.text(fake.user(4105), text))
    assert time.perf_counter() - started < 2.0
