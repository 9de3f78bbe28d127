"""The event loop stays free: matching and rendering for inline queries and the desk's reply to
a message run in worker threads, never on the loop that handles every other update."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from botapi_server import BotApiServer
from tg_support import Driver

from bot.core.desk import Desk
from bot.telegram.handlers import inline


def _recording(calls: list[int], function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.get_ident())
        return function(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("query", ["how do I find a room", ""])
async def test_inline_search_and_rendering_run_off_the_event_loop(
    driver: Driver, fake: BotApiServer, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    searched: list[int] = []
    rendered: list[int] = []
    monkeypatch.setattr(Desk, "search", _recording(searched, Desk.search))
    monkeypatch.setattr(Desk, "entry_reply", _recording(searched, Desk.entry_reply))
    monkeypatch.setattr(inline, "split_html", _recording(rendered, inline.split_html))
    query_id = fake.inline_query(fake.user(), query)
    await driver.deliver()
    assert fake.inline_queries[query_id].answer is not None
    loop = threading.get_ident()
    assert searched
    assert rendered
    assert loop not in searched
    assert loop not in rendered


async def test_the_desk_replies_to_a_message_off_the_event_loop(
    driver: Driver, fake: BotApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    replied: list[int] = []
    monkeypatch.setattr(Desk, "reply", _recording(replied, Desk.reply))
    await driver.text(fake.user(), "how do I find a room?")
    assert replied
    assert threading.get_ident() not in replied
