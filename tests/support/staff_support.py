"""Small helpers for the staff and handoff tests."""

from __future__ import annotations

from typing import Any

from botapi_server import BotApiServer, Call, _Query
from tg_support import Driver

from storage import Storage

STAFF_CHAT_ID = -100900
STAFF_USER_ID = 4242
#: In STAFF_USER_IDS too, and the one who works in the staff chat in the tests.
STAFF_MEMBER_ID = 5001
#: Nonsense the minimal tree cannot answer (each its own group).
GIBBERISH = ("qwertzuiop asdfghjkl yxcvbnm", "blorptastic frumious bandersnatch")


def sent_to(calls: list[Call], chat_id: int) -> list[dict[str, Any]]:
    """Messages the bot sent to ``chat_id`` in ``calls``."""
    return [
        c.result for c in calls if c.method == "sendMessage" and c.result["chat"]["id"] == chat_id
    ]


def chats_written_to(calls: list[Call]) -> set[int]:
    """Every chat the bot sent or edited a message in."""
    methods = ("sendMessage", "editMessageText", "sendDocument", "editMessageReplyMarkup")
    return {c.result["chat"]["id"] for c in calls if c.method in methods and c.ok}


def forge_press(
    fake: BotApiServer, message: dict[str, Any], data: str, user: dict[str, Any]
) -> str:
    """A button press with ``data`` under ``message`` that has no such button: what a modified
    client can send. Returns the callback query id."""
    with fake.cond:
        query_id = str(next(fake._query_ids))
        fake.callback_queries[query_id] = _Query(user)
    fake.enqueue(
        {
            "callback_query": {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": f"ci{message['chat']['id']}",
                "data": data,
            }
        }
    )
    return query_id


async def reply_to(
    driver: Driver,
    user: dict[str, Any],
    chat: dict[str, Any],
    message: dict[str, Any],
    text: str,
) -> list[Call]:
    """``user`` answers ``message`` in ``chat`` with ``text`` (Telegram's reply)."""
    original = driver.fake.message(chat["id"], message["message_id"])
    content: dict[str, Any] = {"text": text, "reply_to_message": original}
    entities = driver.fake.auto_entities(text)
    if entities:
        content["entities"] = entities
    return await driver.deliver_update(user, chat, **content)


async def statuses(storage: Storage) -> dict[str, str]:
    """Every unanswered question's text → status."""
    return {row.text: row.status for row in await storage.unanswered_rows(status=None)}
