"""Conversation state in the database (storage/conversation.py), on SQLite and PostgreSQL:
it survives a reopen (a restart), expires, is taken once, and goes with /forget."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage_testlib import SECRET

from storage import Storage


async def test_choices_survive_a_restart_and_are_taken_once(
    storage: Storage, database_url: str, tmp_path: Path
) -> None:
    assert await storage.conversation.remember_choices(
        chat_id=10,
        message_id=5,
        user_id=1,
        question="registration",
        language="en",
        candidates=[("housing-registration", 61.5), ("lic-documents", 40.0)],
    )
    await storage.close()
    reopened = await Storage.open(database_url, hash_secret=SECRET, spool_dir=tmp_path / "s2")
    try:
        pending = await reopened.conversation.take_choices(chat_id=10, message_id=5)
        assert pending is not None
        assert (pending.question, pending.language) == ("registration", "en")
        assert pending.candidates == (("housing-registration", 61.5), ("lic-documents", 40.0))
        assert await reopened.conversation.take_choices(chat_id=10, message_id=5) is None
        assert await reopened.conversation.take_choices(chat_id=10, message_id=6) is None
    finally:
        await reopened.close()


async def test_items_expire(storage: Storage) -> None:
    store = storage.conversation
    assert await store.remember_question(user_id=1, question="where is my permit", language="en")
    remembered = await store.recent_question(user_id=1)
    assert remembered is not None
    assert remembered.text == "where is my permit"
    store.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
    assert await store.recent_question(user_id=1) is None


async def test_the_last_answer_and_question_are_one_per_user(storage: Storage) -> None:
    store = storage.conversation
    await store.remember_answer(user_id=1, entry="housing-costs", language="en")
    await store.remember_answer(user_id=1, entry="eduroam-connect", language="nl")
    await store.remember_answer(user_id=2, entry="lic-about", language="de")
    one = await store.last_answer(user_id=1)
    assert one is not None
    assert (one.text, one.language) == ("eduroam-connect", "nl")
    two = await store.last_answer(user_id=2)
    assert two is not None
    assert two.text == "lic-about"


async def test_a_handoff_offer_is_taken_only_from_its_message(storage: Storage) -> None:
    store = storage.conversation
    await store.offer_handoff(user_id=1, message_id=7, question="help", language="en")
    assert await store.take_offer(user_id=1, message_id=8) is None
    offer = await store.take_offer(user_id=1, message_id=7)
    assert offer is not None
    assert (offer.question, offer.language) == ("help", "en")
    assert await store.take_offer(user_id=1, message_id=7) is None
    await store.await_question(user_id=1, share_name=True)
    assert await store.awaited(user_id=1) is True
    await store.cancel_handoff(user_id=1)
    assert await store.awaited(user_id=1) is None


async def test_forget_user_deletes_the_conversation(storage: Storage) -> None:
    store = storage.conversation
    await store.remember_question(user_id=1, question="secret question", language="en")
    await store.remember_choices(
        chat_id=1, message_id=2, user_id=1, question="q", language="en", candidates=[]
    )
    await store.remember_question(user_id=2, question="other user", language="en")
    assert await storage.forget_user(user_id=1) >= 2
    assert await store.recent_question(user_id=1) is None
    assert await store.take_choices(chat_id=1, message_id=2) is None
    assert await store.recent_question(user_id=2) is not None


async def test_handoff_idle_time(storage: Storage) -> None:
    number = await storage.open_handoff(
        user_chat_id=1, user_id=1, language="en", staff_chat_id=-5, staff_message_id=9
    )
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert [h.id for h in await storage.idle_handoffs(since=later)] == [number]
    await storage.touch_handoff(handoff_id=number)
    assert await storage.idle_handoffs(since=datetime.now(UTC) - timedelta(minutes=1)) == []
    await storage.close_handoff(handoff_id=number)
    assert await storage.idle_handoffs(since=later) == []


async def test_choices_are_found_before_taken_and_know_their_owner(storage: Storage) -> None:
    store = storage.conversation
    await store.remember_choices(
        chat_id=-5, message_id=3, user_id=1, question="q", language="en", candidates=[]
    )
    found = await store.find_choices(chat_id=-5, message_id=3)
    assert found is not None
    assert store.owned_by(found, 1)
    assert not store.owned_by(found, 2)
    assert await store.take_choices(chat_id=-5, message_id=3) is not None
    await store.remember_choices(
        chat_id=-5, message_id=4, user_id=None, question="q", language="en", candidates=[]
    )
    nobodys = await store.find_choices(chat_id=-5, message_id=4)
    assert nobodys is not None
    assert not store.owned_by(nobodys, 1)


async def test_misses_in_a_row_count_up_and_start_again(storage: Storage) -> None:
    store = storage.conversation
    assert [await store.count_miss(user_id=1) for _ in range(3)] == [1, 2, 3]
    assert await store.count_miss(user_id=2) == 1
    await store.reset_misses(user_id=1)
    assert await store.count_miss(user_id=1) == 1


async def test_a_relayable_answer_is_taken_once(storage: Storage) -> None:
    store = storage.conversation
    assert await store.remember_relay(
        chat_id=1, message_id=9, user_id=1, question="eduroam?", language="nl"
    )
    taken = await store.take_relay(chat_id=1, message_id=9)
    assert taken is not None
    assert (taken.text, taken.language) == ("eduroam?", "nl")
    assert await store.take_relay(chat_id=1, message_id=9) is None


async def test_nothing_is_tried_while_the_database_is_away(storage: Storage) -> None:
    store = storage.conversation
    await store.remember_question(user_id=1, question="kept", language="en")
    store.healthy = lambda: False
    assert not await store.remember_question(user_id=1, question="lost", language="en")
    assert await store.recent_question(user_id=1) is None  # not asked: "nothing remembered"
    store.healthy = lambda: True
    kept = await store.recent_question(user_id=1)
    assert kept is not None
    assert kept.text == "kept"


async def test_a_locked_database_does_not_hold_a_reply_up(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    store = await Storage.open(f"sqlite+aiosqlite:///{path}", hash_secret=SECRET)
    blocker = sqlite3.connect(path, timeout=0)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        started = time.monotonic()
        assert not await store.conversation.remember_question(
            user_id=1, question="q", language="en"
        )
        assert time.monotonic() - started < 1.5  # the deadline, not the 5 s busy timeout
    finally:
        blocker.rollback()
        blocker.close()
        await store.close()
