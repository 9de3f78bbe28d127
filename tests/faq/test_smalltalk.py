"""Smalltalk: greetings, thanks, goodbyes, "who are you", "are you a bot" in the seven
languages, with the bundled smalltalk files; a greeting in front of a question is a question."""

from __future__ import annotations

import pytest

from bot.core.desk import Desk
from faq.models import LANGUAGES
from faq.smalltalk import SmalltalkMatcher

# language -> kind -> messages written for these tests
SMALLTALK: dict[str, dict[str, list[str]]] = {
    "en": {
        "greeting": ["hi!", "Hello there :)", "good evening"],
        "thanks": ["thanks a lot!", "thank you so much"],
        "bye": ["bye, see you later"],
        "who-are-you": ["who are you?"],
        "are-you-bot": ["are you a bot?"],
    },
    "nl": {
        "greeting": ["hoi", "Hallo allemaal!", "goedemorgen"],
        "thanks": ["dank je wel", "bedankt!"],
        "bye": ["doei", "tot ziens"],
        "who-are-you": ["wie ben jij?"],
        "are-you-bot": ["ben je een robot?"],
    },
    "de": {
        "greeting": ["Guten Morgen!", "Hallo zusammen"],
        "thanks": ["vielen Dank!", "danke schön", "danke schon"],  # with and without umlaut
        "bye": ["tschüss", "bis später"],
        "who-are-you": ["wer bist du?"],
        "are-you-bot": ["bist du ein Bot?"],
    },
    "es": {
        "greeting": ["¡Hola!", "buenos dias"],
        "thanks": ["muchas gracias", "gracias!!"],
        "bye": ["adiós", "hasta luego"],
        "who-are-you": ["quién eres?", "quien eres"],
        "are-you-bot": ["eres un bot?"],
    },
    "fr": {
        "greeting": ["Bonjour !", "salut"],
        "thanks": ["merci beaucoup"],
        "bye": ["au revoir", "à plus"],
        "who-are-you": ["qui es-tu ?"],
        "are-you-bot": ["tu es un robot ?"],
    },
    "it": {
        "greeting": ["Ciao!", "buongiorno"],
        "thanks": ["grazie mille"],
        "bye": ["arrivederci", "a presto"],
        "who-are-you": ["chi sei?"],
        "are-you-bot": ["sei un bot?"],
    },
    "zh": {
        "greeting": ["你好", "您好！"],
        "thanks": ["谢谢", "非常感谢"],
        "bye": ["再见", "拜拜"],
        "who-are-you": ["你是谁？"],
        "are-you-bot": ["你是机器人吗？"],
    },
}

NOT_SMALLTALK = [
    "Hi! how do I find a room",
    "hello, how do I find a room in Leiden?",
    "thanks, but how do I find a room",
    "Hallo, wie finde ich ein Zimmer in Leiden?",
    "你好，在莱顿怎么找房间？",
    "hi hi hi hi hi hi hi hi hi hi hi hi",  # too long to be smalltalk, whatever it is
]


def cases() -> list[tuple[str, str, str]]:
    return [
        (lang, kind, m)
        for lang, kinds in SMALLTALK.items()
        for kind, ms in kinds.items()
        for m in ms
    ]


@pytest.fixture(scope="module")
def tree(make_faq_builder):
    return make_faq_builder("smalltalk").minimal().use_bundled("smalltalk").load()


@pytest.fixture(scope="module")
def smalltalk(tree) -> SmalltalkMatcher:
    return SmalltalkMatcher(tree.smalltalk)


@pytest.fixture(scope="module")
def desk(tree) -> Desk:
    return Desk(tree)


def test_every_language_is_covered_by_these_tests():
    assert set(SMALLTALK) == set(LANGUAGES)


@pytest.mark.bundled
def test_bundled_smalltalk_replies_in_every_language(tree):
    kinds = {k.id: k for k in tree.smalltalk}
    assert {"greeting", "thanks", "bye", "who-are-you", "are-you-bot"} <= set(kinds)
    for kind in kinds.values():
        for lang in LANGUAGES:
            assert kind.reply(lang)[1] == lang, (kind.id, lang)


@pytest.mark.bundled
@pytest.mark.parametrize(("lang", "kind", "message"), cases())
def test_smalltalk_is_recognised(smalltalk, lang, kind, message):
    found = smalltalk.match(message)
    assert found is not None, f"[{lang}] {message!r} not recognised"
    assert found.kind.id == kind


@pytest.mark.bundled
@pytest.mark.parametrize(
    ("message", "language"),
    [("vielen Dank!", "de"), ("muchas gracias", "es"), ("谢谢", "zh"), ("grazie mille", "it")],
)
def test_desk_answers_smalltalk_in_its_language(desk, tree, message, language):
    reply = desk.reply(message, preferred_language="en")
    assert reply.kind == "smalltalk"
    assert reply.entry is None
    assert reply.language == language
    thanks = next(k for k in tree.smalltalk if k.id == "thanks")
    assert reply.text == thanks.reply(language)[0]


@pytest.mark.bundled
@pytest.mark.parametrize("message", NOT_SMALLTALK)
def test_a_question_with_a_greeting_is_not_smalltalk(smalltalk, desk, message):
    assert smalltalk.match(message) is None
    assert desk.reply(message).kind != "smalltalk"


@pytest.mark.bundled
def test_greeting_then_question_gets_the_answer(desk):
    reply = desk.reply("Hi! how do I find a room")
    assert reply.kind == "answer"
    assert reply.entry == "housing-find-room"


def test_own_smalltalk_tree(minimal_tree):
    """The mechanism on the test's own two kinds (greeting, thanks in en and nl)."""
    matcher = SmalltalkMatcher(minimal_tree.load().smalltalk)
    assert matcher.match("Hello!!").kind.id == "greeting"
    assert matcher.match("good morning").kind.id == "greeting"
    both = matcher.match("hallo, bedankt!")
    assert both.kind.id == "thanks"  # thanks matters more than the greeting
    assert both.language == "nl"
    assert matcher.match("") is None
    assert matcher.match("good morning, where is my room") is None
