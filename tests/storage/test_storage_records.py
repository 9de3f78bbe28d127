"""Round trips through the Storage facade and the repository, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from storage_testlib import SECRET, query

from storage import Storage, StorageError, upgrade_database
from storage.engine import async_url, create_engine, sqlite_path
from storage.migrate import head_revision
from storage.models import Base


async def test_unanswered_round_trip(storage: Storage) -> None:
    await storage.record_unanswered(
        user_id=42,
        text="Where do I get a parking permit for my bike?",
        language="en",
        candidates=[("housing-find-room", 41.5), ("eduroam-connect", 12.25)],
    )
    await storage.record_unanswered(
        user_id=None, text="Geen van deze", language="nl", candidates=[], reason="none-of-these"
    )
    assert await storage.flush(5)

    first, second = await storage.unanswered_rows()
    assert first.text == "Where do I get a parking permit for my bike?"
    assert first.language == "en"
    assert first.status == "new"
    assert first.reason == "unanswered"
    assert first.candidates == [("housing-find-room", 41.5), ("eduroam-connect", 12.25)]
    assert first.created_at.tzinfo is not None
    assert abs(first.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert first.note is None
    assert first.resolved_at is None
    assert (second.reason, second.language, second.candidates) == ("none-of-these", "nl", [])


async def test_bad_input_is_refused_at_once(storage: Storage) -> None:
    with pytest.raises(ValueError, match="reason"):
        await storage.record_unanswered(
            user_id=1, text="x", language="en", candidates=[], reason="bored"
        )
    with pytest.raises(ValueError, match="kind"):
        await storage.count(kind="mystery", entry=None, language="en")


async def test_texts_postgresql_would_refuse_are_cleaned(storage: Storage) -> None:
    # NUL and a lone surrogate: a record PostgreSQL refuses would otherwise retry forever
    await storage.record_unanswered(
        user_id=1, text="wifi\x00 broken \ud800 help", language="en", candidates=[]
    )
    assert await storage.flush(5)
    (row,) = await storage.unanswered_rows()
    assert row.text == "wifi broken ? help"


async def test_feedback_is_kept_once_per_user_and_message(storage: Storage) -> None:
    args = {"entry": "housing-find-room", "language": "en", "message_key": "42:1001"}
    assert await storage.record_feedback(user_id=42, helpful=True, **args) is True
    assert await storage.record_feedback(user_id=42, helpful=False, **args) is False
    assert await storage.record_feedback(user_id=43, helpful=False, **args) is True
    assert (
        await storage.record_feedback(
            user_id=42, helpful=False, entry="x", language="en", message_key="42:1002"
        )
        is True
    )
    since = datetime.now(UTC) - timedelta(hours=1)
    assert await storage.feedback_summary(since=since) == [
        ("housing-find-room", 1, 1),
        ("x", 0, 1),
    ]


async def test_language_preference(storage: Storage) -> None:
    assert await storage.get_language(user_id=7) is None
    await storage.set_language(user_id=7, language="nl")
    assert await storage.get_language(user_id=7) == "nl"
    await storage.set_language(user_id=7, language="zh")
    assert await storage.get_language(user_id=7) == "zh"
    assert await storage.get_language(user_id=8) is None


async def test_counters_and_stats(storage: Storage) -> None:
    for _ in range(3):
        await storage.count(kind="answer", entry="housing-find-room", language="en")
    await storage.count(kind="answer", entry="eduroam-connect", language="zh")
    await storage.count(kind="unanswered", entry=None, language="en")
    await storage.count(kind="clarify", entry=None, language="de")
    await storage.count(kind="safety", entry="welfare-crisis", language="nl")
    await storage.count(kind="smalltalk", entry=None, language="en")
    await storage.count(kind="none-of-these", entry=None, language="en")
    for _ in range(2):
        await storage.count(kind="checkin", entry=None, language="fr")
    await storage.record_feedback(
        user_id=1, entry="housing-find-room", helpful=True, language="en", message_key="1:1"
    )
    await storage.record_feedback(
        user_id=2, entry="housing-find-room", helpful=True, language="en", message_key="2:1"
    )
    await storage.record_feedback(
        user_id=3, entry="eduroam-connect", helpful=False, language="en", message_key="3:1"
    )
    assert await storage.flush(5)

    today = datetime.now(UTC).date()
    stats = await storage.stats(days=3)
    assert [d.day for d in stats.per_day] == [today - timedelta(days=n) for n in (2, 1, 0)]
    assert stats.per_day[0][1:] == (0, 0, 0, 0, 0, 0)
    assert stats.per_day[-1] == (today, 4, 1, 1, 1, 1, 2)
    assert stats.per_day[-1].answered == 4
    assert stats.top_entries == [("housing-find-room", 3), ("eduroam-connect", 1)]
    assert stats.languages == {"en": 6, "fr": 2, "de": 1, "nl": 1, "zh": 1}
    assert (stats.helpful, stats.not_helpful) == (2, 1)
    assert stats.helpful_ratio == pytest.approx(2 / 3)

    # a window that ends before today sees nothing
    old = await storage.stats(days=2, today=today - timedelta(days=5))
    assert old.top_entries == []
    assert old.helpful_ratio is None
    assert all(d[1:] == (0, 0, 0, 0, 0, 0) for d in old.per_day)


async def test_counter_rows_use_empty_entry(storage: Storage, database_url: str) -> None:
    await storage.count(kind="unanswered", entry=None, language="en")
    await storage.count(kind="unanswered", entry=None, language="en")
    assert await storage.flush(5)
    rows = await query(database_url, "SELECT day, kind, entry, language, count FROM daily_counters")
    assert [tuple(r[1:]) for r in rows] == [("unanswered", "", "en", 2)]
    assert date.fromisoformat(str(rows[0][0])) == datetime.now(UTC).date()


async def test_handoffs(storage: Storage) -> None:
    handoff_id = await storage.open_handoff(
        user_chat_id=555, user_id=555, language="de", staff_chat_id=-100, staff_message_id=9
    )
    link = await storage.handoff_for_staff_message(staff_chat_id=-100, staff_message_id=9)
    assert link is not None
    assert (link.id, link.user_chat_id, link.language, link.closed_at) == (
        handoff_id,
        555,
        "de",
        None,
    )
    assert await storage.handoff_for_staff_message(staff_chat_id=-100, staff_message_id=10) is None
    since = datetime.now(UTC) - timedelta(hours=1)
    assert await storage.recent_handoffs(user_id=555, since=since) == 1
    assert await storage.recent_handoffs(user_id=556, since=since) == 0
    assert await storage.recent_handoffs(user_id=555, since=datetime.now(UTC)) == 0

    await storage.close_handoff(handoff_id=handoff_id)
    closed = await storage.handoff_for_staff_message(staff_chat_id=-100, staff_message_id=9)
    assert closed is not None
    assert closed.closed_at is not None
    await storage.close_handoff(handoff_id=handoff_id)  # keeps the first time
    again = await storage.handoff_for_staff_message(staff_chat_id=-100, staff_message_id=9)
    assert again is not None
    assert again.closed_at == closed.closed_at
    await storage.close_handoff(handoff_id=99999)  # unknown: nothing happens


async def test_handoff_by_id_and_open_handoff_of_a_user(storage: Storage) -> None:
    since = datetime.now(UTC) - timedelta(days=1)
    first = await storage.open_handoff(
        user_chat_id=555, user_id=555, language="de", staff_chat_id=-100, staff_message_id=20
    )
    other = await storage.open_handoff(
        user_chat_id=777, user_id=777, language="zh", staff_chat_id=-100, staff_message_id=21
    )
    link = await storage.handoff(handoff_id=first)
    assert link is not None
    assert (link.user_chat_id, link.staff_chat_id, link.staff_message_id) == (555, -100, 20)
    assert await storage.handoff(handoff_id=99999) is None

    found = await storage.open_handoff_for_user(user_id=555, since=since)
    assert found is not None
    assert found.id == first
    assert (await storage.open_handoff_for_user(user_id=777, since=since)).id == other  # type: ignore[union-attr]
    assert await storage.open_handoff_for_user(user_id=556, since=since) is None
    # too old for the window, or closed: not open any more
    assert await storage.open_handoff_for_user(user_id=555, since=datetime.now(UTC)) is None
    await storage.close_handoff(handoff_id=first)
    assert await storage.open_handoff_for_user(user_id=555, since=since) is None
    # /forget takes the link to the chat with it
    await storage.forget_user(user_id=777)
    assert await storage.handoff(handoff_id=other) is None


async def test_user_key_is_the_stored_hash(storage: Storage, database_url: str) -> None:
    await storage.set_language(user_id=123, language="fr")
    rows = await query(database_url, "SELECT user_hash FROM user_preferences")
    assert rows == [(storage.user_key(123),)]
    assert len(storage.user_key(123)) == 64


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database_url: str) -> None:
    before, after = await upgrade_database(database_url)
    assert (before, after) == (None, head_revision())
    assert await upgrade_database(database_url) == (after, after)  # idempotent
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_open_creates_the_sqlite_directory(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "welcomebot.sqlite3"
    storage = await Storage.open(f"sqlite+aiosqlite:///{path}", hash_secret=SECRET)
    await storage.close()
    assert path.exists()
    rows = await query(f"sqlite+aiosqlite:///{path}", "PRAGMA journal_mode")
    assert rows == [("wal",)]


async def test_open_refuses_an_empty_secret(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="secret"):
        await Storage.open(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", hash_secret="")


def test_urls_without_an_async_driver_get_one() -> None:
    assert async_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("sqlite:////srv/x.sqlite3").drivername == "sqlite+aiosqlite"
    assert async_url("postgresql+asyncpg://u@h/db").drivername == "postgresql+asyncpg"
    assert sqlite_path("sqlite:////srv/x.sqlite3") == Path("/srv/x.sqlite3")
    assert sqlite_path("sqlite+aiosqlite://") is None
    assert sqlite_path("postgresql://u@h/db") is None


async def test_scores_that_are_not_numbers_become_zero(storage: Storage) -> None:
    await storage.record_unanswered(
        user_id=None, text="q", language="en", candidates=[("a", float("nan")), ("b", 1e999)]
    )
    assert await storage.flush(5)
    (row,) = await storage.unanswered_rows()
    assert row.candidates == [("a", 0.0), ("b", 0.0)]


async def test_a_database_from_a_newer_version_is_a_clear_error(database_url: str) -> None:
    await upgrade_database(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        await engine.dispose()
    with pytest.raises(StorageError, match="9999"):
        await Storage.open(database_url, hash_secret=SECRET)
