"""The desk's safety tiers on the bundled FAQ: crisis reply (led by what fits the category),
check-in with its two buttons, the reply language, and ordinary answers without 113.
Messages written for this test."""

from __future__ import annotations

import pytest

from bot.core.desk import Desk
from faq.loader import load_tree


@pytest.fixture(scope="module")
def desk() -> Desk:
    return Desk(load_tree())


def test_certain_crisis_gets_the_crisis_reply_at_once(desk):
    reply = desk.reply("i'm going to kill myself tonight")
    assert reply.kind == "safety"
    assert reply.entry == "welfare-crisis"
    assert reply.category == "direct-ideation"
    assert "0800-0113" in reply.text
    assert "112" in reply.text
    assert "113.nl" in reply.text
    assert reply.choices == ()


def test_sexual_violence_leads_with_centrum_seksueel_geweld(desk):
    reply = desk.reply("he raped me after the party yesterday")
    assert reply.kind == "safety"
    assert reply.category == "sexual-violence"
    assert reply.text.index("0800-0188") < reply.text.index("0800-0113")


@pytest.mark.parametrize(
    "message",
    ["i took a whole bottle of paracetamol", "my friend collapsed and is not breathing"],
)
def test_overdose_and_medical_lead_with_112(desk, message):
    reply = desk.reply(message)
    assert reply.kind == "safety"
    assert reply.text.index("112") < reply.text.index("0800-0113")


def test_a_risk_signal_gets_a_checkin_with_two_buttons(desk):
    reply = desk.reply("i just can't do this anymore")
    assert reply.kind == "checkin"
    assert reply.is_checkin
    assert "113" in reply.text
    assert "112" in reply.text
    assert [c.action for c in reply.choices] == ["unsafe", "ok"]
    assert reply.suggestions == ()


def test_checkin_buttons(desk):
    text = "i can't do this anymore, how do i find a room in leiden"
    unsafe = desk.checkin_unsafe(text)
    assert unsafe.kind == "safety"
    assert unsafe.entry == "welfare-crisis"
    ok = desk.checkin_ok(text)
    assert ok.kind in ("answer", "unanswered")  # never a "did you mean" list
    assert ok.kind != "checkin"


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("ik heb mezelf weer gesneden", "nl"),
        ("mi voglio fare del male", "it"),
        ("me estoy haciendo daño otra vez", "es"),
        ("ich will mich umbringen", "de"),
        ("je veux me suicider", "fr"),
        ("我不想活了", "zh"),
    ],
)
def test_crisis_reply_in_the_language_of_the_message(desk, message, lang):
    reply = desk.reply(message, preferred_language="en")
    assert reply.kind == "safety"
    assert reply.language == lang


def test_mixed_message_uses_the_users_language(desk):
    reply = desk.reply("help, ik wil dood, i want to die", preferred_language="nl")
    assert reply.kind == "safety"
    assert reply.language == "nl"


@pytest.mark.parametrize(
    "message",
    [
        "how do I connect to eduroam",
        "how much does a room in Leiden cost",
        "this exam is killing me, where is the library",
        "can i take my dog on the bus to utrecht?",
    ],
)
def test_ordinary_answers_do_not_name_113(desk, message):
    reply = desk.reply(message)
    assert reply.kind not in ("safety", "checkin")
    assert "113" not in reply.text


def test_inline_search_gives_the_crisis_reply(desk):
    results = desk.search("i want to end my life", language="en")
    assert [r.kind for r in results] == ["safety"]


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("my housemate fainted in the kitchen and isn't responding", "en"),
        ("er ligt iemand te schokken in de gang", "nl"),
        ("mein mitbewohner ist bewusstlos und atmet nicht", "de"),
        ("mi novia tiene espuma por la boca", "es"),
        ("mon ami est inconscient, il ne respire plus", "fr"),
        ("la mia coinquilina è svenuta e non respira", "it"),
        ("室友晕倒了，叫不醒", "zh"),
    ],
)
def test_medical_signs_get_the_crisis_reply_with_112_first(desk, message, lang):
    reply = desk.reply(message)
    assert reply.kind == "safety", message
    assert reply.language == lang
    assert reply.text.index("112") < reply.text.index("0800-0113")
