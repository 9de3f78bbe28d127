"""The handoff to a person through ``Application.process_update``: consent, what the staff
chat sees, replies relayed to exactly the right user, follow-ups, ending, the daily limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, chats_written_to, reply_to, sent_to
from tg_support import Driver, data_of, sent

from bot.core.i18n import gettext
from bot.telegram.context import BotApplication
from storage import Storage

CONSENT = ["hc:anon", "hc:name", "hc:no"]
#: Questions the minimal tree cannot answer, each its own group, detected as English.
QUESTIONS = (
    "Can I bring my cat on the train to Amsterdam?",
    "Where can I buy a second-hand bicycle cheaply?",
)


async def _unanswered(driver: Driver, user: dict[str, Any], text: str) -> dict[str, Any]:
    [reply] = sent(await driver.text(user, text))
    assert "human" in data_of(reply), reply["text"]
    return reply


async def _open(
    driver: Driver,
    user: dict[str, Any],
    question: str,
    choice: str = "hc:anon",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user asks ``question`` (unanswered), talks to a person and consents: (the staff-chat
    message with the question, the user's confirmation)."""
    reply = await _unanswered(driver, user, question)
    [prompt] = sent(await driver.press(reply, "human", user))
    assert data_of(prompt) == CONSENT
    assert question in prompt["text"]  # the user sees what will be sent
    calls = await driver.press(prompt, choice, user)
    [posted] = sent_to(calls, STAFF_CHAT_ID)
    [confirmation] = [c.result for c in calls if c.method == "editMessageText"][-1:]
    assert confirmation["chat"]["id"] == user["id"]
    assert data_of(confirmation) == ["hend"]
    # the staff message as it is now (numbered after the link was stored)
    return driver.fake.message(STAFF_CHAT_ID, posted["message_id"]), confirmation


async def test_anonymous_handoff_shares_no_name(
    driver: Driver, fake: BotApiServer, storage: Storage, staff_chat: dict[str, Any]
) -> None:
    user = fake.user(1001, "Ana", "de", last_name="Lopez", username="ana_l")
    posted, confirmation = await _open(driver, user, QUESTIONS[0])
    text = posted["text"]
    match = re.match(r"🙋 Handoff #(\d+) · (\w\w)\n", text)
    assert match, text
    assert f"#{match.group(1)}" in confirmation["text"]  # the user's reference
    assert "anonymous" in text
    assert QUESTIONS[0] in text
    for identifying in ("Ana", "Lopez", "ana_l", "1001"):
        assert identifying not in text
    link = await storage.handoff(handoff_id=int(match.group(1)))
    assert link is not None
    assert (link.user_chat_id, link.staff_message_id) == (1001, posted["message_id"])


async def test_the_team_and_the_user_see_the_language_of_the_question(
    driver: Driver,
    fake: BotApiServer,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Jonas", "de")
    posted, confirmation = await _open(driver, user, "Wo kann ich ein gebrauchtes Fahrrad kaufen?")
    assert posted["text"].startswith(f"🙋 Handoff #{_number(posted)} · de\n")
    assert "#1" in confirmation["text"]
    calls = await reply_to(driver, staff_member, staff_chat, posted, "Probier Marktplaats.")
    [relayed] = sent_to(calls, 1001)
    assert relayed["text"] == f"💬 {gettext('de', 'Our welcome team')}\n\nProbier Marktplaats."


async def test_handoff_with_first_name_shares_the_first_name_only(
    driver: Driver, fake: BotApiServer, staff_chat: dict[str, Any]
) -> None:
    user = fake.user(1001, "Ana <3", last_name="Lopez", username="ana_l")
    posted, _ = await _open(driver, user, QUESTIONS[0], "hc:name")
    assert "From: Ana <3 (first name shared by the user)" in posted["text"]
    for identifying in ("Lopez", "ana_l", "1001"):
        assert identifying not in posted["text"]


async def test_cancel_sends_nothing(
    driver: Driver, fake: BotApiServer, staff_chat: dict[str, Any]
) -> None:
    user = fake.user(1001)
    reply = await _unanswered(driver, user, QUESTIONS[0])
    [prompt] = sent(await driver.press(reply, "human", user))
    calls = await driver.press(prompt, "hc:no", user)
    assert STAFF_CHAT_ID not in chats_written_to(calls)
    [edited] = [c.result for c in calls if c.method == "editMessageText"]
    assert "not sent anything" in edited["text"]


async def test_contact_without_a_question_asks_for_it(
    driver: Driver, fake: BotApiServer, staff_chat: dict[str, Any]
) -> None:
    user = fake.user(1001)
    [prompt] = sent(await driver.text(user, "/contact"))
    assert data_of(prompt) == CONSENT
    calls = await driver.press(prompt, "hc:anon", user)
    assert STAFF_CHAT_ID not in chats_written_to(calls)
    [asking] = [c.result for c in calls if c.method == "editMessageText"]
    assert "type your question" in asking["text"]
    calls = await driver.text(user, "My landlord keeps my deposit, what can I do?")
    [posted] = sent_to(calls, STAFF_CHAT_ID)
    assert "My landlord keeps my deposit" in posted["text"]
    [confirmation] = sent_to(calls, 1001)
    assert data_of(confirmation) == ["hend"]


async def test_staff_reply_reaches_exactly_the_right_user(
    driver: Driver,
    fake: BotApiServer,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    ana, bo = fake.user(1001, "Ana"), fake.user(1002, "Bo")
    to_ana, _ = await _open(driver, ana, QUESTIONS[0])
    to_bo, _ = await _open(driver, bo, QUESTIONS[1])

    calls = await reply_to(driver, staff_member, staff_chat, to_ana, "Hi <Ana> & welcome")
    assert chats_written_to(calls) == {1001, STAFF_CHAT_ID}
    [relayed] = sent_to(calls, 1001)
    assert relayed["text"] == "💬 Our welcome team\n\nHi <Ana> & welcome"  # escaped, not parsed
    assert data_of(relayed) == ["hend"]
    for identifying in ("Sam", "sam_welfare", "5001"):
        assert identifying not in relayed["text"]
    [ack] = sent_to(calls, STAFF_CHAT_ID)
    assert "✓ sent to the user" in ack["text"]

    calls = await reply_to(driver, staff_member, staff_chat, to_bo, "Hello Bo")
    assert chats_written_to(calls) == {1002, STAFF_CHAT_ID}
    assert sent_to(calls, 1002)[0]["text"].endswith("Hello Bo")

    # a reply to the bot's acknowledgement (or any message tagged with the handoff) works too
    calls = await reply_to(driver, staff_member, staff_chat, ack, "One more thing, Ana")
    assert chats_written_to(calls) == {1001, STAFF_CHAT_ID}

    # staff talking among themselves is not relayed
    calls = await driver.text(staff_member, "coffee anyone?", staff_chat)
    assert calls == []


async def test_follow_ups_go_to_the_staff_chat_until_the_user_ends_it(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Ana")
    posted, _confirmation = await _open(driver, user, QUESTIONS[0])
    calls = await driver.text(user, "How do I connect to eduroam?")  # not answered by the bot now
    [follow_up] = sent_to(calls, STAFF_CHAT_ID)
    assert follow_up["reply_to_message"]["message_id"] == posted["message_id"]
    assert "follow-up" in follow_up["text"]
    assert "How do I connect to eduroam?" in follow_up["text"]
    [ack] = sent_to(calls, 1001)
    assert "geteduroam" not in ack["text"]
    assert data_of(ack) == ["hend"]
    # staff can answer the follow-up message itself
    calls = await reply_to(driver, staff_member, staff_chat, follow_up, "Use geteduroam")
    assert sent_to(calls, 1001)[0]["text"].endswith("Use geteduroam")

    calls = await driver.press(ack, "hend", user)
    [ended] = sent_to(calls, 1001)
    assert "ended the conversation" in ended["text"]
    [note] = sent_to(calls, STAFF_CHAT_ID)
    assert "the user ended the conversation" in note["text"]
    assert (await storage.handoff(handoff_id=_number(posted))).closed_at is not None  # type: ignore[union-attr]
    # the bot answers again, and a late staff reply does not reach the user
    [answer] = sent(await driver.text(user, "How do I connect to eduroam?"))
    assert "geteduroam" in answer["text"]
    calls = await reply_to(driver, staff_member, staff_chat, posted, "Are you still there?")
    assert chats_written_to(calls) == {STAFF_CHAT_ID}
    assert "is closed" in sent_to(calls, STAFF_CHAT_ID)[0]["text"]


def _number(posted: dict[str, Any]) -> int:
    match = re.match(r"🙋 Handoff #(\d+)", posted["text"])
    assert match
    return int(match.group(1))


async def test_staff_end_closes_and_tells_both(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Ana")
    posted, _ = await _open(driver, user, QUESTIONS[0])
    calls = await reply_to(driver, staff_member, staff_chat, posted, "/end")
    [told] = sent_to(calls, 1001)
    assert "ended the conversation" in told["text"]
    [note] = sent_to(calls, STAFF_CHAT_ID)
    assert "closed; the user was told" in note["text"]
    assert (await storage.handoff(handoff_id=_number(posted))).closed_at is not None  # type: ignore[union-attr]
    [answer] = sent(await driver.text(user, "How do I connect to eduroam?"))
    assert "geteduroam" in answer["text"]


async def test_crisis_message_during_a_handoff_gets_the_crisis_answer_too(
    driver: Driver, fake: BotApiServer, staff_chat: dict[str, Any]
) -> None:
    user = fake.user(1001, "Ana")
    await _open(driver, user, QUESTIONS[0])
    calls = await driver.text(user, "i want to die")
    assert "113" in sent_to(calls, 1001)[0]["text"]
    assert "i want to die" in sent_to(calls, STAFF_CHAT_ID)[0]["text"]


async def test_daily_limit(
    driver: Driver, fake: BotApiServer, app: BotApplication, staff_chat: dict[str, Any]
) -> None:
    app.bot_data.settings = app.bot_data.settings.model_copy(update={"handoffs_per_day": 2})
    user = fake.user(1001, "Ana")
    for question in QUESTIONS:
        _posted, confirmation = await _open(driver, user, question)
        await driver.press(confirmation, "hend", user)
    reply = await _unanswered(driver, user, "zzzzqqq xxxyyy")
    calls = await driver.press(reply, "human", user)
    assert STAFF_CHAT_ID not in chats_written_to(calls)
    limit, *how_to_reach = sent(calls)
    assert "already contacted our team several times today" in limit["text"]
    assert "reply_markup" not in limit  # no consent buttons
    assert how_to_reach  # and how to reach people directly
    # another user is not limited by it
    await _open(driver, fake.user(1002, "Bo"), QUESTIONS[0])


async def test_forgotten_handoff_is_not_relayed(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Ana")
    posted, _ = await _open(driver, user, QUESTIONS[0])
    assert await storage.forget_user(user_id=1001) >= 1
    calls = await reply_to(driver, staff_member, staff_chat, posted, "Hello?")
    assert chats_written_to(calls) == {STAFF_CHAT_ID}
    assert "no longer exists" in sent_to(calls, STAFF_CHAT_ID)[0]["text"]


@pytest.mark.parametrize("where", ["group", "no staff chat"])
async def test_contact_falls_back_to_how_to_reach_people(
    driver: Driver, fake: BotApiServer, app: BotApplication, where: str
) -> None:
    user = fake.user(1001, "Ana")
    if where == "group":
        chat = fake.group_chat(-100500, "Leiden newcomers")
        calls = await driver.text(user, "/contact", chat)
    else:
        app.bot_data.settings = app.bot_data.settings.model_copy(update={"staff_chat_id": None})
        calls = await driver.text(user, "/contact")
    [reply] = sent(calls)
    assert "hc:anon" not in data_of(reply)
    if where == "group":  # a link to the private chat, where the handoff can start
        [button] = reply["reply_markup"]["inline_keyboard"][0]
        assert button["url"].endswith("?start=contact")
    else:  # the minimal tree has no general-human entry: the fallback
        assert "112" in reply["text"]


async def test_long_messages_fit_both_ways(
    driver: Driver,
    fake: BotApiServer,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Ana")
    posted, _ = await _open(driver, user, QUESTIONS[0])
    calls = await driver.text(user, "word " * 819)  # 4,095 characters, Telegram's most
    [follow_up] = sent_to(calls, STAFF_CHAT_ID)  # (the fake refuses anything too long)
    assert follow_up["text"].endswith("…")
    calls = await reply_to(driver, staff_member, staff_chat, posted, "answer " * 585)
    parts = sent_to(calls, 1001)
    assert len(parts) == 2
    assert data_of(parts[-1]) == ["hend"]
