"""The retry outbox through :class:`Storage`: nothing lost, nothing written twice, across load,
outages and restarts (the outbox on its own: ``test_outbox_alone.py``)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from storage_testlib import SECRET, TcpProxy, pg_execute, pg_schema, pg_url, query

from storage import Storage, StorageUnavailable
from storage.records import Record, loads


# ---------------------------------------------------------------------- a database that goes away
class Outage:
    """Makes the database unavailable and brings it back.

    SQLite: another connection holds ``BEGIN EXCLUSIVE`` (writers get "database is locked").
    PostgreSQL: the storage reaches the server through a TCP proxy that is cut (open
    connections die, new ones meet a closed port) and restored on the same port.
    """

    def __init__(self, url: str, check_url: str) -> None:
        self.url = url  # what the storage uses
        self.check_url = check_url  # a way in that stays up, for assertions
        self.down_count = 0

    async def down(self) -> None:
        raise NotImplementedError

    async def up(self) -> None:
        raise NotImplementedError


class SqliteLock(Outage):
    def __init__(self, path: Path) -> None:
        url = f"sqlite+aiosqlite:///{path}"
        super().__init__(url, url)
        self.path = path
        self._conn: aiosqlite.Connection | None = None

    async def down(self) -> None:
        self._conn = await aiosqlite.connect(self.path, isolation_level=None, timeout=10)
        await self._conn.execute("BEGIN EXCLUSIVE")
        self.down_count += 1

    async def up(self) -> None:
        assert self._conn is not None
        await self._conn.execute("COMMIT")
        await self._conn.close()
        self._conn = None


class PostgresCut(Outage):
    def __init__(self, schema: str, proxy: TcpProxy) -> None:
        super().__init__(pg_url(schema, port=proxy.port), pg_url(schema))
        self.proxy = proxy

    async def down(self) -> None:
        await self.proxy.stop()
        self.down_count += 1

    async def up(self) -> None:
        await self.proxy.start()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def outage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Outage]:
    if request.param == "sqlite":
        lock = SqliteLock(tmp_path / "data" / "welcomebot.sqlite3")
        yield lock
        if lock._conn is not None:
            await lock.up()
        return
    async with pg_schema() as schema:
        proxy = TcpProxy()
        await proxy.start()
        try:
            yield PostgresCut(schema, proxy)
        finally:
            await proxy.stop()


async def _open(url: str, tmp_path: Path, **kwargs: Any) -> Storage:
    return await Storage.open(
        url, hash_secret=SECRET, spool_dir=tmp_path / "spool", busy_timeout=0.1, **kwargs
    )


async def _texts(url: str) -> list[str]:
    return [r[0] for r in await query(url, "SELECT text FROM unanswered_questions")]


async def _counter_total(url: str) -> int:
    (row,) = await query(url, "SELECT coalesce(sum(count), 0) FROM daily_counters")
    return int(row[0])


# ---------------------------------------------------------------------- load
async def test_500_concurrent_writers_lose_nothing_and_duplicate_nothing(
    storage: Storage, database_url: str
) -> None:
    async def one(i: int) -> bool:
        await storage.record_unanswered(
            user_id=i, text=f"question {i}", language="en", candidates=[("e", float(i % 100))]
        )
        await storage.count(kind="unanswered", entry=None, language="en")
        await storage.set_language(user_id=i, language="nl")
        return await storage.record_feedback(
            user_id=i, entry="e", helpful=bool(i % 2), language="en", message_key=f"{i}:1"
        )

    results = await asyncio.gather(*(one(i) for i in range(500)))
    assert all(results)
    assert await storage.flush(20)

    texts = await _texts(database_url)
    assert len(texts) == 500
    assert sorted(texts) == sorted(f"question {i}" for i in range(500))
    (keys,) = await query(
        database_url, "SELECT count(DISTINCT idempotency_key) FROM unanswered_questions"
    )
    assert keys == (500,)
    assert await _counter_total(database_url) == 500
    assert await query(database_url, "SELECT count(*) FROM feedback") == [(500,)]
    assert await query(database_url, "SELECT count(*) FROM user_preferences") == [(500,)]


# ---------------------------------------------------------------------- outages
async def test_every_record_arrives_once_after_the_database_is_back(
    outage: Outage, tmp_path: Path
) -> None:
    storage = await _open(outage.url, tmp_path)
    try:
        total = 300

        async def producer() -> None:
            for i in range(total):
                await storage.record_unanswered(
                    user_id=i, text=f"q{i}", language="en", candidates=[]
                )
                await storage.count(kind="unanswered", entry=None, language="en")
                if i % 10 == 0:
                    await asyncio.sleep(0.01)

        writing = asyncio.create_task(producer())
        await asyncio.sleep(0.1)  # some records are in by now
        await outage.down()
        await asyncio.sleep(0.4)
        during = len(await _texts(outage.check_url))
        assert 0 < during < total  # the outage really came mid-run
        assert not await storage.flush(0.3)  # stuck while the database is away
        assert storage.pending > 0
        assert len(await _texts(outage.check_url)) == during  # nothing got through

        # the bot keeps answering: direct writes fall back to the queue instead of failing
        assert await storage.record_feedback(
            user_id=1, entry="e", helpful=True, language="en", message_key="1:1"
        )
        await storage.set_language(user_id=1, language="zh")
        assert await storage.get_language(user_id=1) == "zh"  # the queued choice counts
        # what must not silently fail says so, in a type the bot can catch
        with pytest.raises(StorageUnavailable):
            await storage.forget_user(user_id=10**9)

        await outage.up()
        await writing
        assert await storage.flush(15)
    finally:
        await storage.close()

    texts = await _texts(outage.check_url)
    assert sorted(texts) == sorted(f"q{i}" for i in range(total))
    assert await _counter_total(outage.check_url) == total
    assert await query(outage.check_url, "SELECT count(*) FROM feedback") == [(1,)]
    assert await query(outage.check_url, "SELECT language FROM user_preferences") == [("zh",)]
    assert not (tmp_path / "spool").exists() or not any((tmp_path / "spool").iterdir())


@pytest.mark.postgres
async def test_postgres_backends_terminated_mid_run(tmp_path: Path) -> None:
    async with pg_schema() as schema:
        url = pg_url(schema)
        storage = await _open(url, tmp_path)
        total = 300
        killed = 0

        async def killer() -> None:
            nonlocal killed
            for _ in range(15):
                await pg_execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = $1",
                    schema,
                )
                killed += 1
                await asyncio.sleep(0.05)

        async def producer() -> None:
            for i in range(total):
                await storage.record_unanswered(
                    user_id=None, text=f"t{i}", language="en", candidates=[]
                )
                await storage.count(kind="answer", entry="e", language="en")
                if i % 5 == 0:
                    await asyncio.sleep(0.005)

        try:
            await asyncio.gather(killer(), producer())
            assert await storage.flush(15)
        finally:
            await storage.close()
        assert killed == 15
        texts = await _texts(url)
        assert sorted(texts) == sorted(f"t{i}" for i in range(total))
        assert await _counter_total(url) == total


async def test_a_retry_after_a_lost_commit_acknowledgement_writes_nothing_twice(
    storage: Storage, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = storage._outbox
    original = outbox._write
    failures: list[int] = []

    async def commit_then_fail(records: Sequence[Record]) -> None:
        await original(records)  # committed ...
        if len(failures) < 2:
            failures.append(len(records))
            raise ConnectionResetError("connection lost after COMMIT")  # ... but no ack

    monkeypatch.setattr(outbox, "_write", commit_then_fail)
    for i in range(20):
        await storage.record_unanswered(user_id=i, text=f"r{i}", language="en", candidates=[])
        await storage.count(kind="clarify", entry=None, language="en")
    assert await storage.flush(10)
    assert failures  # the batch really was retried
    assert sorted(await _texts(database_url)) == sorted(f"r{i}" for i in range(20))
    assert await _counter_total(database_url) == 20


# ---------------------------------------------------------------------- the spool
async def test_pending_records_survive_close_and_open(outage: Outage, tmp_path: Path) -> None:
    storage = await _open(outage.url, tmp_path, flush_timeout=0.3)
    await storage.record_unanswered(user_id=1, text="before", language="en", candidates=[])
    assert await storage.flush(5)
    spool = storage.spool_path

    await outage.down()
    for i in range(20):
        await storage.record_unanswered(user_id=i, text=f"s{i}", language="en", candidates=[])
        await storage.count(kind="unanswered", entry=None, language="en")
    await storage.set_language(user_id=5, language="it")
    await storage.close()  # the database is still away: the records go to the spool

    lines = spool.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 41
    assert {type(loads(line)).__name__ for line in lines} == {
        "UnansweredRecord",
        "CounterRecord",
        "PreferenceRecord",
    }
    assert oct(spool.stat().st_mode & 0o777) == "0o600"  # texts inside: owner only
    saved = tmp_path / "spool-copy.jsonl"
    shutil.copy(spool, saved)

    await outage.up()
    assert await _texts(outage.check_url) == ["before"]

    storage = await _open(outage.url, tmp_path)
    assert await storage.flush(10)
    # everything in it is written: the journal is empty while the storage runs, gone after
    assert not spool.exists() or spool.stat().st_size == 0
    assert await storage.get_language(user_id=5) == "it"
    await storage.close()

    # replaying the same spool again (a crash before it was deleted) adds nothing
    shutil.copy(saved, spool)
    storage = await _open(outage.url, tmp_path)
    assert await storage.flush(10)
    await storage.close()
    texts = await _texts(outage.check_url)
    assert sorted(texts) == sorted(["before", *(f"s{i}" for i in range(20))])
    assert await _counter_total(outage.check_url) == 20


async def test_default_spool_is_next_to_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "welcomebot.sqlite3"
    storage = await Storage.open(f"sqlite+aiosqlite:///{path}", hash_secret=SECRET)
    assert storage.spool_path == path.parent / "welcomebot.sqlite3.outbox.jsonl"
    await storage.close()
