"""DESIGN.md step 6 through the desk: the question's language wins when we speak it; else the
user's preferred language; else English. An entry without that language answers in English
with a one-line note in the user's language."""

from __future__ import annotations

import pytest

from bot.core import i18n
from bot.core.desk import Desk

NOTE = "This answer is not available in your language yet, so here it is in English."


@pytest.fixture
def desk(minimal_tree) -> Desk:
    """Entries: housing-find-room (en nl de zh), eduroam-connect (en es zh), welfare-crisis."""
    return Desk(minimal_tree.load())


def answer_text(desk: Desk, entry: str, lang: str) -> str:
    return desk.tree.entries[entry].translations[lang].answer


@pytest.mark.parametrize(
    ("question", "preferred", "language", "entry"),
    [
        ("Hoe vind ik een kamer in Leiden?", "en", "nl", "housing-find-room"),
        ("How do I find a room in Leiden?", "de", "en", "housing-find-room"),
        ("Wie finde ich ein Zimmer in Leiden?", "nl", "de", "housing-find-room"),
        ("¿Cómo me conecto a eduroam?", "en", "es", "eduroam-connect"),
        ("How do I connect to eduroam?", "es", "en", "eduroam-connect"),
    ],
)
def test_the_question_language_wins(desk, question, preferred, language, entry):
    reply = desk.reply(question, preferred_language=preferred)
    assert (reply.kind, reply.entry, reply.language) == ("answer", entry, language)
    assert not reply.fallback
    assert reply.text.startswith(answer_text(desk, entry, language))


@pytest.mark.parametrize(
    ("question", "entry"),
    [("在莱顿怎么找房间？", "housing-find-room"), ("eduroam连不上怎么办", "eduroam-connect")],
)
@pytest.mark.parametrize("preferred", ["nl", "fr", None])
def test_chinese_is_detected(desk, question, entry, preferred):
    reply = desk.reply(question, preferred_language=preferred)
    assert (reply.kind, reply.entry, reply.language) == ("answer", entry, "zh")
    assert reply.text.startswith(answer_text(desk, entry, "zh"))


@pytest.mark.parametrize(("preferred", "language"), [("es", "es"), ("zh", "zh"), ("en", "en")])
def test_unclear_short_text_uses_the_preferred_language(desk, preferred, language):
    # "eduroam" is the same word in every language: it says nothing about the language
    reply = desk.reply("eduroam?", preferred_language=preferred)
    assert (reply.kind, reply.entry, reply.language) == ("answer", "eduroam-connect", language)
    assert not reply.fallback
    assert reply.text.startswith(answer_text(desk, "eduroam-connect", language))


def test_unclear_short_text_without_preference_is_english(desk):
    reply = desk.reply("eduroam?")
    assert reply.language == "en"
    assert reply.text.startswith(answer_text(desk, "eduroam-connect", "en"))


PORTUGUESE = "Como faço para me conectar ao eduroam no campus? Não consigo acessar a internet"


@pytest.mark.parametrize(("preferred", "language"), [("fr", "fr"), ("nl", "nl"), (None, "en")])
def test_unsupported_language_falls_back_to_preferred_or_english(desk, preferred, language):
    reply = desk.reply(PORTUGUESE, preferred_language=preferred)
    assert reply.language == language  # not taken for Spanish, Italian or Romanian


def test_an_unsupported_preferred_language_is_ignored(desk):
    assert desk.reply("eduroam?", preferred_language="pt").language == "en"
    assert desk.reply(PORTUGUESE, preferred_language="pt-BR").language == "en"


def test_entry_missing_the_language_answers_in_english_with_a_note(desk):
    # eduroam-connect has en, es and zh, no de
    reply = desk.reply("eduroam funktioniert nicht", preferred_language="en")
    assert (reply.kind, reply.entry, reply.language) == ("answer", "eduroam-connect", "de")
    assert reply.fallback
    assert answer_text(desk, "eduroam-connect", "en") in reply.text
    note = i18n.gettext("de", NOTE)
    assert reply.text.index(note) < reply.text.index(answer_text(desk, "eduroam-connect", "en"))


def test_entry_missing_the_preferred_language_after_unclear_text(desk):
    reply = desk.reply("eduroam?", preferred_language="de")
    assert (reply.entry, reply.language, reply.fallback) == ("eduroam-connect", "de", True)
    assert answer_text(desk, "eduroam-connect", "en") in reply.text


def test_entry_reply_for_a_button_press_falls_back_too(desk):
    reply = desk.entry_reply("eduroam-connect", "de")
    assert reply.fallback
    assert i18n.gettext("de", NOTE) in reply.text
    own = desk.entry_reply("eduroam-connect", "es")
    assert not own.fallback
    assert own.text.startswith(answer_text(desk, "eduroam-connect", "es"))
    assert NOTE not in own.text


def test_reply_text_is_valid_telegram_html(desk):
    from faq.markup import TELEGRAM_TAGS, html_problems

    for question in ["eduroam?", "How do I find a room in Leiden?", "qwertzuiop", "<b>hi & bye"]:
        text = desk.reply(question, preferred_language="de").text
        assert html_problems(text, allowed=TELEGRAM_TAGS) == [], (question, text)
