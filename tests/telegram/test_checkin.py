"""The check-in's two buttons through the handlers (real desk on the bundled FAQ, the fake Bot
API in process): labels in the message's language, "I'm not safe right now" -> the crisis
reply, "I'm OK, I had a question" -> the normal answer to the quoted message, never a "did you
mean" list. Messages written for this test."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from botapi_server import BotApiServer, parse_html
from tg_support import Driver, buttons, data_of, sent

from bot.core.desk import Desk, Kind
from bot.telegram import callback_data as cb
from storage import COUNTER_KINDS

BOT = "leiden_welcome_test_bot"

#: A risk signal without certainty plus a housing question, per language.
CHECKINS = {
    "en": "I can't do this anymore, how do I find a room?",
    "nl": "ik kan het niet meer, hoe vind ik een kamer?",
    "de": "ich kann nicht mehr, wie finde ich ein Zimmer?",
    "es": "ya no puedo más, ¿cómo encuentro una habitación?",
    "fr": "je n'en peux plus, comment trouver un logement ?",
    "it": "non ce la faccio più, come trovo una stanza?",
    "zh": "我真的受不了了。国际学生怎么在莱顿找房间？",
}


def _checkin_message(calls: list[Any]) -> dict[str, Any]:
    [message] = sent(calls)
    assert [d.split(":")[1] for d in data_of(message)] == ["u", "ok"], data_of(message)
    return message


@pytest.mark.parametrize("lang", sorted(CHECKINS))
async def test_checkin_buttons_in_the_messages_language(
    driver: Driver, fake: BotApiServer, desk: Desk, lang: str
) -> None:
    # the user's Telegram is English: labels and replies follow the message's language
    user = fake.user(3100 + sorted(CHECKINS).index(lang), language_code="en")
    text = CHECKINS[lang]
    expected = desk.reply(text, preferred_language="en")
    assert expected.kind == "checkin"
    assert expected.language == lang
    checkin = _checkin_message(await driver.text(user, text))
    assert [b["text"] for b in buttons(checkin)] == [c.label for c in expected.choices]
    assert checkin["reply_to_message"]["text"] == text  # quoted: the press reads it back
    assert all(d.split(":")[2] == lang for d in data_of(checkin))

    ok_calls = await driver.press(checkin, cb.checkin("ok", lang), user)
    [answer] = sent(ok_calls)
    assert "fb:housing-find-room:" in " ".join(data_of(answer)), answer["text"][:80]
    assert data_of(answer)[0].endswith(f":{lang}:1")  # the answer is in the message's language
    assert not any(d.startswith("cl:") for d in data_of(answer))
    # the buttons are gone from the check-in (its text with 113 stays)
    now = fake.message(checkin["chat"]["id"], checkin["message_id"])
    assert "reply_markup" not in now
    assert "113" in now["text"]


@pytest.mark.parametrize("lang", sorted(CHECKINS))
async def test_not_safe_gives_the_crisis_reply_in_the_messages_language(
    driver: Driver, fake: BotApiServer, desk: Desk, lang: str
) -> None:
    user = fake.user(3200 + sorted(CHECKINS).index(lang), language_code="en")
    checkin = _checkin_message(await driver.text(user, CHECKINS[lang]))
    calls = await driver.press(checkin, data_of(checkin)[0], user)
    [crisis] = sent(calls)
    expected = desk.checkin_unsafe(CHECKINS[lang], preferred_language="en")
    assert expected.kind == "safety"
    assert expected.language == lang
    assert crisis["text"].startswith(parse_html(expected.text)[0][:40])
    assert "0800-0113" in crisis["text"]
    assert "112" in crisis["text"]
    assert data_of(crisis) == []
    answered = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 1


async def test_not_safe_works_without_the_original_message(
    driver: Driver, fake: BotApiServer
) -> None:
    user = fake.user(3301, language_code="de")
    checkin = _checkin_message(await driver.text(user, CHECKINS["it"]))
    stored = fake.messages[(checkin["chat"]["id"], checkin["message_id"])]
    del stored["reply_to_message"]  # the user deleted the message the check-in quoted
    [crisis] = sent(await driver.press(stored, cb.checkin("unsafe", "it"), user))
    assert "0800-0113" in crisis["text"]
    assert "Zelfmoordpreventie" in crisis["text"] or "113" in crisis["text"]
    assert "chiama" in crisis["text"].lower()  # Italian: the check-in's language, not German


async def test_ok_without_the_original_message_asks_again(
    driver: Driver, fake: BotApiServer
) -> None:
    user = fake.user(3302, language_code="nl")
    checkin = _checkin_message(await driver.text(user, CHECKINS["nl"]))
    stored = fake.messages[(checkin["chat"]["id"], checkin["message_id"])]
    del stored["reply_to_message"]
    [again] = sent(await driver.press(stored, cb.checkin("ok", "nl"), user))
    assert "opnieuw" in again["text"]  # Dutch: "stuur je vraag opnieuw"
    # the buttons stay, so "I'm not safe right now" can still be pressed
    assert data_of(fake.message(checkin["chat"]["id"], checkin["message_id"]))


async def test_a_risk_message_never_gets_a_did_you_mean_list_after_ok(
    driver: Driver, fake: BotApiServer, desk: Desk
) -> None:
    user = fake.user(3303)
    text = "everything feels pointless, where do I get eduroam?"
    assert desk.reply(text).kind == "checkin"
    checkin = _checkin_message(await driver.text(user, text))
    [reply] = sent(await driver.press(checkin, cb.checkin("ok", "en"), user))
    assert not any(d.startswith(("cl:", "none")) for d in data_of(reply))


async def test_in_a_group_only_the_asker_is_ok_but_anyone_can_get_help(
    driver: Driver, fake: BotApiServer
) -> None:
    group = fake.group_chat(-100777)
    asker, other = fake.user(3401), fake.user(3402, "Bo")
    checkin = _checkin_message(await driver.text(asker, f"@{BOT} {CHECKINS['en']}", group))
    calls = await driver.press(checkin, cb.checkin("ok", "en"), other)
    assert sent(calls) == []
    [notice] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "Only the person who asked" in notice.params["text"]

    [answer] = sent(await driver.press(checkin, cb.checkin("ok", "en"), asker))
    assert "fb:housing-find-room:en:1" in data_of(answer)  # the mention was not part of it


def test_checkin_data_round_trips_and_refuses_nonsense() -> None:
    data = cb.checkin("unsafe", "zh", "medical-emergency")
    assert data == "ci:u:zh:medical-emergency"
    assert cb.decode(data) == cb.Callback("checkin", "unsafe", None, "zh", "medical-emergency")
    assert cb.decode("ci:ok:fr") == cb.Callback("checkin", "ok", None, "fr")
    for bad in ("ci:maybe:en", "ci:u", "ci:u:english", "ci:ok:en:Bad_Category", "ci"):
        assert cb.decode(bad) is None, bad
    with pytest.raises(ValueError, match="unsafe/ok and a language"):
        cb.checkin("later", "en")


def test_every_reply_kind_can_be_counted() -> None:
    # a check-in once crashed the text handler: the storage did not know the kind
    assert set(get_args(Kind)) <= set(COUNTER_KINDS)
