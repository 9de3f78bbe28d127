"""Crisis triggers.

The first part uses the REAL bundled ``faq/content/safety.yaml`` (copied into a small tree so
that the rest of the bundled content, still being written, does not matter): for each of the
seven languages, direct and indirect suicidal messages and self-harm or danger messages must
trigger, also with typos and without accents, and everyday idioms must not. The messages are
written for these tests, not taken from the trigger list or the development set.

The second part tests the mechanism on a tree whose triggers the test chooses.
"""

from __future__ import annotations

import pytest

from bot.core.desk import Desk
from faq.models import LANGUAGES
from faq.safety import SafetyCheck

# language -> kind -> messages. Comments mark the typos and missing accents.
CRISIS: dict[str, dict[str, list[str]]] = {
    "en": {
        "direct": [
            "honestly i want to kill myslef tonight",  # typo
            "I think about suicide every day now",
            "i wnat to die",  # typo
            "i want to kil myself",  # typo
            "i feel suicidel tonight",  # typo
        ],
        "indirect": [
            "i dont want to be alive anymore, everything is pointless",
            "my family would be beter off without me",  # typo
            "everyone would be better off if i was gone",
            "sometimes i just want to dissapear forever",  # typo
        ],
        "harm": [
            "I started cuting myself again last week",  # typo
            "i've been hurting myself",
            "my boyfriend has a knife and says he will use it",
            "someone is following me home every night",
        ],
    },
    "nl": {
        "direct": [
            "ik denk steeds aan zelfmoord",
            "ik wil zelfmord plegen",  # typo
            "ik wil mezelf van kant maaken",  # typo
        ],
        "indirect": [
            "ik wil niet meer leeven",  # typo
            "ik wil echt niet meer leven",  # a filler inside the phrase
            "ik zie het niet meer ziten",  # typo
            "ik zie het echt niet meer zitten",  # filler
            "iedereen is beter af zonder mij",
            "ik ben iedereen tot last",
        ],
        "harm": [
            "ik wil mezelf iets aandoen",
            "ik doe mezelf pijn",
            "mijn vriend slaat me en ik durf niet naar huis",
            "ik heb suicidale gedachten",  # no diaeresis (suïcidale)
        ],
    },
    "de": {
        "direct": [
            "ich will mich umbrigen",  # typo
            "ich habe selbstmordgedanken",
            "ich will sterbn",  # typo
        ],
        "indirect": [
            "ich mochte nicht mehr leben",  # no umlaut (möchte)
            "ich will einfach nicht mehr leben",  # filler
            "ich möchte einfach nicht mehr aufwachen",
            "alle waren besser dran ohne mich",  # no umlaut (wären)
            "ich habe keinen ausweg mehr",
        ],
        "harm": [
            "ich ritze mich wieder",
            "ich verletze mich selbst",
            "mein freund schlagt mich",  # no umlaut (schlägt)
        ],
    },
    "es": {
        "direct": [
            "quiero suisidarme",  # typo
            "a veces pienso en quitarme la vida",
            "tengo ganas de morirme",
        ],
        "indirect": [
            "ya no qiero vivir",  # typo
            "todos estarian mejor sin mi",  # no accents (estarían, mí)
        ],
        "harm": [
            "me hago dano a proposito",  # no tilde/accent (daño, propósito)
            "mi compañero de piso me golpea",
            "mi novio me amenaza con un cuchillo",
        ],
    },
    "fr": {
        "direct": [
            "je veux me suicder",  # typo
            "j'ai envie de mourir",
            "je veux mourrir",  # typo
        ],
        "indirect": [
            "je n'ai plus envie de vivre",
            "je ne veux vraiment plus vivre",  # filler
            "tout le monde serait mieux sans moi",
            "je voudrais etre morte",  # no accent (être)
            "je suis un fardeau pour ma famille",
        ],
        "harm": [
            "je me scarifie depuis des mois",
            "mon copain me frappe",
        ],
    },
    "it": {
        "direct": [
            "voglio uciddermi",  # typo
            "penso al suicidio",
        ],
        "indirect": [
            "non voglio piu vivere",  # no accent (più)
            "non voglio proprio più vivere",  # filler
            "starebbero tutti meglio senza di me",
            "non c'e nessuna via d'uscita",  # no accent (c'è)
            "vorrei sparire per sempre",
        ],
        "harm": [
            "mi faccio del male di nascosto",
            "il mio ragazzo mi picchia",
        ],
    },
    "zh": {
        "direct": [
            "我想自杀",
            "我真的很想死",
            "我 想 死",  # spaced out
        ],
        "indirect": [
            "活着没有意义，我想永远消失",
        ],
        "harm": [
            "我又割腕了",
            "男朋友打我，我不敢回家",
        ],
    },
}

IDIOMS = [
    "this deadline is killing me",
    "my phone battery is dead",
    "I'd die for a room in the centre",
    "I'm dying to know if I got the room",
    "my parents will kill me if I fail this course",
    "I'm dead tired after the move",
    "I'm killing time at the station",
    "the heat in my room is killing me",
    "i need to cut my hair, where is a barber",
    "where can I buy a knife for the kitchen",
    "how do I kill a process on my laptop",
    "can someone kill the spider in my room",
    "the wifi is dead again",
    "ik lach me dood",
    "ik ben doodmoe van het verhuizen",
    "mijn telefoon is dood",
    "ich lach mich tot",
    "ich bin todmüde",
    "der stress bringt mich um",
    "me muero de risa",
    "este examen me esta matando",
    "je suis mort de rire",
    "je meurs de faim",
    "muoio dal ridere",
    "sono stanco morto",
    "笑死我了",
    "累死了，今天搬家",
    "手机没电了",
]


def cases() -> list[tuple[str, str, str]]:
    return [
        (lang, kind, msg)
        for lang, kinds in CRISIS.items()
        for kind, msgs in kinds.items()
        for msg in msgs
    ]


@pytest.fixture(scope="module")
def real_safety(make_faq_builder):
    builder = make_faq_builder("safety").minimal().use_bundled("safety.yaml")
    return builder


@pytest.fixture(scope="module")
def check(real_safety) -> SafetyCheck:
    return SafetyCheck(real_safety.load().safety)


def test_every_language_is_covered_by_these_tests():
    assert set(CRISIS) == set(LANGUAGES)
    for kinds in CRISIS.values():
        assert set(kinds) == {"direct", "indirect", "harm"}
        assert all(kinds.values())


def test_bundled_safety_file_has_triggers_for_every_language(real_safety):
    rules = real_safety.load().safety
    assert rules.entry == "welfare-crisis"
    for lang in LANGUAGES:
        assert rules.triggers.get(lang), lang


@pytest.mark.bundled
@pytest.mark.parametrize(("lang", "kind", "message"), cases())
def test_crisis_message_triggers(check, lang, kind, message):
    assert check.trigger(message) is not None, f"[{lang} {kind}] {message!r} did not trigger"


@pytest.mark.bundled
@pytest.mark.parametrize("message", IDIOMS)
def test_everyday_idioms_do_not_trigger(check, message):
    assert check.trigger(message) is None, f"{message!r} triggered on {check.trigger(message)!r}"


@pytest.mark.bundled
@pytest.mark.parametrize(
    "message",
    ["I have been thinking about suicde a lot lately", "thinking of suiside", "i took an overdsoe"],
)
def test_typo_in_a_short_single_word_trigger(check, message):
    assert check.trigger(message) is not None


@pytest.mark.bundled
@pytest.mark.parametrize(
    "message",
    [
        "ik heb zelfmoordgedachten",
        "ik heb al weken zelfmoordneigingen",
        "ho pensieri suicidi",
        "ich habe Suizidgedanken seit Wochen",
        "我想自殺",
    ],
)
def test_compounds_and_everyday_words_trigger(check, message):
    assert check.trigger(message) is not None


@pytest.mark.bundled
def test_idiom_does_not_hide_a_real_crisis_in_the_same_message(check):
    assert check.trigger("this deadline is killing me and honestly i want to end my life")
    assert check.trigger("笑死我了，但是其实我想自杀")
    assert check.trigger("je suis mort de rire mais en vrai j'ai envie de mourir")


# --------------------------------------------------------------------------- through the desk
@pytest.fixture(scope="module")
def desk(real_safety) -> Desk:
    return Desk(real_safety.load())


@pytest.mark.bundled
@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("How do I find a room in Leiden? I can't find anything and I want to end my life", "en"),
        ("Hoe vind ik een kamer in Leiden? Ik vind niks en ik wil niet meer leven", "nl"),
        ("在莱顿怎么找房间？找不到房间，我真的不想活了", "zh"),
        ("Wie finde ich ein Zimmer in Leiden? Ich finde nichts und will nicht mehr leben", "de"),
    ],
)
def test_crisis_inside_a_housing_question_is_safety(desk, message, language):
    assert desk.matcher.match(message)[0].entry == "housing-find-room"  # it is a housing question
    reply = desk.reply(message, preferred_language="en")
    assert reply.kind == "safety"
    assert reply.entry == "welfare-crisis"
    assert "113" in reply.text
    assert reply.language == language
    assert reply.suggestions == ()


@pytest.mark.bundled
def test_idiom_inside_a_housing_question_is_not_safety(desk):
    reply = desk.reply("this room search is killing me, how do I find a room in Leiden?")
    assert reply.kind != "safety"
    assert reply.entry == "housing-find-room"


# --------------------------------------------------------------------------- the mechanism
@pytest.fixture
def own(minimal_tree) -> SafetyCheck:
    """Triggers chosen by the test (see ``FaqTreeBuilder.minimal``)."""
    return SafetyCheck(minimal_tree.load().safety)


def test_exact_phrase_anywhere_as_whole_words(own):
    assert own.trigger("please help, I want to kill myself.") == "kill myself"
    assert own.trigger("I WANT TO DIE!!!") == "i want to die"
    assert own.trigger("how do I kill a process") is None  # a word of a phrase is not enough
    assert own.trigger("I want to spend my lifetime in Leiden") is None


def test_long_phrases_tolerate_typos_short_ones_do_not(own):
    assert own.trigger("i wnat to die") == "i want to die"
    assert own.trigger("I want to end my lfie") == "end my life"
    # "ik wil dood" is 11 characters: typo-tolerant; "zelfmoord" is exactly the limit
    assert own.trigger("ik wil doood") is not None


def test_a_filler_word_inside_a_longer_phrase_does_not_hide_it(own):
    assert own.trigger("I want to end my whole life") == "end my life"
    assert own.trigger("ik wil echt dood") == "ik wil dood"
    assert own.trigger("I will kill it myself") is None  # two-word phrases take no filler


def test_chinese_triggers_match_inside_text(own):
    assert own.trigger("我最近一直想死") == "想死"
    assert own.trigger("我想，自杀") == "自杀"  # punctuation between the characters


def test_idioms_are_removed_before_checking(own):
    assert own.trigger("this deadline is killing me") is None
    assert own.trigger("ik lach me dood") is None
    assert own.trigger("笑死我了") is None
    assert own.trigger("这个作业笑死了，但我想死") == "想死"


def test_accents_and_invisible_characters_do_not_hide_a_trigger(own):
    assert own.trigger("zelf\u200bmoord") == "zelfmoord"
    assert own.trigger("ＫＩＬＬ ＭＹＳＥＬＦ") == "kill myself"
    assert own.is_crisis("Zélfmóórd")


def test_nothing_to_check(own):
    assert own.trigger("") is None
    assert not own.is_crisis("how do I find a room")
