"""Staff authorisation is by person: a member of the staff chat who is not in STAFF_USER_IDS
(nor, with STAFF_CHAT_ADMINS, an administrator of the chat) changes nothing."""

from __future__ import annotations

from typing import Any

from botapi_server import BotApiServer
from staff_support import GIBBERISH, STAFF_CHAT_ID, forge_press, reply_to, sent_to, statuses
from tg_support import Driver, sent

from bot.telegram.context import BotApplication
from bot.telegram.staff_auth import STAFF_ONLY
from storage import Storage


async def _one_group(driver: Driver, fake: BotApiServer, storage: Storage) -> int:
    await driver.text(fake.user(1001, "Ana"), GIBBERISH[0])
    assert await storage.flush(5)
    [group] = await storage.unanswered_groups()
    return group.id


def _answer(fake: BotApiServer, calls: list[Any]) -> dict[str, Any] | None:
    [call] = [c for c in calls if c.method == "answerCallbackQuery"]
    return fake.callback_queries[call.params["callback_query_id"]].answer


async def test_a_chat_member_who_is_not_staff_changes_nothing(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
    chat_member: dict[str, Any],
) -> None:
    group_id = await _one_group(driver, fake, storage)
    # a command: "staff only", no listing
    [refusal] = sent_to(await driver.text(chat_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    assert refusal["text"] == STAFF_ONLY
    # a button under a staff person's listing: an alert, the status stays
    [listing] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    for action in ("sres", "sign", "sdraft"):
        calls = await driver.press(listing, f"{action}:{group_id}", chat_member)
        assert _answer(fake, calls) == {"text": STAFF_ONLY, "show_alert": True}
        assert not [
            c for c in calls if c.method in ("editMessageText", "sendDocument", "sendMessage")
        ]
    assert await statuses(storage) == {GIBBERISH[0]: "new"}


async def test_a_chat_member_cannot_answer_a_handoff(
    driver: Driver,
    fake: BotApiServer,
    staff_chat: dict[str, Any],
    chat_member: dict[str, Any],
) -> None:
    user = fake.user(1001, "Ana")
    [reply] = sent(await driver.text(user, GIBBERISH[1]))
    [prompt] = sent(await driver.press(reply, "human", user))
    [posted] = sent_to(await driver.press(prompt, "hc:anon", user), STAFF_CHAT_ID)
    calls = await reply_to(driver, chat_member, staff_chat, posted, "I am not staff")
    assert not sent_to(calls, user["id"])
    [refusal] = sent_to(calls, STAFF_CHAT_ID)
    assert refusal["text"] == STAFF_ONLY


async def test_administrators_count_when_configured(
    app: BotApplication,
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    chat_member: dict[str, Any],
) -> None:
    group_id = await _one_group(driver, fake, storage)
    fake.chat_admins[STAFF_CHAT_ID] = [fake.user(9999, "Owner"), chat_member]
    settings = app.bot_data.settings
    assert settings is not None
    [listing] = sent_to(
        await driver.text(fake.user(9999, "Owner"), "/unanswered", staff_chat), STAFF_CHAT_ID
    )
    assert STAFF_ONLY in listing["text"]  # not configured: administrators are not staff
    app.bot_data.settings = settings.model_copy(update={"staff_chat_admins": True})
    [listing] = sent_to(
        await driver.text(fake.user(9999, "Owner"), "/unanswered", staff_chat), STAFF_CHAT_ID
    )
    assert STAFF_ONLY not in listing["text"]
    calls = await driver.press(listing, f"sign:{group_id}", chat_member)
    assert [c for c in calls if c.method == "editMessageText"]
    assert await statuses(storage) == {GIBBERISH[0]: "ignored"}


async def test_an_out_of_range_id_in_a_staff_button_is_refused_politely(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    await _one_group(driver, fake, storage)
    [listing] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    for data in ("sres:" + "9" * 21, "sdraft:" + "1" * 19, "sign:2147483648"):
        forge_press(fake, listing, data, staff_member)
        calls = await driver.deliver()
        answer = _answer(fake, calls)
        assert answer is not None
        assert answer["text"] == "That group no longer exists"
    assert not fake.errors()
    assert await statuses(storage) == {GIBBERISH[0]: "new"}
