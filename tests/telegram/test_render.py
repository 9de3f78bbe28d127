"""Pure parts of the Telegram layer: splitting long HTML, callback data, mentions, settings."""

from __future__ import annotations

import re

import pytest
from botapi_server import parse_html, utf16_len
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Message, MessageEntity

from bot.core.config import Settings
from bot.telegram import callback_data as cb
from bot.telegram.app import bot_commands, file_base_url
from bot.telegram.handlers.text import addressed_text
from bot.telegram.render import answers
from bot.telegram.render.answers import MAX_MESSAGE_CHARS, split_html, visible_length
from bot.telegram.run import settings_problem
from faq.markup import TELEGRAM_TAGS, html_problems
from faq.models import LANGUAGES


def _plain(text: str) -> str:
    return parse_html(text)[0]


def _words(text: str) -> list[str]:
    return _plain(text).split()


# ---------------------------------------------------------------------- split_html


def test_short_text_is_one_part() -> None:
    assert split_html("  <b>hi</b> there \n") == ["<b>hi</b> there"]
    assert split_html(" \n ") == []
    assert split_html("<b> </b>") == []


def test_splits_at_paragraphs_first() -> None:
    paragraphs = [("word " * 150).strip() for _ in range(10)]  # 749 chars each
    parts = split_html("\n\n".join(paragraphs), limit=2000)
    assert parts == ["\n\n".join(paragraphs[i : i + 2]) for i in range(0, 10, 2)]


def test_falls_back_to_lines_then_spaces_then_anywhere() -> None:
    lines = "\n".join(["x" * 90] * 30)
    assert all(p.count("\n") < 30 and len(p) <= 1000 for p in split_html(lines, limit=1000))
    assert split_html("a" * 25, limit=10) == ["a" * 10, "a" * 10, "a" * 5]
    assert split_html("aaa bbb ccc ddd", limit=8) == ["aaa bbb", "ccc ddd"]


def test_tags_are_closed_and_reopened_at_a_cut() -> None:
    text = (
        "<b>bold "
        + "word " * 40
        + '<a href="https://example.org/?a=1&amp;b=2">link '
        + ("text " * 40)
        + "</a></b> tail"
    )
    parts = split_html(text, limit=120)
    assert len(parts) > 3
    for part in parts:
        assert html_problems(part, allowed=TELEGRAM_TAGS) == []
        assert visible_length(part) <= 120
    assert _words("\n".join(parts)) == _words(text)
    assert parts[-1].endswith("</a></b> tail")
    assert parts[2].startswith("<b>")


def test_entities_and_astral_characters_count_like_telegram() -> None:
    assert visible_length("&lt;b&gt; &amp; &#128512; 😀 <i>x</i>") == utf16_len("<b> & 😀 😀 x")
    parts = split_html("😀" * 10, limit=4)
    assert parts == ["😀😀", "😀😀", "😀😀", "😀😀", "😀😀"]
    assert split_html("&amp;" * 6, limit=4) == ["&amp;" * 4, "&amp;" * 2]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "é",
                "😀",
                " ",
                "\n",
                "<",
                ">",
                "&",
                ";",
                "#",
                "x",
                "1",
                "<b>",
                "</b>",
                "&amp;",
                "&#128512;",
                "&#x1F600;",
                "&lt;",
                "&nbsp;",
                '<a href="x">',
            ]
        )
    ).map("".join)
)
def test_visible_length_counts_as_telegram_does_atom_by_atom(text: str) -> None:
    """Plain runs are counted in one piece: the same sum as atom by atom (the reference,
    checked against Telegram's parser in the test above)."""
    assert visible_length(text) == sum(
        answers._atom_length(m.group(0)) for m in answers._ATOM.finditer(text)
    )


def test_real_limit_is_telegrams() -> None:
    text = "\n\n".join(["<i>" + "é" * 3000 + "</i>"] * 3)
    parts = split_html(text)
    assert len(parts) == 3
    assert all(visible_length(p) <= MAX_MESSAGE_CHARS for p in parts)


_word = st.text(alphabet='abcé😀<>&"', min_size=1, max_size=12).map(
    lambda w: w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)


@st.composite
def _html(draw: st.DrawFn) -> str:
    out: list[str] = []
    stack: list[str] = []
    for _ in range(draw(st.integers(1, 120))):
        choice = draw(st.integers(0, 9))
        if choice == 0 and len(stack) < 3 and "code" not in stack:
            tag = draw(st.sampled_from(["b", "i", "u", "a", "code", "s"]))
            out.append('<a href="https://x.org/">' if tag == "a" else f"<{tag}>")
            stack.append(tag)
        elif choice == 1 and stack:
            out.append(f"</{stack.pop()}>")
        else:
            out.append(draw(_word) + draw(st.sampled_from([" ", " ", "\n", "\n\n", ""])))
    out.extend(f"</{t}>" for t in reversed(stack))
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(text=_html(), limit=st.integers(4, 200))
def test_every_part_parses_fits_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_html(text, limit=limit)
    for part in parts:
        plain, _ = parse_html(part)  # raises on anything Telegram would reject
        assert utf16_len(plain) <= limit
        assert plain.strip()
    joined = "".join(_plain(p) for p in parts)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", _plain(text))


# ---------------------------------------------------------------------- callback data


@pytest.mark.parametrize(
    ("action", "arg", "flag", "language", "data"),
    [
        ("answer", "housing-scams", None, "en", "a:housing-scams:en"),
        ("answer", "housing-scams", None, None, "a:housing-scams"),
        ("clarify", "lic-about", None, "zh", "cl:lic-about:zh"),
        ("feedback", "eduroam-what", True, "de", "fb:eduroam-what:de:1"),
        ("feedback", "eduroam-what", False, None, "fb:eduroam-what:0"),
        ("topic", "housing", None, None, "topic:housing"),
        ("browse", "welfare-gp", None, "nl", "ta:welfare-gp:nl"),
        ("lang", "it", None, None, "lang:it"),
        ("forget", "yes", None, None, "forget:yes"),
        ("none", "", None, None, "none"),
        ("topics", "", None, None, "topics"),
        ("langs", "", None, None, "langs"),
        ("human", "", None, None, "human"),
    ],
)
def test_callback_data_round_trip(
    action: cb.Action, arg: str, flag: bool | None, language: str | None, data: str
) -> None:
    assert cb.encode(action, arg, flag, language=language) == data
    assert cb.decode(data) == cb.Callback(action, arg, flag, language)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "x",
        "a",
        "a:",
        "fb:entry",
        "fb:entry:2",
        "fb::1",
        "forget:maybe",
        "none:x",
        "lang",
        "a:one:two:three",
        "z" * 65,
        "topics:extra",
    ],
)
def test_unknown_callback_data_is_none(data: str | None) -> None:
    assert cb.decode(data) is None


def test_long_ids_are_digested_to_fit() -> None:
    long_id = "a-very-long-entry-id-that-staff-wrote-" + "x" * 40
    data = cb.encode("feedback", long_id, True, language="en")
    assert len(data.encode()) <= cb.MAX_BYTES
    press = cb.decode(data)
    assert press is not None
    assert press.flag is True
    assert press.language == "en"
    assert cb.resolve(press.arg, {"other", long_id}) == long_id
    assert cb.resolve("housing", ["housing"]) == "housing"
    assert cb.resolve("#deadbeef", ["housing"]) is None


# ---------------------------------------------------------------------- mentions


def _message(text: str, entities: list[MessageEntity] | None = None) -> Message:
    from datetime import UTC, datetime

    from telegram import Chat

    return Message(1, datetime.now(UTC), Chat(-1, "supergroup"), text=text, entities=entities or [])


def test_addressed_text_strips_the_mention() -> None:
    text = "@Leiden_Bot where do I register?"
    message = _message(text, [MessageEntity("mention", 0, 11)])
    assert addressed_text(message, "leiden_bot", 42) == "where do I register?"
    assert addressed_text(_message("hi @other_bot"), "leiden_bot", 42) is None
    assert addressed_text(_message("no mention at all"), "leiden_bot", 42) is None
    # no entity (a client that did not mark it): still addressed
    assert addressed_text(_message("hey @leiden_bot, eduroam?"), "leiden_bot", 42) == (
        "hey , eduroam?"
    )
    assert addressed_text(_message("@leiden_bots x"), "leiden_bot", 42) is None


# ---------------------------------------------------------------------- app and run


def test_file_base_url() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize("language", LANGUAGES)
def test_bot_commands_follow_the_bot_api(language: str) -> None:
    for command in bot_commands(language):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.command)
        assert 1 <= len(command.description) <= 256


def _settings(**values: object) -> Settings:
    base: dict[str, object] = {"telegram_bot_token": "123:abc", "hash_secret": "s"}
    base.update(values)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(
    ("values", "webhook", "expected"),
    [
        ({}, False, None),
        ({"telegram_bot_token": None}, False, "TELEGRAM_BOT_TOKEN is not set"),
        ({"telegram_bot_token": "nonsense"}, False, "does not look like a bot token"),
        ({"hash_secret": None}, False, "HASH_SECRET is not set"),
        ({"log_level": "LOUD"}, False, "LOG_LEVEL"),
        ({}, True, "WEBHOOK_URL is not set"),
        ({"webhook_url": "https://x.org/hook"}, True, "WEBHOOK_SECRET is not set"),
        (
            {"webhook_url": "https://x.org/hook", "webhook_secret": "bad secret!"},
            True,
            "WEBHOOK_SECRET may only contain",
        ),
        ({"webhook_url": "https://x.org/hook", "webhook_secret": "good_secret-1"}, True, None),
    ],
)
def test_settings_problems(values: dict[str, object], webhook: bool, expected: str | None) -> None:
    problem = settings_problem(_settings(**values), webhook=webhook)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem
        assert "\n" not in problem
