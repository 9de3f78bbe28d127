"""Hashing, no raw ids in the database, retention purge and /forget."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest
from storage_testlib import SECRET, query

from storage import Storage
from storage.hashing import Hasher

USER_ID = 987654321
USERNAME = "anna_from_leiden"


def test_hash_is_hmac_sha256_of_the_id() -> None:
    hasher = Hasher("k" * 32)
    expected = hmac.new(b"k" * 32, b"user:987654321", hashlib.sha256).hexdigest()
    assert hasher.user(USER_ID) == expected
    assert hasher.user(USER_ID) == Hasher("k" * 32).user(USER_ID)  # stable
    assert hasher.user(USER_ID) != Hasher("other secret").user(USER_ID)  # keyed
    assert hasher.user(USER_ID) != hasher.user(USER_ID + 1)
    assert hasher.message(str(USER_ID)) != hasher.user(USER_ID)  # purposes never collide


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        Hasher("")


async def test_no_raw_id_or_name_in_the_database_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"sqlite+aiosqlite:///{data / 'welcomebot.sqlite3'}"
    storage = await Storage.open(url, hash_secret=SECRET)
    # everything a handler records about this user, the way handlers call it
    await storage.set_language(user_id=USER_ID, language="nl")
    await storage.record_unanswered(
        user_id=USER_ID, text="Waar vind ik een huisarts?", language="nl", candidates=[]
    )
    await storage.record_feedback(
        user_id=USER_ID,
        entry="housing-find-room",
        helpful=False,
        language="nl",
        message_key=f"{USER_ID}:77",  # a private chat's id is the user id
    )
    await storage.count(kind="answer", entry="housing-find-room", language="nl")
    assert await storage.flush(5)
    user_hash = storage.user_key(USER_ID)
    await storage.close()

    files = [p for p in data.iterdir() if p.is_file()]
    assert files, "the database wrote no files"
    blob = b"".join(p.read_bytes() for p in files)
    assert user_hash.encode() in blob  # the rows are there, linked by the hash
    assert str(USER_ID).encode() not in blob
    assert USER_ID.to_bytes(4, "big") not in blob  # not as an SQLite integer either
    assert USER_ID.to_bytes(8, "big") not in blob
    assert USERNAME.encode() not in blob


async def test_forget_user_deletes_everything_about_them(
    storage: Storage, database_url: str
) -> None:
    for user in (1, 2):
        await storage.set_language(user_id=user, language="de")
        await storage.record_unanswered(
            user_id=user, text=f"question {user}", language="de", candidates=[]
        )
        await storage.record_feedback(
            user_id=user, entry="e", helpful=True, language="de", message_key=f"{user}:1"
        )
        await storage.open_handoff(
            user_chat_id=user, user_id=user, language="de", staff_chat_id=-1, staff_message_id=user
        )
    await storage.count(kind="answer", entry="e", language="de")
    assert await storage.flush(5)

    assert await storage.forget_user(user_id=1) == 4
    assert await storage.get_language(user_id=1) is None
    hash_1 = storage.user_key(1)
    for table in ("unanswered_questions", "feedback", "user_preferences", "handoffs"):
        rows = await query(
            database_url, f"SELECT count(*) FROM {table} WHERE user_hash = :h", h=hash_1
        )
        assert rows == [(0,)], table
        others = await query(database_url, f"SELECT count(*) FROM {table}")
        assert others == [(1,)], table  # user 2 keeps theirs
    assert await query(database_url, "SELECT sum(count) FROM daily_counters") == [(1,)]
    assert await storage.forget_user(user_id=1) == 0


async def test_forget_user_drops_records_still_queued(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    storage = await Storage.open(url, hash_secret=SECRET, flush_timeout=0.0)
    await storage.record_unanswered(user_id=1, text="mine", language="en", candidates=[])
    await storage.record_unanswered(user_id=2, text="theirs", language="en", candidates=[])
    # the writer has not run yet: both are still queued
    assert await storage.forget_user(user_id=1) == 1
    assert await storage.flush(5)
    assert [r.text for r in await storage.unanswered_rows()] == ["theirs"]
    await storage.close()


async def test_purge_keeps_recent_rows_and_deletes_old_ones(
    storage: Storage, database_url: str
) -> None:
    await storage.record_unanswered(user_id=1, text="old question", language="en", candidates=[])
    await storage.record_feedback(
        user_id=1, entry="e", helpful=True, language="en", message_key="1:1"
    )
    await storage.count(kind="answer", entry="e", language="en")
    await storage.set_language(user_id=1, language="en")
    open_id = await storage.open_handoff(
        user_chat_id=1, user_id=1, language="en", staff_chat_id=-1, staff_message_id=1
    )
    closed_id = await storage.open_handoff(
        user_chat_id=2, user_id=2, language="en", staff_chat_id=-1, staff_message_id=2
    )
    await storage.close_handoff(handoff_id=closed_id)
    assert await storage.flush(5)
    assert open_id != closed_id

    now = datetime.now(UTC)
    assert storage.retention_days == 180
    assert await storage.purge(now=now + timedelta(days=179)) == 0
    assert await storage.purge(now=now + timedelta(days=181)) == 4

    for table in ("unanswered_questions", "feedback", "handoffs", "processed_records"):
        assert await query(database_url, f"SELECT count(*) FROM {table}") == [(0,)], table
    # anonymous counters and the language choice are not texts; they stay
    assert await query(database_url, "SELECT sum(count) FROM daily_counters") == [(1,)]
    assert await storage.get_language(user_id=1) == "en"


async def test_retention_days_is_configurable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    async with await Storage.open(url, hash_secret=SECRET, retention_days=30) as storage:
        await storage.record_unanswered(user_id=None, text="q", language="en", candidates=[])
        assert await storage.flush(5)
        now = datetime.now(UTC)
        assert await storage.purge(now=now + timedelta(days=29)) == 0
        assert await storage.purge(now=now + timedelta(days=31)) == 1
    with pytest.raises(ValueError, match="retention"):
        await Storage.open(url, hash_secret=SECRET, retention_days=0)


PERSONAL_QUESTION = (
    "My landlord at Breestraat 12a, 2311 CS wants the deposit on NL91 ABNA 0417 1643 00; "
    "reach me at anna.devries@example.org or +31 6 12345678"
)
PERSONAL_PARTS = ("Breestraat", "2311 CS", "NL91", "anna.devries", "12345678", "example.org")


async def test_personal_data_reaches_neither_the_spool_nor_the_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "welcomebot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    storage = await Storage.open(url, hash_secret=SECRET, busy_timeout=0.1, flush_timeout=0.2)
    # the database is locked: the record waits, and at close it is spooled
    lock = await aiosqlite.connect(path, isolation_level=None, timeout=10)
    await lock.execute("BEGIN EXCLUSIVE")
    await storage.record_unanswered(
        user_id=USER_ID, text=PERSONAL_QUESTION, language="en", candidates=[]
    )
    spool = storage.spool_path
    await storage.close()
    spooled = spool.read_text(encoding="utf-8")
    assert "[address]" in spooled
    assert "[phone]" in spooled
    for part in PERSONAL_PARTS:
        assert part not in spooled
    await lock.execute("COMMIT")
    await lock.close()

    storage = await Storage.open(url, hash_secret=SECRET)
    assert await storage.flush(5)
    (row,) = await storage.unanswered_rows()
    await storage.close()
    assert row.text == (
        "My landlord at [address], [postcode] wants the deposit on [iban]; "
        "reach me at [email] or [phone]"
    )
    blob = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())
    for part in PERSONAL_PARTS:
        assert part.encode() not in blob
