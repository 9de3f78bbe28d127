"""Helpers shared by the storage tests (a module of its own so tests can import it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import asyncpg
import pytest
from sqlalchemy import text

from storage.engine import create_engine

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_URL = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/test"
SECRET = "storage-tests-secret-0123456789"

_pg_error: list[str | None] = []  # cached reachability: [] unknown, [None] ok, [msg] down


async def require_postgres() -> None:
    """Skip (fail under CI=true) when the PostgreSQL server is unreachable."""
    if not _pg_error:
        try:
            conn = await asyncpg.connect(
                host=PG_HOST, port=PG_PORT, user="postgres", database="test", timeout=3
            )
            await conn.close()
            _pg_error.append(None)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _pg_error.append(f"{type(exc).__name__}: {exc}")
    error = _pg_error[0]
    if error is None:
        return
    message = f"PostgreSQL at {PG_HOST}:{PG_PORT}/test is unreachable ({error})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true requires the PostgreSQL tests to run")
    pytest.skip(f"SKIPPED POSTGRESQL: {message}; start it to test that backend")


def pg_url(schema: str, *, port: int = PG_PORT) -> str:
    """A URL whose connections use ``schema`` and carry it as their application name."""
    options = quote(f"-csearch_path={schema} -capplication_name={schema}")
    return f"postgresql+asyncpg://postgres@{PG_HOST}:{port}/test?options={options}"


async def pg_execute(sql: str, *args: Any) -> None:
    """Run one statement on a connection of its own."""
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="test")
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A fresh, empty schema; dropped with everything in it afterwards."""
    await require_postgres()
    schema = f"storage_test_{uuid.uuid4().hex[:12]}"
    await pg_execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        await pg_execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on a connection independent of the storage under test."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql), params)]
    finally:
        await engine.dispose()


class TcpProxy:
    """A TCP forwarder to PostgreSQL that a test can cut, like a server going away.

    ``stop()`` closes the listening port and every open connection (clients then meet a
    closed port); ``start()`` opens the same port again.
    """

    def __init__(self, target_port: int = PG_PORT) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, PG_HOST, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(PG_HOST, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            dst.transport.abort()
