"""Follow-ups read with the previous answer (bot/core/followup.py), on the bundled FAQ."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.desk import Desk
from bot.core.followup import (
    Previous,
    family,
    language_request,
    reply_in_context,
    sounds_like_follow_up,
)
from faq.loader import load_tree


@pytest.fixture(scope="module")
def desk() -> Desk:
    return Desk(load_tree())


def _previous(desk: Desk, question: str, *, minutes_ago: float = 1) -> Previous:
    reply = desk.reply(question, preferred_language="en")
    assert reply.kind == "answer", reply
    assert reply.entry is not None
    return Previous(reply.entry, reply.language, datetime.now(UTC) - timedelta(minutes=minutes_ago))


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("how do I get a BSN", "and how long does that take?"),
        ("how do I find a room in Leiden", "and the cost?"),
        ("how do i connect to eduroam", "and on my phone?"),
    ],
)
def test_a_follow_up_that_does_not_stand_alone_gets_an_entry_of_the_topic(
    desk: Desk, first: str, follow_up: str
) -> None:
    previous = _previous(desk, first)
    alone = desk.reply(follow_up, preferred_language="en")
    assert alone.kind != "answer"  # on its own: a list or "I don't know"
    reply = reply_in_context(desk, follow_up, preferred_language="en", previous=previous)
    assert reply.kind == "answer"
    assert reply.entry in family(desk, previous.entry)
    assert reply.question == follow_up
    assert reply.language == "en"


def test_the_context_expires(desk: Desk) -> None:
    previous = _previous(desk, "how do I get a BSN", minutes_ago=30)
    text = "and how long does that take?"
    reply = reply_in_context(desk, text, preferred_language="en", previous=previous, minutes=10)
    assert reply == desk.reply(text, preferred_language="en")


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather tomorrow",  # out of scope: its pointer, not the old topic
        "qwertzuiop asdfghjkl",  # says nothing and does not point back
        "how do i connect to eduroam",  # stands alone
        "I want to kill myself",  # a crisis is never read as a follow-up
    ],
)
def test_what_stands_alone_is_answered_as_it_stands(desk: Desk, text: str) -> None:
    previous = _previous(desk, "how do I get a BSN")
    reply = reply_in_context(desk, text, preferred_language="en", previous=previous)
    assert reply == desk.reply(text, preferred_language="en")


def test_asking_for_another_language_repeats_the_answer_in_it(desk: Desk) -> None:
    previous = _previous(desk, "how do I get a BSN")
    reply = reply_in_context(
        desk, "en in het Nederlands?", preferred_language="en", previous=previous
    )
    assert (reply.kind, reply.entry, reply.language) == ("answer", previous.entry, "nl")
    assert reply.text == desk.entry_reply(previous.entry, "nl").text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("en in het Nederlands?", "nl"),
        ("auf Deutsch bitte", "de"),
        ("in English please", "en"),
        ("en español", "es"),
        ("用中文", "zh"),
        ("dutch courses", None),  # a question of its own
        ("how do I learn Dutch", None),
        ("what is eduroam", None),
    ],
)
def test_language_requests(text: str, code: str | None) -> None:
    assert language_request(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and the cost?", True),
        ("en hoe lang duurt dat?", True),
        ("那要多久？", True),
        ("qwertzuiop asdfghjkl", False),
    ],
)
def test_follow_up_shape(text: str, expected: bool) -> None:
    assert sounds_like_follow_up(text) is expected
