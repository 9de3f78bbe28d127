"""The typed handoff state: stages, the offer that is taken once, the wait that expires."""

from __future__ import annotations

import time

import pytest

from bot.telegram.data import ChatData, UserData
from bot.telegram.handlers.handoff import state as handoff_state
from bot.telegram.handlers.handoff.state import HandoffState, Offer, Stage


def test_stages_follow_offer_and_wait() -> None:
    state = HandoffState()
    assert state.stage is Stage.IDLE
    state.offer = Offer(10, None)
    assert state.stage is Stage.OFFERED
    state.await_question(share_name=True)
    assert state.stage is Stage.AWAITING_QUESTION
    state.cancel()
    assert state.stage is Stage.IDLE


def test_an_offer_is_taken_once_and_only_from_its_message() -> None:
    state = HandoffState()
    state.remember("where can I sleep tonight?", "en")
    state.offer = Offer(10, state.recent_question())
    assert state.take_offer(11) is None
    taken = state.take_offer(10)
    assert taken is not None
    assert taken.question is not None
    assert taken.question.text == "where can I sleep tonight?"
    assert state.take_offer(10) is None


def test_old_question_and_old_wait_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    state = HandoffState()
    state.remember("a question", "en")
    state.await_question(share_name=False)
    later = time.monotonic() + max(handoff_state.QUESTION_MEMORY, handoff_state.AWAIT_QUESTION)
    monkeypatch.setattr(handoff_state.time, "monotonic", lambda: later + 1)
    assert state.recent_question() is None
    assert state.waiting() is None
    assert state.stage is Stage.IDLE


def test_user_data_clear_forgets_the_handoff_state() -> None:
    data = UserData()
    data.handoff.remember("a question", "en")
    data.clear()
    assert data.handoff.last_question is None
    assert ChatData().pending == {}
