"""Updates without a chat, without a user or with nothing Telegram would normally send: no
handler, the flood guard included, and not the error handler either, raises on them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botapi_server import BotApiServer, _Query
from tg_support import Driver


def _query(fake: BotApiServer, user: dict[str, Any]) -> str:
    with fake.cond:
        query_id = str(next(fake._query_ids))
        fake.callback_queries[query_id] = _Query(user)
    return query_id


def _odd(fake: BotApiServer, kind: str) -> dict[str, Any]:
    user = fake.user(7101, "A")
    group = fake.group_chat(-100999, "G")
    if kind == "unknown":
        return {}
    if kind == "inline-callback":  # a button under an inline message: no chat, no message
        return {
            "callback_query": {
                "id": _query(fake, user),
                "from": user,
                "inline_message_id": "im1",
                "chat_instance": "ci",
                "data": "forget:yes",
            }
        }
    if kind == "game-callback":
        return {
            "callback_query": {
                "id": _query(fake, user),
                "from": user,
                "chat_instance": "ci",
                "game_short_name": "g",
            }
        }
    if kind == "reaction-count":  # a chat, no user
        return {
            "message_reaction_count": {
                "chat": group,
                "message_id": 3,
                "date": 0,
                "reactions": [],
            }
        }
    # a message in a group sent as the group (anonymous admin): a chat, no user
    return {
        "message": {
            "message_id": 9,
            "date": 0,
            "text": "/forget",
            "chat": group,
            "sender_chat": group,
        }
    }


KINDS = ("unknown", "inline-callback", "game-callback", "reaction-count", "anonymous-admin")


@pytest.mark.parametrize("kind", KINDS)
async def test_odd_updates_raise_nowhere(
    driver: Driver, fake: BotApiServer, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(22):  # past the flood limit (20) too
        fake.enqueue(_odd(fake, kind))
    await driver.deliver()
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, [r.getMessage() for r in problems]
