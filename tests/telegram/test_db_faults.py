"""Database faults through the handlers: PostgreSQL unreachable for a while (through a TCP
proxy that is cut, as in the storage tests) and SQLite locked by another process. The bot
keeps answering at once, and every record arrives exactly once when the database is back."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest
from botapi_server import BotApiServer
from storage_testlib import TcpProxy, pg_schema, pg_url, query
from tg_support import HASH_SECRET, Driver, InProcessRequest, sent

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.app import build_application
from storage import Storage

UNANSWERABLE = ["qwertzuiop asdfghjkl", "zzzzqqq xxxyyy", "blorptastic frumious"]
#: A reply while the database is away may take this long at most (seconds).
QUICK = 2.0

Outage = Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def running_bot(
    settings: Settings, desk: Desk, storage: Storage, fake: BotApiServer
) -> AsyncIterator[Driver]:
    app = build_application(settings, desk=desk, storage=storage, request=InProcessRequest(fake))
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    try:
        yield Driver(app, fake)
    finally:
        await app.shutdown()


async def conversation_during_outage(
    driver: Driver, fake: BotApiServer, desk: Desk, outage: Outage
) -> tuple[list[str], int]:
    """Users ask, pick a language and give feedback while the database is away; every
    reply comes at once. Returns the unanswered texts and the feedback user id."""
    questions = [q for q in UNANSWERABLE if desk.reply(q).kind == "unanswered"]
    assert questions
    answered = desk.tree.entries["housing-scams"].translations["en"].title
    async with outage():
        for i, text in enumerate(questions):
            started = time.monotonic()
            assert sent(await driver.text(fake.user(7000 + i), text))
            assert time.monotonic() - started < QUICK
        user = fake.user(7100)
        [answer] = sent(await driver.text(user, answered))
        started = time.monotonic()
        calls = await driver.press(answer, "fb:housing-scams:en:0", user)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert time.monotonic() - started < QUICK + 1
        [picker] = sent(await driver.text(user, "/language"))
        calls = await driver.press(picker, f"lang:nl:{user['id']}", user)
        assert "answerCallbackQuery" in [c.method for c in calls]
        # again, to prove nothing was written twice when the outbox retried
        for i, text in enumerate(questions):
            assert sent(await driver.text(fake.user(7000 + i), text + " "))
        storage: Storage = driver.app.bot_data.storage
        assert storage.pending >= 2 * len(questions), "the outage did not hold anything up"
    return questions, 7100


async def check_records(storage: Storage, questions: list[str], user_id: int) -> None:
    assert await storage.flush(30), "the outbox did not drain after the outage"
    rows = await storage.unanswered_rows()
    # the 👎 put its question in the log too, with the entry it got
    [down] = [r for r in rows if r.reason == "not-helpful"]
    assert down.answered_entry == "housing-scams"
    rows = [r for r in rows if r is not down]
    assert sorted(r.text for r in rows) == sorted([*questions, *(q + " " for q in questions)])
    since = (await storage.stats(days=1)).per_day[-1]
    assert since.unanswered == 2 * len(questions)
    assert await storage.get_language(user_id=user_id) == "nl"
    summary = await storage.feedback_summary(since=datetime.now(UTC) - timedelta(hours=1))
    assert summary == [("housing-scams", 0, 1)]


@pytest.mark.postgres
async def test_postgresql_unreachable_for_a_while(
    settings: Settings, desk: Desk, fake: BotApiServer, tmp_path: Path
) -> None:
    async with pg_schema() as schema:
        proxy = TcpProxy()
        await proxy.start()
        storage = await Storage.open(
            pg_url(schema, port=proxy.port),
            hash_secret=HASH_SECRET,
            spool_dir=tmp_path / "spool",
            busy_timeout=1.0,
        )

        @asynccontextmanager
        async def cut() -> AsyncIterator[None]:
            await proxy.stop()
            try:
                yield
            finally:
                await proxy.start()

        try:
            async with running_bot(settings, desk, storage, fake) as driver:
                questions, user_id = await conversation_during_outage(driver, fake, desk, cut)
                await check_records(storage, questions, user_id)
                rows = await query(pg_url(schema), "SELECT count(*) FROM unanswered_questions")
                assert rows == [(2 * len(questions) + 1,)]  # and the 👎's question
        finally:
            await storage.close()
            await proxy.stop()


async def test_sqlite_locked_by_another_process(
    settings: Settings, desk: Desk, fake: BotApiServer, tmp_path: Path
) -> None:
    path = tmp_path / "locked.sqlite3"
    storage = await Storage.open(
        f"sqlite+aiosqlite:///{path}", hash_secret=HASH_SECRET, busy_timeout=0.5
    )

    @asynccontextmanager
    async def locked() -> AsyncIterator[None]:
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=10)
        await conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            await conn.execute("COMMIT")
            await conn.close()

    try:
        async with running_bot(settings, desk, storage, fake) as driver:
            questions, user_id = await conversation_during_outage(driver, fake, desk, locked)
            await check_records(storage, questions, user_id)
    finally:
        await storage.close()


async def test_records_still_pending_at_shutdown_survive_a_restart(
    settings: Settings, desk: Desk, fake: BotApiServer, tmp_path: Path
) -> None:
    """The database stays locked past shutdown: the records wait in the spool file in the
    data directory and arrive after the next start."""
    path = tmp_path / "spooled.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    storage = await Storage.open(
        url, hash_secret=HASH_SECRET, busy_timeout=0.2, flush_timeout=0.5, spool_dir=tmp_path
    )
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=10)
    await conn.execute("BEGIN EXCLUSIVE")
    async with running_bot(settings, desk, storage, fake) as driver:
        assert sent(await driver.text(fake.user(7200), UNANSWERABLE[0]))
    await storage.close()
    assert storage.spool_path.exists()
    await conn.execute("COMMIT")
    await conn.close()
    reopened = await Storage.open(url, hash_secret=HASH_SECRET, spool_dir=tmp_path)
    try:
        assert await reopened.flush(10)
        assert [r.text for r in await reopened.unanswered_rows()] == [UNANSWERABLE[0]]
    finally:
        await reopened.close()
